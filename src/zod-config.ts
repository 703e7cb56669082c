/**
 * Zod's settings, made before any schema is: src/cli.ts loads everything else only after this
 * module, and Zod reads the memoizer when a schema is constructed (every schema of the SDK's and
 * ours, at import).
 *
 * No memoizer: Zod's default one lets a parse follow reference cycles in its input. It steps aside
 * for schemas it proves acyclic, but not for those whose shape it can't read ahead (most of the
 * SDK's, made with extend): for those it costs WeakMap look-ups for each object parsed, a quarter
 * of Zod's time per call here. What is parsed here is JSON, or built by our code from it: no cycles.
 */
import { type $ZodMemoizer, config } from "zod/v4/core";

const noCycles: $ZodMemoizer = {
  attach() {},
  guard() {},
  alloc: (_schema, _payload, empty) => empty,
};

config({ memoizer: noCycles });
