import type { CancelReason, SidecarMode } from "../contract/constants.ts";
import { OPS, type OpArgs, type OpName, type OpResult } from "../contract/ops.ts";
import { CallCancelledError, ProjectError, ShuttingDownError, SidecarLostError, SidecarProtocolError } from "../errors.ts";
import { log } from "../log.ts";
import type { Hello, SidecarEvent } from "./protocol.ts";
import type { Sidecar, SidecarSource } from "./sources.ts";

/** After an interrupt, how long the code gets to stop before its sidecar is given up. */
export const INTERRUPT_GRACE_MS = 2_000;

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: SidecarEvent) => void;
}

export interface CallOutcome<T> {
  result: T;
  /** Which sidecar answered: 1 for the first, one more for each replacement. */
  generation: number;
  /** Why the previous sidecar ended, when this one replaced it. */
  replaced?: string;
}

export interface Supervisor {
  /** Starts the sidecar if none is running; resolves with its hello. */
  start(): Promise<Hello>;
  /** How the current sidecar runs, if there is one. */
  mode(): SidecarMode | undefined;
  /** Whether a sidecar is running or starting (so `call` would not have to start one). */
  active(): boolean;
  /** Runs `op` in the sidecar and parses its result by the contract. */
  call<K extends OpName>(op: K, args: OpArgs<K>, options?: CallOptions): Promise<CallOutcome<OpResult<K>>>;
  stop(): Promise<void>;
}

interface Running {
  sidecar: Sidecar;
  generation: number;
  replaced?: string;
  /** Why we stopped it, when we did: reported instead of a bare "connection closed". */
  stoppedBecause?: string;
}

/** Rejects as soon as the client cancels: a call must not wait for a sidecar it no longer wants. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new CallCancelledError("the call was cancelled"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CallCancelledError("the call was cancelled before the sidecar was ready"));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Owns the sidecar's life: gets one from its source on demand, replaces it when it ends,
 * enforces per-call timeouts (interrupt first, then give the sidecar up) and turns client
 * cancellation into an interrupt.
 */
export function createSupervisor(source: SidecarSource): Supervisor {
  let current: Promise<Running> | undefined;
  let latest: Running | undefined;
  /** Why the previous sidecar ended, until a new one has started. */
  let previousEnd: string | undefined;
  let generation = 0;
  let stopping = false;
  /** Aborts a sidecar still starting when the server stops. */
  const shutdown = new AbortController();

  const forget = (running: Running, why: string) => {
    if (running !== latest) return;
    latest = current = undefined;
    previousEnd = why;
  };

  const retire = (running: Running, because: string) => {
    running.stoppedBecause ??= because;
    forget(running, because);
    running.sidecar.stop("SIGKILL");
  };

  const ensure = (): Promise<Running> => {
    if (stopping) return Promise.reject(new ShuttingDownError("the server is shutting down"));
    if (latest) {
      const reason = source.better?.(latest.sidecar);
      if (reason) retire(latest, reason);
    }
    if (current) return current;
    const starting = source.open(shutdown.signal).then((sidecar) => {
      const { hello } = sidecar.connection;
      log.debug(`sidecar ready (${sidecar.mode}): Python ${hello.python?.version} (${hello.python?.executable}), Django ${hello.django}, codec ${hello.codec}`);
      const running: Running = { sidecar, generation: ++generation, replaced: previousEnd };
      previousEnd = undefined;
      latest = running;
      void sidecar.ended.then((ending) => {
        if (stopping) return;
        const why = running.stoppedBecause ?? ending;
        if (running === latest) log.warn(`the Python sidecar ended (${why}); the next call gets a new one`);
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

  /** One try of a call; `retried` once it runs again because its sidecar was lost before it began. */
  const attempt = async <K extends OpName>(
    op: K,
    wireArgs: Record<string, unknown>,
    options: CallOptions,
    retried: boolean,
  ): Promise<CallOutcome<OpResult<K>>> => {
    const running = await untilAborted(ensure(), options.signal);
    // The sidecar runs one request at a time and says when each starts: the timeout counts from
    // then, and only a started request can need its sidecar given up. A queued one is dropped.
    let started = false;
    let interruptedFor: CancelReason | undefined;
    let timeoutTimer: ReturnType<typeof setTimeout> | undefined;
    let giveUpTimer: ReturnType<typeof setTimeout> | undefined;
    const armGiveUp = () => {
      const reason = interruptedFor;
      if (!started || !reason) return;
      const what = running.sidecar.mode === "spawned" ? "the process was killed" : "we disconnected, leaving it running there";
      giveUpTimer ??= setTimeout(
        () => retire(running, `the code did not stop within ${INTERRUPT_GRACE_MS / 1000} s of being interrupted (${reason}), so ${what}`),
        INTERRUPT_GRACE_MS,
      );
    };
    const interrupt = (reason: CancelReason) => {
      if (interruptedFor) return;
      interruptedFor = reason;
      running.sidecar.connection.cancel(id, reason);
      armGiveUp();
    };
    const { id, result } = running.sidecar.connection.request(op, wireArgs, (event) => {
      if (event.kind === "started") {
        started = true;
        if (options.timeoutMs) timeoutTimer = setTimeout(() => interrupt("timeout"), options.timeoutMs);
        armGiveUp();
      }
      options.onEvent?.(event);
    });
    const onAbort = () => interrupt("cancelled");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const parsed = OPS[op].result.safeParse(await result);
      if (!parsed.success) throw new SidecarProtocolError(`the sidecar's result for ${op} is off the contract: ${parsed.error.message}`);
      return { result: parsed.data as OpResult<K>, generation: running.generation, replaced: running.replaced };
    } catch (error) {
      if (error instanceof ProjectError && error.kind === "setup_failed") {
        // A half-set-up Django can't be set up again in the same process: the next call starts afresh.
        retire(running, "Django setup failed");
      }
      if (error instanceof SidecarLostError) {
        const ending = await Promise.race([running.sidecar.ended, Bun.sleep(1000).then(() => error.message)]);
        const why = running.stoppedBecause ?? ending;
        if (stopping) throw new ShuttingDownError("the server is shutting down");
        if (!started && !retried) {
          // Nothing of the call ran (the sidecar died while idle, or with the call queued): it is
          // safe to run it on a fresh sidecar, whose result then says the state was reset.
          forget(running, why);
          return attempt(op, wireArgs, options, true);
        }
        const lost = running.sidecar.mode === "spawned" ? "The Python sidecar ended" : "The connection to the Django process was lost";
        throw new SidecarLostError(`${lost} while running this call (${why})`);
      }
      throw error;
    } finally {
      clearTimeout(timeoutTimer);
      clearTimeout(giveUpTimer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  };

  return {
    start: async () => (await ensure()).sidecar.connection.hello,
    mode: () => latest?.sidecar.mode,
    active: () => current !== undefined,
    async call(op, args, options = {}) {
      // Checked once, before waiting for a sidecar: a call off the contract is our bug, not worth starting one for.
      const wireArgs = OPS[op].args.safeParse(args);
      if (!wireArgs.success) throw new SidecarProtocolError(`arguments for ${op} are off the contract: ${wireArgs.error.message}`);
      return attempt(op, wireArgs.data, options, false);
    },
    async stop() {
      stopping = true;
      shutdown.abort();
      const running = await current?.catch(() => undefined);
      if (!running) return;
      running.sidecar.connection.close();
      running.sidecar.stop("SIGTERM");
      const ended = await Promise.race([running.sidecar.ended.then(() => true), Bun.sleep(500).then(() => false)]);
      if (!ended) running.sidecar.stop("SIGKILL");
    },
  };
}
