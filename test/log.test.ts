/** The one logger: a line per message on stderr, its level in front; debug only with --debug. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { log, setDebug } from "../src/log.ts";

let written: string[];
const write = process.stderr.write;

beforeEach(() => {
  written = [];
  process.stderr.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
});

afterEach(() => {
  process.stderr.write = write;
  setDebug(false);
});

test("info, warn and error are one line each, with their level in front", () => {
  log.info("serving");
  log.warn("careful");
  log.error("broken");
  expect(written).toEqual(["ℹ serving\n", " WARN  careful\n", " ERROR  broken\n"]);
});

test("an Error is written with its stack", () => {
  log.error(new Error("boom"));
  expect(written).toHaveLength(1);
  expect(written[0]).toStartWith(" ERROR  Error: boom\n    at ");
});

test("debug lines only with --debug", () => {
  log.debug("hidden");
  setDebug(true);
  log.debug("shown");
  expect(written).toEqual(["⚙ shown\n"]);
});
