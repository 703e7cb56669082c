/** Zod's settings (src/zod-config.ts), in processes of their own: Zod's settings are global. */
import { expect, test } from "bun:test";
import { BUN, REPO } from "./support/paths.ts";

/** Runs `body` in a new Bun process after `prelude`; its stdout. */
function run(prelude: string, body: string): string {
  const script = `${prelude}\nconst { z } = await import("zod");\n${body}`;
  const result = Bun.spawnSync([BUN, "-e", script], { cwd: REPO, stdout: "pipe", stderr: "pipe" });
  return result.stdout.toString().trim() || result.stderr.toString().trim();
}

// A value that refers to itself, and a schema that recurses the same way.
const CYCLE = `
const node = z.object({ name: z.string(), get next() { return node.optional(); } });
const value = { name: "a" }; value.next = value;
try { node.parse(value); console.log("parsed"); } catch (error) { console.log(error.constructor.name); }`;

test("with Zod's default memoizer, a cyclic value parses", () => {
  expect(run("", CYCLE)).toBe("parsed");
});

test("after src/zod-config.ts, schemas have no memoizer: a cyclic value (never parsed JSON) recurses until the stack overflows", () => {
  expect(run(`import "./src/zod-config.ts";`, CYCLE)).toBe("RangeError");
});
