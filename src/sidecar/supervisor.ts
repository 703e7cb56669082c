import { SidecarLostError, SidecarRequestError, SidecarStartError } from "../errors.ts";
import { log } from "../log.ts";
import { connectSidecar, type CancelReason, type SidecarConnection } from "./connection.ts";
import type { Hello, SidecarEvent } from "./protocol.ts";
import { spawnSidecar, type SidecarLaunch, type SidecarProcess } from "./spawn.ts";

/** How long a sidecar may take to start (django.setup() of a big project included). */
const START_TIMEOUT_MS = 60_000;
/** After an interrupt, how long the code gets to stop before the process group is killed. */
export const INTERRUPT_GRACE_MS = 2_000;

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: SidecarEvent) => void;
}

export interface CallOutcome {
  result: Record<string, unknown>;
  /** Which sidecar answered: 1 for the first, one more for each replacement. */
  generation: number;
  /** Why the previous sidecar ended, when this one replaced it. */
  replaced?: string;
}

export interface Supervisor {
  /** Starts the sidecar if none is running; resolves with its hello. */
  start(): Promise<Hello>;
  call(op: string, args: Record<string, unknown>, options?: CallOptions): Promise<CallOutcome>;
  /** Frees an MCP session's shell namespace, if a sidecar is running (never starts one). */
  closeSession(session: string): Promise<void>;
  stop(): Promise<void>;
}

interface Running {
  process: SidecarProcess;
  connection: SidecarConnection;
  generation: number;
  replaced?: string;
  /** Why we killed it, when we did: reported instead of a bare "connection closed". */
  killedBecause?: string;
}

function exitDescription(code: string): string {
  return /^\d+$/.test(code) ? `exited with code ${code}` : `was killed by ${code}`;
}

async function startSidecar(launch: SidecarLaunch): Promise<Running> {
  const process = spawnSidecar(launch);
  const started = Date.now();
  let exitCode: string | undefined;
  const abandoned = process.exited.then((code) => {
    exitCode = code;
    const output = process.recentErrors().join("\n");
    return `the Python sidecar ${exitDescription(code)} while starting${output ? `:\n${output}` : ""}`;
  });
  const gaveUp = () => {
    if (exitCode !== undefined) return `the Python sidecar ${exitDescription(exitCode)} while starting`;
    if (Date.now() - started > START_TIMEOUT_MS) return `the Python sidecar did not listen within ${START_TIMEOUT_MS / 1000} s`;
    return undefined;
  };
  try {
    const connection = await connectSidecar(process.socketPath, gaveUp, abandoned);
    void process.exited.then(() => connection.close());
    return { process, connection, generation: 0 };
  } catch (error) {
    process.kill();
    // When the process died, its own last words say more than the socket error.
    if (exitCode !== undefined) throw new SidecarStartError(await abandoned);
    throw error;
  }
}

/**
 * Owns the sidecar's life: starts it on demand, replaces it when it dies, enforces per-call
 * timeouts (interrupt first, then kill) and turns client cancellation into an interrupt.
 */
export function createSupervisor(launch: SidecarLaunch): Supervisor {
  let current: Promise<Running> | undefined;
  let latest: Running | undefined;
  /** Why the previous sidecar ended, until a new one has started. */
  let previousEnd: string | undefined;
  let generation = 0;
  let stopping = false;

  const forget = (running: Running, why: string) => {
    if (running !== latest) return;
    latest = current = undefined;
    previousEnd = why;
  };

  const retire = (running: Running, because: string) => {
    running.killedBecause ??= because;
    forget(running, because);
    running.process.kill("SIGKILL");
  };

  const ensure = (): Promise<Running> => {
    if (stopping) return Promise.reject(new SidecarLostError("the server is shutting down"));
    if (current) return current;
    const starting = startSidecar(launch).then((running) => {
      const { hello } = running.connection;
      log.debug(`sidecar ready: Python ${hello.python?.version} (${hello.python?.executable}), Django ${hello.django}, codec ${hello.codec}`);
      // Shims (pyenv, asdf) are resolved once: restarts use the real interpreter.
      if (hello.python?.executable) launch = { ...launch, python: hello.python.executable };
      running.generation = ++generation;
      running.replaced = previousEnd;
      previousEnd = undefined;
      latest = running;
      void running.process.exited.then((code) => {
        if (stopping) return;
        const why = running.killedBecause ?? `it ${exitDescription(code)}`;
        if (running === latest) log.warn(`the Python sidecar ended (${why}); the next call starts a new one`);
        forget(running, why);
      });
      return running;
    });
    current = starting;
    starting.catch(() => {
      if (current === starting) current = undefined;
    });
    return starting;
  };

  const call = async (op: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<CallOutcome> => {
    const running = await ensure();
    // The sidecar runs one request at a time and says when each starts: the timeout counts from
    // then, and only a started request can need killing. A queued one is simply dropped.
    let started = false;
    let interruptedFor: CancelReason | undefined;
    let timeoutTimer: ReturnType<typeof setTimeout> | undefined;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const armKill = () => {
      const reason = interruptedFor;
      if (!started || !reason) return;
      killTimer ??= setTimeout(
        () => retire(running, `the code did not stop within ${INTERRUPT_GRACE_MS / 1000} s of being interrupted (${reason}), so the process was killed`),
        INTERRUPT_GRACE_MS,
      );
    };
    const interrupt = (reason: CancelReason) => {
      if (interruptedFor) return;
      interruptedFor = reason;
      running.connection.cancel(id, reason);
      armKill();
    };
    const { id, result } = running.connection.request(op, args, (event) => {
      if (event.kind === "started") {
        started = true;
        if (options.timeoutMs) timeoutTimer = setTimeout(() => interrupt("timeout"), options.timeoutMs);
        armKill();
      }
      options.onEvent?.(event);
    });
    const onAbort = () => interrupt("cancelled");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return { result: await result, generation: running.generation, replaced: running.replaced };
    } catch (error) {
      if (error instanceof SidecarRequestError && error.type === "DjangoSetupError") {
        // A half-set-up Django can't be set up again in the same process: the next call starts afresh.
        retire(running, "Django setup failed");
      }
      if (error instanceof SidecarLostError) {
        const code = await Promise.race([running.process.exited, Bun.sleep(1000).then(() => undefined)]);
        const why = running.killedBecause ?? (code === undefined ? error.message : `it ${exitDescription(code)}`);
        throw new SidecarLostError(`The Python sidecar ended while running this call (${why}). The shell session state was lost; the next call starts a new sidecar.`);
      }
      throw error;
    } finally {
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  };

  return {
    start: async () => (await ensure()).connection.hello,
    call,
    async closeSession(session) {
      if (!current) return;
      await call("session.close", { session }).catch((error: Error) => log.debug(`could not free session ${session}: ${error.message}`));
    },
    async stop() {
      stopping = true;
      const running = await current?.catch(() => undefined);
      if (!running) return;
      running.connection.close();
      running.process.kill("SIGTERM");
      const ended = await Promise.race([running.process.exited.then(() => true), Bun.sleep(500).then(() => false)]);
      if (!ended) running.process.kill("SIGKILL");
    },
  };
}
