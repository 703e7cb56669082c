import type { SidecarMode } from "../contract/constants.ts";
import { OPS, type OpArgs, type OpName, type OpResult } from "../contract/ops.ts";
import { CallCancelledError, ProjectError, ShuttingDownError, SidecarLostError, SidecarProtocolError } from "../errors.ts";
import { log } from "../log.ts";
import { CallDeadline, type SidecarActivity } from "./deadline.ts";
import type { Hello, SidecarEvent } from "./protocol.ts";
import type { Sidecar, SidecarSource } from "./sources.ts";

/** The deadline of a call that names none (a reset, freeing a session): every call ends. */
const DEFAULT_CALL_TIMEOUT_MS = 60_000;
/**
 * After a change, how long a dev server gets to reload before calls go on in it: Django's
 * autoreloader checks once a second, and a file it never loaded doesn't make it reload at all.
 */
const DEV_SERVER_RELOAD_GRACE_MS = 3_000;
/** Switches to fresher code one call may wait for, when the code keeps changing while sidecars start. */
const MAX_SWITCHES_PER_CALL = 3;

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: SidecarEvent) => void;
}

/** Why a sidecar took over from the previous one. */
export interface Replacement {
  /** Why the previous one ended or was left ("it was killed by SIGKILL", "catalog/models.py changed"). */
  why: string;
  /** The project files whose change caused it, when that was the cause. */
  changedFiles?: string[];
}

export interface CallOutcome<T> {
  result: T;
  /** Which sidecar answered: 1 for the first, one more for each replacement. */
  generation: number;
  /** Why the previous sidecar ended, when this one replaced it. */
  replaced?: Replacement;
}

export interface SupervisorOptions {
  /** Delivers changes seen but not yet reported (called at every call boundary, so a save just before a call counts). */
  flushChanges?: () => void;
  /**
   * Runs on each new sidecar before any call is sent to it, and must not throw: it fetches the
   * values results are redacted with (src/django/secrets.ts), so no result of it goes out unredacted.
   */
  onSidecar?: (sidecar: Sidecar) => Promise<void>;
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
  /**
   * The project's code changed: calls from the next one on run in a sidecar that loaded it
   * afterwards. A fresh sidecar is prepared now, so that it is usually ready by then; calls
   * running meanwhile finish where they are.
   */
  codeChanged(files: string[]): void;
  /** When the sidecar calls now run in was started (attached: connected to), if there is one. */
  loadedAt(): Date | undefined;
  /**
   * The generation (as in CallOutcome) the next call would run in without a switch: undefined
   * while there is none, or once the project's code changed since it loaded (changes seen just
   * now included). What a sidecar answered stays true while this still names it.
   */
  currentGeneration(): number | undefined;
  stop(): Promise<void>;
}

interface Running extends SidecarActivity {
  sidecar: Sidecar;
  generation: number;
  /** The code version it loaded (see `codeChanged`). */
  codeVersion: number;
  loadedAt: Date;
  replaced?: Replacement;
  /** Why we stopped it, when we did: reported instead of a bare "connection closed". */
  stoppedBecause?: string;
  /** The changed files it ended for (a dev server reloading after a change). */
  changedFiles?: string[];
  /** Calls sent to it and not yet answered: a sidecar left for fresh code is stopped once this is 0. */
  inFlight: number;
  /** A dev server being given the time to reload after a change. */
  reloading?: Promise<void>;
  /** A dev server that did not reload after a change (--noreload, or a file it never loaded): said once. */
  keptItsCode?: boolean;
}

