/**
 * Fetching each sidecar's secret values into the redactor, in process: the op's answer parsed by
 * the contract, failures leaving the values known so far, and no call reaching a sidecar before
 * its values are in. (End to end: test/secrets.test.ts.)
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { SecretValues } from "../../src/contract/payloads.ts";
import { fetchSecretValues, secretsCollector } from "../../src/django/secrets.ts";
import { ProjectError, SidecarProtocolError } from "../../src/errors.ts";
import { log } from "../../src/log.ts";
import { createRedactor } from "../../src/mcp/redact.ts";
import type { SidecarConnection } from "../../src/sidecar/connection.ts";
import type { Sidecar, SidecarSource } from "../../src/sidecar/sources.ts";
import { createSupervisor } from "../../src/sidecar/supervisor.ts";

/** What was logged, by type ("warn", "debug"), debug included. */
const logged: { type: string; text: string }[] = [];
const warnings = () => logged.filter(({ type }) => type === "warn").map(({ text }) => text);
const savedReporters = log.options.reporters;
const savedLevel = log.level;
beforeAll(() => {
  log.setReporters([{ log: ({ type, args }) => void logged.push({ type, text: args.map(String).join(" ") }) }]);
  log.level = 4;
});
afterAll(() => {
  log.setReporters(savedReporters);
  log.level = savedLevel;
});
afterEach(() => {
  logged.length = 0;
});

/** A connection answering every request with `answer(op)` (a promise that never settles: no answer). */
function fakeConnection(answer: (op: string) => Promise<Record<string, unknown>>) {
  const sent: string[] = [];
  const cancelled: string[] = [];
  const connection: SidecarConnection = {
    hello: { type: "hello", protocol: 3, pid: 1 },
    request(op) {
      sent.push(op);
      return { id: String(sent.length), result: answer(op) };
    },
    cancel: (id) => void cancelled.push(id),
    close: () => undefined,
    closed: new Promise(() => undefined),
  };
  return { connection, sent, cancelled };
}

/** A spawned sidecar over `connection`, which ends when stopped. */
function sidecarOf(connection: SidecarConnection): Sidecar {
  let end: (why: string) => void = () => undefined;
  const ended = new Promise<string>((resolve) => {
    end = resolve;
  });
  return { mode: "spawned", connection, ended, stop: () => end("stopped") };
}

const VALUES: SecretValues = { values: [{ name: "SECRET_KEY", value: "django-insecure-0123456789" }], settings_error: null };

describe("fetchSecretValues", () => {
  test("asks the sidecar for secrets.values and parses the answer by the contract", async () => {
    const { connection, sent } = fakeConnection(async () => ({ ...VALUES }));
    expect(await fetchSecretValues(connection)).toEqual(VALUES);
    expect(sent).toEqual(["secrets.values"]);
  });

  test("an answer off the contract is a protocol error that doesn't quote it", async () => {
    const { connection } = fakeConnection(async () => ({ values: [{ name: "X", value: 42 }] }));
    const error = await fetchSecretValues(connection).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SidecarProtocolError);
  });

  test("no answer in time cancels the request and fails", async () => {
    const { connection, cancelled } = fakeConnection(() => new Promise(() => undefined));
    const error: unknown = await fetchSecretValues(connection, 20).catch((caught: unknown) => caught);
    expect(String(error)).toContain("no answer within");
    expect(cancelled).toEqual(["1"]);
  });
});

describe("secretsCollector", () => {
  test("adds each sidecar's values to those of the ones before, and logs no value", async () => {
    const redactor = createRedactor();
    const collect = secretsCollector(redactor, async () => VALUES);
    await collect(sidecarOf(fakeConnection(async () => ({})).connection));
    const next = secretsCollector(redactor, async () => ({ values: [{ name: "SECRET_KEY", value: "rotated-key-9876543210" }], settings_error: null }));
    await next(sidecarOf(fakeConnection(async () => ({})).connection));
    expect(redactor.text("django-insecure-0123456789 rotated-key-9876543210")).toBe("[redacted:SECRET_KEY] [redacted:SECRET_KEY]");
    expect(logged.some(({ type }) => type === "debug")).toBe(true);
    expect(JSON.stringify(logged)).not.toContain("0123456789");
    expect(JSON.stringify(logged)).not.toContain("9876543210");
  });

  test("settings that can't be read: the environment's values are added, and the log says so once", async () => {
    const redactor = createRedactor();
    const answer: SecretValues = {
      values: [{ name: "STRIPE_API_KEY", value: "sk_test_from_env" }],
      settings_error: "the settings module could not be imported",
    };
    const collect = secretsCollector(redactor, async () => answer);
    const sidecar = sidecarOf(fakeConnection(async () => ({})).connection);
    await collect(sidecar);
    await collect(sidecar);
    expect(redactor.text("sk_test_from_env")).toBe("[redacted:STRIPE_API_KEY]");
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain("only secret-looking environment variables");
  });

  test("a sidecar that can't give them keeps the values known, says why without the project's message", async () => {
    const redactor = createRedactor();
    redactor.add(VALUES.values);
    const collect = secretsCollector(redactor, async () => {
      throw new ProjectError("failed", "leaky message with django-insecure-0123456789", "ValueError");
    });
    await collect(sidecarOf(fakeConnection(async () => ({})).connection));
    expect(redactor.text("django-insecure-0123456789")).toBe("[redacted:SECRET_KEY]");
    expect(warnings()[0]).toContain("the sidecar raised ValueError");
    expect(warnings()[0]).not.toContain("0123456789");
  });
});

describe("the supervisor", () => {
  test("sends no call to a new sidecar before its values are in", async () => {
    const { connection, sent } = fakeConnection(async () => ({
      status: "success",
      output: {},
      stdout: "",
      stderr: "",
      record: { statements: [], deleted: [] },
    }));
    const source: SidecarSource = { open: async () => sidecarOf(connection) };
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const supervisor = createSupervisor(source, { onSidecar: () => gate });
    const call = supervisor.call("shell.reset", { session: "s" });
    await Bun.sleep(20);
    expect(sent).toEqual([]);
    release();
    await call;
    expect(sent).toEqual(["shell.reset"]);
    await supervisor.stop();
  });
});
