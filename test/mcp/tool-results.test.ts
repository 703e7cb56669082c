/** Answers built once from a frozen (cached) source: answerFrom in src/mcp/tool-results.ts. */
import { describe, expect, test } from "bun:test";
import { deepFreeze } from "../../src/frozen.ts";
import { answerFrom, structuredResult } from "../../src/mcp/tool-results.ts";

describe("answerFrom", () => {
  test("builds the answer for a frozen source once per key, and freezes it", () => {
    const source = deepFreeze({ routes: [{ name: "home" }] });
    let built = 0;
    const build = () => {
      built++;
      return structuredResult({ count: source.routes.length });
    };
    const first = answerFrom(source, "0 500", build);
    expect(answerFrom(source, "0 500", build)).toBe(first);
    expect(built).toBe(1);
    expect(Object.isFrozen(first)).toBe(true);
    expect(answerFrom(source, "500 500", build)).not.toBe(first);
    expect(built).toBe(2);
  });

  test("builds the answer afresh each time for a source that is not frozen", () => {
    const source = { routes: [] };
    let built = 0;
    const build = () => {
      built++;
      return structuredResult({ built });
    };
    answerFrom(source, "k", build);
    answerFrom(source, "k", build);
    expect(built).toBe(2);
  });

  test("keeps at most 16 answers per source: the oldest is built again", () => {
    const source = deepFreeze({ routes: [] });
    let built = 0;
    const build = () => {
      built++;
      return structuredResult({});
    };
    for (let offset = 0; offset < 17; offset++) answerFrom(source, String(offset), build);
    expect(built).toBe(17);
    answerFrom(source, "16", build);
    expect(built).toBe(17);
    answerFrom(source, "0", build);
    expect(built).toBe(18);
  });
});
