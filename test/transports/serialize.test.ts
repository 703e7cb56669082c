/** Outgoing JSON that reuses large frozen parts (src/transports/serialize.ts): always JSON.stringify's text. */
import { describe, expect, test } from "bun:test";
import { deepFreeze } from "../../src/frozen.ts";
import { serializeMessage } from "../../src/transports/serialize.ts";

const routes = (count: number) => Array.from({ length: count }, (_, index) => ({ name: `route-${index}`, pattern: `items/${index}/`, methods: ["GET"] }));

describe("serializeMessage writes what JSON.stringify writes", () => {
  const cases: [string, unknown][] = [
    ["scalars", [1, -2.5, "text", true, false, null]],
    ["a string with every escape", 'q"uote\\ back\nline\ttab\u0001 é €'],
    ["members that are undefined or functions are left out", { a: 1, b: undefined, c: () => 1, d: null }],
    ["array items that are undefined or functions are null", [1, undefined, () => 1, 2]],
    ["a Date, through its toJSON", { at: new Date(0) }],
    ["an object without a prototype", Object.assign(Object.create(null), { a: 1 })],
    ["a NaN and an infinity are null", [Number.NaN, Number.POSITIVE_INFINITY]],
    [
      "nested frozen and unfrozen parts",
      { jsonrpc: "2.0", id: 7, result: { content: [{ type: "text", text: "x" }], structuredContent: deepFreeze({ routes: routes(3) }) } },
    ],
    ["a long string", { text: "é".repeat(70_000) }],
    ["a sparse array: its holes are null", Object.assign(new Array(3), { 0: 1, 2: 3 })],
    ["a plain object with its own toJSON", { outer: { toJSON: () => "replaced" } }],
    ["a large frozen list", { id: 1, result: deepFreeze({ routes: routes(2_000) }) }],
  ];
  for (const [name, value] of cases) {
    test(name, () => {
      expect(serializeMessage(value)).toBe(JSON.stringify(value));
    });
  }
});

test("a large frozen answer sent again, in a new message around it, is written the same", () => {
  const answer = deepFreeze({ routes: routes(2_000) });
  const text = JSON.stringify(answer);
  const first = serializeMessage({ jsonrpc: "2.0", id: 1, result: { structuredContent: answer, content: [{ type: "text", text }] } });
  const again = serializeMessage({ jsonrpc: "2.0", id: 2, result: { structuredContent: answer, content: [{ type: "text", text }] } });
  expect(again).toBe(first.replace('"id":1', '"id":2'));
  expect(JSON.parse(again).result.structuredContent).toEqual(answer);
});
