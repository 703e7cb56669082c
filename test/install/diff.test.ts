/** --dry-run's diff: the hunks `diff -u` prints. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unifiedDiff } from "../../src/install/diff.ts";
import { cleanupAfterEach } from "../support/cleanup.ts";

const defer = cleanupAfterEach();

const lines = (count: number, prefix = "line") => Array.from({ length: count }, (_, index) => `${prefix} ${index + 1}\n`).join("");

/** The hunks of the system's `diff -u` (its header lines, which carry dates, left out). */
function systemDiff(before: string, after: string): string {
  const dir = mkdtempSync(join(tmpdir(), "mcp-django-diff-"));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "a"), before);
  writeFileSync(join(dir, "b"), after);
  const run = Bun.spawnSync(["diff", "-u", join(dir, "a"), join(dir, "b")]);
  return run.stdout.toString().split("\n").slice(2).join("\n");
}

const hasDiff = Bun.which("diff") !== null;

describe("unifiedDiff", () => {
  test("equal texts give no diff", () => {
    expect(unifiedDiff("a\n", "a\n", "f")).toBe("");
  });

  test("a new file is all additions from /dev/null", () => {
    expect(unifiedDiff(undefined, "a\nb\n", "/p/f")).toBe("--- /dev/null\n+++ /p/f\n@@ -0,0 +1,2 @@\n+a\n+b\n");
  });

  test.if(hasDiff).each([
    ["an insertion in the middle", lines(20), lines(20).replace("line 10\n", "line 10\ninserted\n")],
    ["two changes far apart make two hunks", lines(30), lines(30).replace("line 3\n", "three\n").replace("line 27\n", "twenty-seven\n")],
    ["two changes close together make one hunk", lines(30), lines(30).replace("line 10\n", "ten\n").replace("line 15\n", "fifteen\n")],
    ["a change on the first line", lines(5), lines(5).replace("line 1\n", "first\n")],
    ["lines removed at the end", lines(8), lines(5)],
  ])("%s: the same hunks as diff -u", (_, before, after) => {
    const ours = unifiedDiff(before, after, "f").split("\n").slice(2).join("\n");
    expect(ours).toBe(systemDiff(before, after));
  });
});
