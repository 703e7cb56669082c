/** A collection after a large answer is written (src/transports/collect.ts). */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { collectAfterLargeWrite } from "../../src/transports/collect.ts";

const gc = Bun.gc;
let collections: boolean[];

beforeEach(() => {
  collections = [];
  Bun.gc = ((full: boolean) => {
    collections.push(full);
  }) as typeof Bun.gc;
});

afterEach(() => {
  Bun.gc = gc;
});

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test("a small line is followed by no collection", async () => {
  collectAfterLargeWrite(10_000);
  await nextTurn();
  expect(collections).toEqual([]);
});

test("large lines written together are followed by one young-generation collection, after them", async () => {
  collectAfterLargeWrite(3_000_000);
  collectAfterLargeWrite(2_000_000);
  expect(collections).toEqual([]);
  await nextTurn();
  expect(collections).toEqual([false]);
});
