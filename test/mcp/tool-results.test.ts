/** Answers built once from a deeply frozen (cached) source: answerFrom in src/mcp/tool-results.ts. */
import { describe, expect, test } from "bun:test";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { deepFreeze } from "../../src/frozen.ts";
import { answerFrom, structuredResult } from "../../src/mcp/tool-results.ts";

/** A build function that counts its calls. */
function counted(): { build: () => CallToolResult; readonly calls: number } {
  let calls = 0;
  return {
    build: () => structuredResult({ call: ++calls }),
    get calls() {
      return calls;
    },
  };
}

describe("answerFrom", () => {
  test("builds the answer for a deeply frozen source once per key, and freezes it", () => {
    const source = deepFreeze({ routes: [{ name: "home" }] });
    const answers = counted();
    const first = answerFrom(source, "0 500", answers.build);
    expect(answerFrom(source, "0 500", answers.build)).toBe(first);
    expect(answers.calls).toBe(1);
    expect(Object.isFrozen(first)).toBe(true);
    expect(answerFrom(source, "500 500", answers.build)).not.toBe(first);
    expect(answers.calls).toBe(2);
  });

  for (const [kind, source] of [
    ["not frozen", { routes: [{ name: "home" }] }],
    ["frozen only on the surface", Object.freeze({ routes: [{ name: "home" }] })],
  ] as const) {
    test(`builds the answer afresh each time for a source ${kind}`, () => {
      const answers = counted();
      answerFrom(source, "k", answers.build);
      answerFrom(source, "k", answers.build);
      expect(answers.calls).toBe(2);
    });
  }

  test("keeps at most 16 answers per source: the oldest is built again", () => {
    const source = deepFreeze({ routes: [] });
    const answers = counted();
    for (let offset = 0; offset < 17; offset++) answerFrom(source, String(offset), answers.build);
    expect(answers.calls).toBe(17);
    answerFrom(source, "16", answers.build);
    expect(answers.calls).toBe(17);
    answerFrom(source, "0", answers.build);
    expect(answers.calls).toBe(18);
  });
});
