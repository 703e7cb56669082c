import { expect, test } from "bun:test";
import { deepFreeze } from "../src/frozen.ts";

test("deepFreeze freezes the value and every object and array in it, and returns it", () => {
  const value = { routes: [{ view: { bases: ["View"] } }], total: 1 };
  expect(deepFreeze(value)).toBe(value);
  expect(Object.isFrozen(value)).toBe(true);
  expect(Object.isFrozen(value.routes)).toBe(true);
  expect(Object.isFrozen(value.routes[0]?.view)).toBe(true);
  expect(Object.isFrozen(value.routes[0]?.view.bases)).toBe(true);
});

test("deepFreeze leaves strings, numbers and null as they are", () => {
  expect(deepFreeze("text")).toBe("text");
  expect(deepFreeze(3)).toBe(3);
  expect(deepFreeze(null)).toBeNull();
});
