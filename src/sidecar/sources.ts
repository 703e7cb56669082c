import { type SidecarMode, UNSUPPORTED_PYTHON_EXIT } from "../contract/constants.ts";
import { SidecarStartError } from "../errors.ts";
import { log } from "../log.ts";
import { randomToken } from "../random.ts";
import { connectSidecar, type SidecarConnection } from "./connection.ts";
import { findDevServer, lookUpDevServer, type Registration } from "./devserver.ts";
import type { ReadOnlyRequest } from "./protocol.ts";
import { type SidecarLaunch, spawnSidecar } from "./spawn.ts";

/** How long a spawned sidecar may take to start (django.setup() of a big project included). */
const START_TIMEOUT_MS = 60_000;
/** A dev server's or manage.py mcp's socket answers at once, or not at all. */
const ATTACH_TIMEOUT_MS = 5_000;
/** How long a dev server that refused us may take to show it was being replaced (an autoreload in progress). */
const SUCCESSOR_WAIT_MS = 2_000;
/** How often, at most, a spawned sidecar checks whether a dev server has come (back). */
const DEV_SERVER_CHECK_MS = 1_000;

/** One live sidecar, however it was reached. */
export interface Sidecar {
  mode: SidecarMode;
  connection: SidecarConnection;
  /** Resolves with why it ended ("exited with code 1", "the dev server went away", …). */
  ended: Promise<string>;
  /** A spawned process group is killed; a dev server or manage.py mcp is only disconnected from. */
  stop(signal?: NodeJS.Signals): void;
}

/** Where sidecars come from: the supervisor asks for one whenever it has none. */
export interface SidecarSource {
  /** A new sidecar; `signal` aborts one still starting (the server is stopping). */
  open(signal: AbortSignal): Promise<Sidecar>;
  /** A reason to leave `current` for a better sidecar that is available now. */
  better?(current: Sidecar): string | undefined;
}

function exitDescription(code: string): string {
  return /^\d+$/.test(code) ? `exited with code ${code}` : `was killed by ${code}`;
}

async function spawn(launch: SidecarLaunch, client: string, signal: AbortSignal): Promise<Sidecar> {
  const secret = randomToken(24, "base64url");
  const child = spawnSidecar(launch, secret);
  const onStop = () => child.kill();
  signal.addEventListener("abort", onStop, { once: true });
  let exitCode: string | undefined;
  const exited = child.exited.then((code) => {
    exitCode = code;
    const output = child.recentErrors().join("\n");
    return `the Python sidecar ${exitDescription(code)} while starting${output ? `:\n${output}` : ""}`;
  });
  // The socket listens before django.setup() runs: the deadline covers the hello, which follows it.
  const tooSlow = Bun.sleep(START_TIMEOUT_MS).then(() => `the Python sidecar did not finish starting (django.setup()) within ${START_TIMEOUT_MS / 1000} s`);
  const abandoned = Promise.race([exited, tooSlow]);
  const gaveUp = () => (exitCode === undefined ? undefined : `the Python sidecar ${exitDescription(exitCode)} while starting`);
  try {
    const connection = await connectSidecar(child.socketPath, { secret, client, read_only: launch.readOnly }, gaveUp, abandoned);
    void child.exited.then(() => connection.close());
    return {
      mode: "spawned",
      connection,
      ended: child.exited.then((code) => `it ${exitDescription(code)}`),
      stop: (signal = "SIGKILL") => child.kill(signal),
    };
  } catch (error) {
    const diedByItself = exitCode !== undefined;
    child.kill();
    // Its exit also removes its socket directory: wait for it, even when shutting down.
    const lastWords = await exited;
    // An interpreter too old for us says so in its last line; no restart can help.
    if (exitCode === String(UNSUPPORTED_PYTHON_EXIT)) throw new SidecarStartError(child.recentErrors().at(-1) ?? lastWords, true);
    // When the process died by itself, its own last words say more than the socket error.
    if (diedByItself) throw new SidecarStartError(lastWords);
    throw error;
  } finally {
    signal.removeEventListener("abort", onStop);
  }
}

/** Connects to a sidecar that lives in another process of the user's (dev server, manage.py mcp). */
async function connectTo(mode: SidecarMode, socket: string, secret: string, client: string, gone: string, readOnly?: ReadOnlyRequest): Promise<Sidecar> {
  const started = Date.now();
  const gaveUp = () => (Date.now() - started > ATTACH_TIMEOUT_MS ? `nothing answers on ${socket}` : undefined);
  const timeout = Bun.sleep(ATTACH_TIMEOUT_MS).then(() => `no hello from ${socket} within ${ATTACH_TIMEOUT_MS / 1000} s`);
  const connection = await connectSidecar(socket, { secret, client, read_only: readOnly }, gaveUp, timeout);
  return { mode, connection, ended: connection.closed.then(() => gone), stop: () => connection.close() };
}

