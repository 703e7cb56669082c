/**
 * Zod's settings, made before any schema is: src/cli.ts loads everything else only after this
 * module, and Zod reads the memoizer when a schema is constructed (every schema of the SDK's and
 * ours, at import).
 *
 * No memoizer: Zod's default one lets a parse follow reference cycles in its input, at the cost of
 * a WeakMap look-up for each object parsed (a quarter of Zod's time per call here, which is a third
 * of the server's). Every input here is parsed JSON, which has no cycles.
 */
import { type $ZodMemoizer, config } from "zod/v4/core";

const noCycles: $ZodMemoizer = {
  attach() {},
  guard() {},
  alloc: (_schema, _payload, empty) => empty,
};

config({ memoizer: noCycles });
