/**
 * Introspection answers kept while they stay true: the routes, models, apps, project, settings
 * and commands a sidecar reported hold until the project's code changes, that sidecar is
 * replaced, or project code runs in it (the shell, run_command, a request: code that may edit
 * settings, register a route or a model at run time).
 *
 * An answer is kept with the generation of the sidecar that gave it, and served again only while
 * the supervisor says calls would still run in that generation (`currentGeneration()`, which
 * reads the watcher's pending changes first, so a file saved just before the call counts), and no
 * such code ran since. Errors are never kept. Answers are shared, and so frozen (deepFreeze).
 */
import type { OpArgs, OpName, OpResult } from "../contract/ops.ts";
import { deepFreeze } from "../frozen.ts";
import type { CallOptions, CallOutcome, Supervisor } from "../sidecar/supervisor.ts";

/** Ops answered from the cache: they read the project's code, not its database, templates or logs. */
export const CACHED_OPS: ReadonlySet<OpName> = new Set<OpName>([
  "introspect.project",
  "introspect.apps",
  "introspect.app",
  "introspect.models",
  "introspect.model",
  "routes.list",
  "settings.list",
  "settings.get",
  "urls.resolve",
  "urls.reverse",
  "commands.list",
  "commands.help",
]);

/**
 * Ops that run no project code able to change what the cached ops answer. Any other op (the
 * shell, run_command, a request through the project, and any op added later) drops the cache
 * when it starts and again when it ends.
 */
const HARMLESS_OPS: ReadonlySet<OpName> = new Set<OpName>([
  ...CACHED_OPS,
  "migrations.status",
  "migrations.sql",
  "checks.run",
  "templates.find",
  "templates.list",
  "logs.list",
  "errors.last",
  "secrets.values",
]);

/** Items (routes, models, …) kept at most, over all answers: a few full lists of a large project. */
export const MAX_CACHED_ITEMS = 20_000;

interface Entry {
  generation: number;
  epoch: number;
  value: unknown;
  weight: number;
}

export interface IntrospectionCache {
  /**
   * The supervisor with the cache in front: CACHED_OPS answered from it while their answer holds
   * (and kept when the sidecar answers them), and the cache dropped around every call of an op
   * that runs project code. The service and its shell, commands and requests all call through it.
   */
  readonly supervisor: Supervisor;
  /** Answers kept now (for tests and the benchmark). */
  readonly size: number;
}

/** A key for arguments: the same for the same values, whatever the order of keys; absent and null alike. */
export function argumentsKey(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
    const entries = Object.entries(item).filter(([, field]) => field !== undefined && field !== null);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** What an answer costs to keep: one, plus the items of its lists (routes, models, apps…). */
function weigh(result: unknown): number {
  if (result === null || typeof result !== "object") return 1;
  let weight = 1;
  for (const field of Object.values(result)) if (Array.isArray(field)) weight += field.length;
  return weight;
}

export function createIntrospectionCache(supervisor: Supervisor, maxItems = MAX_CACHED_ITEMS): IntrospectionCache {
  /** In use order: the least recently used first. */
  const entries = new Map<string, Entry>();
  let items = 0;
  /** Bumped whenever project code may have run: answers from before are dropped. */
  let epoch = 0;

  const drop = () => {
    epoch++;
    entries.clear();
    items = 0;
  };

  const remove = (key: string, entry: Entry) => {
    entries.delete(key);
    items -= entry.weight;
  };

  const keep = (key: string, entry: Entry) => {
    const old = entries.get(key);
    if (old) remove(key, old);
    if (entry.weight > maxItems) return;
    entries.set(key, entry);
    items += entry.weight;
    for (const [oldest, kept] of entries) {
      if (items <= maxItems) break;
      remove(oldest, kept);
    }
  };

  const cached = async <K extends OpName>(op: K, args: OpArgs<K>, options?: CallOptions): Promise<CallOutcome<OpResult<K>>> => {
    const key = `${op} ${argumentsKey(args)}`;
    const hit = entries.get(key);
    if (hit) {
      if (hit.epoch === epoch && hit.generation === supervisor.currentGeneration()) {
        // The most recently used now.
        entries.delete(key);
        entries.set(key, hit);
        return { result: hit.value as OpResult<K>, generation: hit.generation };
      }
      remove(key, hit);
    }
    const startedIn = epoch;
    const outcome = await supervisor.call(op, args, options);
    // Frozen whether kept or not: a caller that mutated an answer would fail every time, not only when it was kept.
    deepFreeze(outcome.result);
    if (epoch === startedIn) keep(key, { generation: outcome.generation, epoch, value: outcome.result, weight: weigh(outcome.result) });
    return outcome;
  };

  const call = async <K extends OpName>(op: K, args: OpArgs<K>, options?: CallOptions): Promise<CallOutcome<OpResult<K>>> => {
    if (CACHED_OPS.has(op)) return cached(op, args, options);
    if (HARMLESS_OPS.has(op)) return supervisor.call(op, args, options);
    drop();
    try {
      return await supervisor.call(op, args, options);
    } finally {
      drop();
    }
  };

  return {
    supervisor: { ...supervisor, call },
    get size() {
      return entries.size;
    },
  };
}