/** Always a fresh Python process of our own (--no-attach). */
export function spawnedSource(launch: SidecarLaunch, client: string): SidecarSource {
  return {
    async open(signal) {
      const sidecar = await spawn(launch, client, signal);
      // Shims (pyenv, asdf) are resolved once: restarts use the real interpreter.
      const executable = sidecar.connection.hello.python?.executable;
      if (executable) launch = { ...launch, python: executable };
      return sidecar;
    },
  };
}

/**
 * The project's running dev server when one listens (re-checked while we run without it),
 * else a spawned sidecar — unless `insist` (--attach), where no dev server is an error.
 */
export function devServerSource(projectRoot: string, launch: SidecarLaunch, client: string, insist: boolean): SidecarSource {
  const fallback = spawnedSource(launch, client);
  let lastCheck = 0;
  // Dev servers that could not be attached to (suspended, another version…): not tried again,
  // or every call would trade a working sidecar for another failed attempt.
  const refused = new Set<string>();
  const identity = (registration: Registration) => `${registration.pid}:${registration.secret}`;
  const attach = async (registration: Registration) => {
    try {
      // Read-only mode there covers our calls' thread only: the dev server's own requests keep writing.
      const sidecar = await connectTo(
        "attached",
        registration.socket,
        registration.secret,
        client,
        "the dev server went away (stopped or reloading)",
        launch.readOnly,
      );
      log.info(`attached to the dev server (pid ${registration.pid}, Django ${registration.django}): calls run in the live process`);
      return sidecar;
    } catch (error) {
      refused.add(identity(registration));
      throw error;
    }
  };
  /** Whether the dev server `gone` refused us because it was being replaced (an autoreload): then its successor is worth trying. */
  const replacedSoon = async (gone: Registration) => {
    const deadline = Date.now() + SUCCESSOR_WAIT_MS;
    while (Date.now() < deadline) {
      const found = lookUpDevServer(projectRoot);
      if (found.state === "absent") return false;
      if (found.state === "reloading" || identity(found.registration) !== identity(gone)) return true;
      await Bun.sleep(50);
    }
    return false;
  };
  return {
    async open(signal) {
      let registration = await findDevServer(projectRoot);
      while (registration && !refused.has(identity(registration))) {
        try {
          return await attach(registration);
        } catch (error) {
          if (await replacedSoon(registration)) {
            registration = await findDevServer(projectRoot);
            continue;
          }
          if (insist) throw error;
          log.warn(`could not attach to the dev server (${(error as Error).message}); starting a sidecar of our own`);
          break;
        }
      }
      if (insist) {
        throw new SidecarStartError(
          `no dev server of this project is listening: start it (python manage.py runserver, with "mcp_django_bun" in INSTALLED_APPS) or drop --attach`,
        );
      }
      return fallback.open(signal);
    },
    better(current) {
      if (current.mode !== "spawned" || Date.now() - lastCheck < DEV_SERVER_CHECK_MS) return undefined;
      lastCheck = Date.now();
      const found = lookUpDevServer(projectRoot);
      if (found.state !== "listening" || refused.has(identity(found.registration))) return undefined;
      return "a dev server is listening now, so calls move into it";
    },
  };
}

/**
 * `python manage.py mcp`: first the sidecar in the command's process; once that process ends, so
 * do we. With `fresh` (spawned sidecars of the command's interpreter), a sidecar we leave (for
 * fresh code, or a call that would not stop) is replaced by one of those instead.
 */
export function commandSource(
  socket: string,
  secret: string,
  client: string,
  onGone: () => void,
  fresh?: SidecarSource,
  readOnly?: ReadOnlyRequest,
): SidecarSource {
  let opened = false;
  return {
    async open(signal) {
      if (opened) {
        if (fresh) return fresh.open(signal);
        throw new SidecarStartError("the manage.py mcp process has ended", true);
      }
      opened = true;
      const sidecar = await connectTo("command", socket, secret, client, "the manage.py mcp process ended", readOnly);
      let left = false;
      void sidecar.ended.then(() => {
        if (!left || !fresh) onGone();
      });
      return {
        ...sidecar,
        stop: () => {
          left = true;
          sidecar.stop();
        },
      };
    },
  };
}
