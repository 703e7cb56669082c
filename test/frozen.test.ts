import { expect, test } from "bun:test";
import { deepFreeze, isDeeplyFrozen } from "../src/frozen.ts";

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

test("isDeeplyFrozen is true for what deepFreeze froze, not for a value frozen only on the surface", () => {
  expect(isDeeplyFrozen(deepFreeze({ list: [1] }))).toBe(true);
  const surface = Object.freeze({ list: [1] });
  expect(isDeeplyFrozen(surface)).toBe(false);
  expect(isDeeplyFrozen(deepFreeze(surface))).toBe(true);
  expect(Object.isFrozen(surface.list)).toBe(true);
});
