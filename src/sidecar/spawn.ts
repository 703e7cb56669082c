import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SidecarStartError } from "../errors.ts";
import { log } from "../log.ts";
import { isAlive } from "./pids.ts";
import type { ReadOnlyRequest } from "./protocol.ts";

const here = dirname(fileURLToPath(import.meta.url));
/**
 * The `py/` folder, put on the sidecar's PYTHONPATH. It sits beside `src/` in a clone (this module
 * is src/sidecar/spawn.ts) and beside `dist/` in the package (this module is bundled into dist/).
 */
export const PY_ROOT =
  [join(here, "..", "py"), join(here, "..", "..", "py")].find((dir) => existsSync(join(dir, "mcp_django_bun"))) ?? join(here, "..", "..", "py");

export interface SidecarLaunch {
  python: string;
  projectRoot: string;
  settingsModule: string;
  pythonPath: string[];
  /** Read-only mode: in force in the spawned process before Django is set up, and asked for again in the hello. */
  readOnly?: ReadOnlyRequest;
}

export interface SidecarProcess {
  socketPath: string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<string>;
  /** The last lines the process wrote to stderr: the traceback when it died starting. */
  recentErrors(): string[];
  /** Signals the whole process group, so the user's own child processes end too. */
  kill(signal?: NodeJS.Signals): void;
}

/** The server's own secrets: the project's code (and whatever it runs) never sees them. */
const SERVER_ONLY_ENV = ["MCP_DJANGO_TOKEN", "MCP_DJANGO_SIDECAR_SOCKET", "MCP_DJANGO_SIDECAR_SECRET"];
/** Bun's engine options, set for our own Bun by bin/mcp-django.mjs (JIT tiers off): not for a Bun the project's code runs. */
const OUR_BUN_ENV_PREFIX = "BUN_JSC_";

/** The environment the project's Python runs in: ours without the server's secrets, with its settings and py/ on the path. */
export function pythonEnv(launch: SidecarLaunch, env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  return {
    ...Object.fromEntries(Object.entries(env).filter(([name]) => !SERVER_ONLY_ENV.includes(name) && !name.startsWith(OUR_BUN_ENV_PREFIX))),
    DJANGO_SETTINGS_MODULE: launch.settingsModule,
    PYTHONPATH: [PY_ROOT, env.PYTHONPATH].filter(Boolean).join(delimiter),
  };
}

const LOG_LINE_LIMIT = 2000;

const RECENT_LINES = 40;

async function logLines(stream: ReadableStream<Uint8Array>, tag: string, recent?: string[]): Promise<void> {
  const decoder = new TextDecoder();
  let carry = "";
  const emit = (line: string) => {
    const shown = line.length > LOG_LINE_LIMIT ? `${line.slice(0, LOG_LINE_LIMIT)}…` : line;
    log.info(`[${tag}] ${shown}`);
    if (recent) {
      recent.push(shown);
      if (recent.length > RECENT_LINES) recent.shift();
    }
  };
  for await (const chunk of stream) {
    const lines = (carry + decoder.decode(chunk, { stream: true })).split("\n");
    carry = lines.pop() ?? "";
    for (const line of lines) emit(line);
    if (carry.length > LOG_LINE_LIMIT) {
      emit(carry);
      carry = "";
    }
  }
  if (carry) emit(carry);
}

const SOCKET_DIR_PREFIX = "mcp-django-sidecar-";
/** A Unix socket's path must fit sun_path: 108 bytes on Linux, 104 on macOS, the final NUL included. */
export const MAX_SOCKET_PATH = process.platform === "linux" ? 107 : 103;
const SOCKET_NAME = "sidecar.sock";

/** The socket path makeSocketDir makes under `base` (mkdtemp adds six characters). */
function socketPathUnder(base: string): string {
  return join(base, `${SOCKET_DIR_PREFIX}${process.pid}-XXXXXX`, SOCKET_NAME);
}

/** Where sockets go: the temporary folder, unless a long $TMPDIR would make their paths too long; then /tmp. */
export function socketBase(): string {
  const base = tmpdir();
  return Buffer.byteLength(socketPathUnder(base)) <= MAX_SOCKET_PATH ? base : "/tmp";
}

/**
 * A private folder for a sidecar's socket, named after this server so that a later server can
 * remove it if this one is killed before it can. Returns the socket's path in it.
 */
export function makeSocketDir(base: string = socketBase()): string {
  return join(mkdtempSync(join(base, `${SOCKET_DIR_PREFIX}${process.pid}-`)), SOCKET_NAME);
}

let swept = false;

/** Removes the socket folders of servers that are gone (killed with SIGKILL, say): ours only, never a live one's. */
function sweepOnce(): void {
  if (swept) return;
  swept = true;
  const uid = process.getuid?.();
  try {
    for (const name of readdirSync(socketBase())) {
      const owner = Number(name.slice(SOCKET_DIR_PREFIX.length).split("-")[0]);
      if (!name.startsWith(SOCKET_DIR_PREFIX) || !Number.isInteger(owner) || owner === process.pid || isAlive(owner)) continue;
      const path = join(socketBase(), name);
      if (lstatSync(path, { throwIfNoEntry: false })?.uid === uid) rmSync(path, { recursive: true, force: true });
    }
  } catch (error) {
    log.debug(`could not sweep old socket folders: ${(error as Error).message}`); // only tidiness is lost
  }
}

/**
 * Starts `python -m mcp_django_bun.sidecar` in the project root, in its own process group, with
 * its stdout and stderr piped into our log: project output never reaches the MCP stream.
 */
export function spawnSidecar(launch: SidecarLaunch, secret: string): SidecarProcess {
  sweepOnce();
  const socketPath = makeSocketDir();
  const dir = dirname(socketPath);
  const args = [launch.python, "-X", "utf8", "-u", "-m", "mcp_django_bun.sidecar", "--socket", socketPath];
  args.push("--parent-pid", String(process.pid));
  for (const path of launch.pythonPath) args.push("--pythonpath", path);
  if (launch.readOnly) args.push("--read-only", launch.readOnly.mode);

  // The secret goes by environment, not argv, where every user could read it.
  const env = { ...pythonEnv(launch), MCP_DJANGO_SECRET: secret };
  let child: Bun.Subprocess<"ignore", "pipe", "pipe">;
  try {
    child = Bun.spawn(args, { cwd: launch.projectRoot, env, stdin: "ignore", stdout: "pipe", stderr: "pipe", detached: true });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new SidecarStartError(`could not run ${launch.python}: ${(error as Error).message}`, true);
  }
  log.debug(`sidecar started: pid ${child.pid}, socket ${socketPath}`);
  void logLines(child.stdout, "python stdout");
  const recent: string[] = [];
  void logLines(child.stderr, "python", recent);

  let done = false;
  const exited = child.exited.then((code): string => {
    done = true;
    rmSync(dir, { recursive: true, force: true });
    return String(child.signalCode ?? code);
  });

  return {
    socketPath,
    exited,
    recentErrors: () => [...recent],
    kill(signal = "SIGKILL") {
      if (done) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
    },
  };
}