/** "a.py, b.py and 3 more" */
export function describeFiles(files: readonly string[], shown = 3): string {
  if (files.length <= shown) return files.join(", ");
  return `${files.slice(0, shown).join(", ")} and ${files.length - shown} more`;
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
export function createSupervisor(source: SidecarSource, options: SupervisorOptions = {}): Supervisor {
  let current: Promise<Running> | undefined;
  let latest: Running | undefined;
  /** Why the previous sidecar ended, until a new one has started; and the code version it had loaded. */
  let previousEnd: Replacement | undefined;
  let previousVersion: number | undefined;
  let generation = 0;
  /** Counts the changes of the project's code; each sidecar remembers the count it loaded. */
  let codeVersion = 0;
  /** Each changed file with the code version its last change made. */
  const changes = new Map<string, number>();
  /** A sidecar started for the latest code before any call needs it. */
  let prepared: { codeVersion: number; running: Promise<Running> } | undefined;
  let stopping = false;
  /** Aborts a sidecar still starting when the server stops. */
  const shutdown = new AbortController();

  const changedSince = (version: number) => [...changes].filter(([, changed]) => changed > version).map(([file]) => file);

  const forget = (running: Running, why: Replacement) => {
    if (running !== latest) return;
    latest = current = undefined;
    previousEnd = why;
  };

  const retire = (running: Running, because: string) => {
    running.stoppedBecause ??= because;
    forget(running, { why: because });
    running.sidecar.stop("SIGKILL");
  };

  /** Sidecars left for fresh code that still finish a call. */
  const leaving = new Set<Running>();

  /** Stops `running` as soon as no call is left on it (a call in progress is never disturbed). */
  const leave = (running: Running, because: string) => {
    running.stoppedBecause ??= because;
    leaving.add(running);
    stopIfLeft(running);
  };

  const stopIfLeft = (running: Running) => {
    if (running.inFlight > 0 || !leaving.delete(running)) return;
    running.sidecar.stop("SIGKILL");
  };

  /** A new sidecar from the source, for the code as it is now; not yet the one calls go to. */
  const launch = (): Promise<Running> => {
    const loadsVersion = codeVersion;
    const opened = source.open(shutdown.signal).catch((error: unknown) => {
      // Stopping kills a sidecar still starting: that is no failure of the sidecar's.
      throw stopping ? new ShuttingDownError("the server is shutting down") : error;
    });
    const ready = opened.then(async (sidecar) => {
      await options.onSidecar?.(sidecar).catch((error: Error) => log.warn(`preparing the sidecar failed: ${error.message}`));
      return sidecar;
    });
    return ready.then((sidecar) => {
      const { hello } = sidecar.connection;
      log.debug(`sidecar ready (${sidecar.mode}): Python ${hello.python?.version} (${hello.python?.executable}), Django ${hello.django}, codec ${hello.codec}`);
      const running: Running = {
        sidecar,
        generation: 0,
        codeVersion: loadsVersion,
        loadedAt: new Date(),
        inFlight: 0,
        startedCalls: 0,
        lastActivity: performance.now(),
      };
      void sidecar.ended.then((ending) => {
        if (stopping) return;
        const why = running.stoppedBecause ?? ending;
        if (running === latest) log.warn(`the Python sidecar ended (${why}); the next call gets a new one`);
        // A dev server that went away after a change was most likely reloaded by it.
        const reloadedFor = running.sidecar.mode === "attached" && running.codeVersion < codeVersion ? changedSince(running.codeVersion) : undefined;
        forget(running, { why, changedFiles: running.changedFiles ?? reloadedFor });
      });
      return running;
    });
  };

  /** Makes `starting` the sidecar calls go to, once it is there. */
  const install = (starting: Promise<Running>): Promise<Running> => {
    const installed = starting.then((running) => {
      if (stopping) {
        running.sidecar.stop("SIGKILL");
        throw new ShuttingDownError("the server is shutting down");
      }
      running.generation = ++generation;
      // Whatever ended the previous sidecar, code changed since it loaded is news to the caller.
      const changedFiles = previousEnd?.changedFiles ?? (previousVersion === undefined ? [] : changedSince(previousVersion));
      running.replaced = previousEnd && { ...previousEnd, changedFiles: changedFiles.length ? changedFiles : undefined };
      previousEnd = undefined;
      previousVersion = running.codeVersion;
      latest = running;
      return running;
    });
    current = installed;
    installed.catch(() => {
      if (current === installed) current = undefined;
    });
    return installed;
  };

  const discardPrepared = () => {
    void prepared?.running.then((running) => running.sidecar.stop("SIGKILL")).catch(() => undefined);
    prepared = undefined;
  };

  /** A new sidecar for the latest code: the prepared one when it has it, else one started now. */
  const freshSidecar = (): Promise<Running> => {
    const ready = prepared?.codeVersion === codeVersion ? prepared.running : undefined;
    if (ready) prepared = undefined;
    else discardPrepared();
    return ready ?? launch();
  };

  /** Leaves a sidecar whose code is out of date for one with the latest code. */
  const switchToFreshCode = (stale: Running) => {
    const files = changedSince(stale.codeVersion);
    const why = `${describeFiles(files)} changed`;
    forget(stale, { why, changedFiles: files });
    leave(stale, why);
    void install(freshSidecar()).then(
      (running) => log.info(`${why}: calls now run in a fresh sidecar (pid ${running.sidecar.connection.hello.pid ?? "?"})`),
      () => undefined,
    );
  };

  /**
   * A dev server reloads by itself after a change (Django's autoreloader): wait for that, briefly.
   * One that doesn't (--noreload, or a file it never loaded) keeps serving calls with its code.
   */
  const awaitReload = (running: Running): Promise<void> => {
    running.reloading ??= (async () => {
      const version = codeVersion;
      const files = changedSince(running.codeVersion);
      running.stoppedBecause = `${describeFiles(files)} changed and the dev server reloaded`;
      running.changedFiles = files;
      const reloaded = await Promise.race([running.sidecar.ended.then(() => true), Bun.sleep(DEV_SERVER_RELOAD_GRACE_MS).then(() => false)]);
      if (reloaded) return;
      running.stoppedBecause = running.changedFiles = undefined;
      running.codeVersion = version;
      if (running.keptItsCode) return;
      running.keptItsCode = true;
      log.warn(
        `the dev server did not reload after ${describeFiles(files)} changed (started with --noreload, or a file it never imported): calls run in the code it loaded until it restarts`,
      );
    })().finally(() => {
      running.reloading = undefined;
    });
    return running.reloading;
  };

  /** Whether calls should leave `running` for fresher code. */
  const outdated = (running: Running) => running.codeVersion < codeVersion;

  /**
   * The sidecar this call goes to, claimed for it (so nothing stops it before the call is sent):
   * one with the latest code, unless the code keeps changing faster than sidecars start.
   */
  const ensure = async (switches = 0): Promise<Running> => {
    if (stopping) throw new ShuttingDownError("the server is shutting down");
    options.flushChanges?.();
    const better = latest && source.better?.(latest.sidecar);
    if (latest && better) {
      forget(latest, { why: better });
      leave(latest, better);
    }
    const running = await (current ?? install(freshSidecar()));
    if (!outdated(running) || switches >= MAX_SWITCHES_PER_CALL) {
      running.inFlight++;
      return running;
    }
    if (running.sidecar.mode === "attached") await awaitReload(running);
    else if (running === latest) switchToFreshCode(running);
    return ensure(switches + 1);
  };

  /** A call is done with `running`: one left for fresh code is stopped once no call is on it. */
  const release = (running: Running) => {
    running.inFlight--;
    stopIfLeft(running);
  };

  /** One try of a call; `retried` once it runs again because its sidecar was lost before it began. */
  const attempt = async <K extends OpName>(
    op: K,
    wireArgs: Record<string, unknown>,
    options: CallOptions,
    retried: boolean,
  ): Promise<CallOutcome<OpResult<K>>> => {
    const claimed = ensure();
    const running = await untilAborted(claimed, options.signal).catch((error: unknown) => {
      void claimed.then(release, () => undefined);
      throw error;
    });
    const what = running.sidecar.mode === "spawned" ? "the process was killed" : "we disconnected, leaving it running there";
    const deadline = new CallDeadline(running, options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS, {
      cancel: (reason) => running.sidecar.connection.cancel(id, reason),
      giveUp: (because) => retire(running, `${because}, so ${what}`),
    });
    const { id, result } = running.sidecar.connection.request(op, wireArgs, (event) => {
      if (event.kind === "started") deadline.onStarted();
      options.onEvent?.(event);
    });
    const onAbort = () => deadline.interrupt("cancelled");
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
        if (!deadline.started && !retried && !deadline.interruptedFor) {
          // Nothing of the call ran (the sidecar died while idle, or with the call queued) and its
          // deadline has not passed: it is safe to run it on a fresh sidecar, whose result then
          // says the state was reset.
          forget(running, { why });
        } else {
          const lost = running.sidecar.mode === "spawned" ? "The Python sidecar ended" : "The connection to the Django process was lost";
          throw new SidecarLostError(`${lost} while running this call (${why})`);
        }
      } else {
        throw error;
      }
    } finally {
      deadline.dispose();
      options.signal?.removeEventListener("abort", onAbort);
      release(running);
    }
    // Once this try is done with (its timers stopped), on a fresh sidecar.
    return attempt(op, wireArgs, options, true);
  };

  return {
    async start() {
      const running = await ensure();
      release(running);
      return running.sidecar.connection.hello;
    },
    mode: () => latest?.sidecar.mode,
    active: () => current !== undefined,
    loadedAt: () => latest?.loadedAt,
    currentGeneration() {
      if (stopping) return undefined;
      options.flushChanges?.();
      return latest && !outdated(latest) ? latest.generation : undefined;
    },
    codeChanged(files) {
      codeVersion++;
      for (const file of files) changes.set(file, codeVersion);
      if (stopping) return;
      discardPrepared();
      if (latest?.sidecar.mode === "attached") {
        log.info(`${describeFiles(files)} changed: the next call waits for the dev server to reload`);
        return;
      }
      log.info(`${describeFiles(files)} changed: preparing a fresh sidecar for the next call`);
      prepared = { codeVersion, running: launch() };
      prepared.running.catch((error: Error) => log.debug(`the fresh sidecar could not start: ${error.message}`));
    },
    async call(op, args, options = {}) {
      // Checked once, before waiting for a sidecar: a call off the contract is our bug, not worth starting one for.
      const wireArgs = OPS[op].args.safeParse(args);
      if (!wireArgs.success) throw new SidecarProtocolError(`arguments for ${op} are off the contract: ${wireArgs.error.message}`);
      return attempt(op, wireArgs.data, options, false);
    },
    async stop() {
      stopping = true;
      shutdown.abort();
      discardPrepared();
      for (const left of leaving) left.sidecar.stop("SIGKILL");
      const running = await current?.catch(() => undefined);
      if (!running) return;
      running.sidecar.connection.close();
      running.sidecar.stop("SIGTERM");
      const ended = await Promise.race([running.sidecar.ended.then(() => true), Bun.sleep(500).then(() => false)]);
      if (!ended) running.sidecar.stop("SIGKILL");
    },
  };
}
