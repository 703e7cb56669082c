/** The introspection cache in front of the supervisor, over a fake supervisor the tests control. */
import { describe, expect, test } from "bun:test";
import type { OpName } from "../../src/contract/ops.ts";
import { argumentsKey, createIntrospectionCache } from "../../src/django/cache.ts";
import { ProjectError } from "../../src/errors.ts";
import type { Supervisor } from "../../src/sidecar/supervisor.ts";

interface Sent {
  op: OpName;
  args: unknown;
}

/**
 * A supervisor whose sidecar answers `{ op, args, n }` (n counting the calls it ran), in
 * generation `generation` unless `fresh` is false (the code changed: no current generation).
 */
function fakeSupervisor() {
  const sent: Sent[] = [];
  const state = { generation: 1, fresh: true, failing: false, gate: undefined as Promise<void> | undefined };
  const supervisor: Supervisor = {
    start: async () => ({ type: "hello", protocol: 4 }),
    mode: () => "spawned",
    active: () => true,
    async call(op, args) {
      sent.push({ op, args });
      const n = sent.length;
      const generation = state.generation;
      await state.gate;
      if (state.failing) throw new ProjectError("failed", "boom", "RuntimeError");
      return { result: { op, args, n, routes: [] } as never, generation };
    },
    codeChanged: () => undefined,
    loadedAt: () => undefined,
    currentGeneration: () => (state.fresh ? state.generation : undefined),
    stop: async () => undefined,
  };
  return { supervisor, sent, state };
}

/** What `op` answered: which of the sidecar's calls it was. */
async function callNumber(cached: Supervisor, op: OpName, args: Record<string, unknown> = {}): Promise<number> {
  const { result } = await cached.call(op as "routes.list", args);
  return (result as unknown as { n: number }).n;
}

describe("the introspection cache", () => {
  test("answers a repeated call without asking the sidecar", async () => {
    const { supervisor, sent } = fakeSupervisor();
    const cached = createIntrospectionCache(supervisor).supervisor;
    expect(await callNumber(cached, "routes.list")).toBe(1);
    expect(await callNumber(cached, "routes.list")).toBe(1);
    expect(sent).toHaveLength(1);
  });

  test("freezes the answers it keeps: they are shared by every later call", async () => {
    const { supervisor } = fakeSupervisor();
    const cached = createIntrospectionCache(supervisor).supervisor;
    const { result } = await cached.call("routes.list", {});
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.routes)).toBe(true);
    expect(() => (result.routes as unknown[]).push({})).toThrow(TypeError);
  });

  test("keeps answers to different arguments apart", async () => {
    const { supervisor } = fakeSupervisor();
    const cached = createIntrospectionCache(supervisor).supervisor;
    expect(await callNumber(cached, "routes.list", { name: "a" })).toBe(1);
    expect(await callNumber(cached, "routes.list", { name: "b" })).toBe(2);
    expect(await callNumber(cached, "routes.list", { name: "a" })).toBe(1);
  });

  test("asks again once the code changed (the supervisor names no current generation)", async () => {
    const { supervisor, state } = fakeSupervisor();
    const cached = createIntrospectionCache(supervisor).supervisor;
    await callNumber(cached, "introspect.models");
    state.fresh = false;
    expect(await callNumber(cached, "introspect.models")).toBe(2);
  });

  test("asks again once calls run in another sidecar (a restart)", async () => {
    const { supervisor, state } = fakeSupervisor();
    const cached = createIntrospectionCache(supervisor).supervisor;
    await callNumber(cached, "introspect.project");
    state.generation = 2;
    expect(await callNumber(cached, "introspect.project")).toBe(2);
    expect(await callNumber(cached, "introspect.project")).toBe(2);
  });

  test("is dropped by a shell call: code that ran may have changed what introspection sees", async () => {
    const { supervisor } = fakeSupervisor();
    const cached = createIntrospectionCache(supervisor).supervisor;
    await callNumber(cached, "routes.list");
    await cached.call("shell.execute", { session: "s", code: "urlpatterns.append(...)", timeout: 5 });
    expect(await callNumber(cached, "routes.list")).toBe(3);
  });

  test("is dropped by a management command and by a request through the project", async () => {
    const { supervisor } = fakeSupervisor();
    const cached = createIntrospectionCache(supervisor).supervisor;
    await callNumber(cached, "settings.list");
    await cached.call("commands.run", { name: "seed", args: [], timeout: 5 });
    expect(await callNumber(cached, "settings.list")).toBe(3);
    await cached.call("request.probe", { method: "GET", path: "/", timeout: 5 });
    expect(await callNumber(cached, "settings.list")).toBe(5);
  });

  test("keeps its answers across reads that run no project code (migrations, checks, templates)", async () => {
    const { supervisor } = fakeSupervisor();
    const cached = createIntrospectionCache(supervisor).supervisor;
    await callNumber(cached, "routes.list");
    await cached.call("migrations.status", {});
    await cached.call("checks.run", {});
    await cached.call("templates.list", {});
    expect(await callNumber(cached, "routes.list")).toBe(1);
  });

  test("never answers migrations or checks from the cache: they read the database", async () => {
    const { supervisor } = fakeSupervisor();
    const cached = createIntrospectionCache(supervisor).supervisor;
    expect(await callNumber(cached, "migrations.status")).toBe(1);
    expect(await callNumber(cached, "migrations.status")).toBe(2);
    expect(await callNumber(cached, "checks.run")).toBe(3);
    expect(await callNumber(cached, "checks.run")).toBe(4);
  });

  test("does not keep an answer that came while project code ran", async () => {
    const { supervisor, state } = fakeSupervisor();
    const cached = createIntrospectionCache(supervisor).supervisor;
    let release: () => void = () => undefined;
    state.gate = new Promise((resolve) => {
      release = resolve;
    });
    const routes = callNumber(cached, "routes.list");
    const shell = cached.call("shell.execute", { session: "s", code: "1", timeout: 5 });
    release();
    await Promise.all([routes, shell]);
    state.gate = undefined;
    expect(await callNumber(cached, "routes.list")).toBe(3);
  });

  test("does not keep errors", async () => {
    const { supervisor, state } = fakeSupervisor();
    const cached = createIntrospectionCache(supervisor).supervisor;
    state.failing = true;
    await expect(callNumber(cached, "routes.list")).rejects.toBeInstanceOf(ProjectError);
    state.failing = false;
    expect(await callNumber(cached, "routes.list")).toBe(2);
  });

  test("lets the least recently used answers go past its item budget", async () => {
    const { supervisor } = fakeSupervisor();
    // Each answer weighs 1 (its empty routes list adds nothing): room for two.
    const cache = createIntrospectionCache(supervisor, 2);
    const cached = cache.supervisor;
    await callNumber(cached, "routes.list", { name: "a" });
    await callNumber(cached, "routes.list", { name: "b" });
    await callNumber(cached, "routes.list", { name: "a" });
    await callNumber(cached, "routes.list", { name: "c" });
    expect(cache.size).toBe(2);
    expect(await callNumber(cached, "routes.list", { name: "a" })).toBe(1);
    expect(await callNumber(cached, "routes.list", { name: "b" })).toBe(4);
  });
});

describe("the key of a call's arguments", () => {
  test("is the same whatever the order of their keys", () => {
    expect(argumentsKey({ method: "GET", name: "a" })).toBe(argumentsKey({ name: "a", method: "GET" }));
  });

  test("is the same for an absent, undefined and null argument", () => {
    expect(argumentsKey({ name: "a" })).toBe(argumentsKey({ name: "a", method: undefined, pattern: null }));
  });

  test("differs for different values, nested ones too", () => {
    expect(argumentsKey({ kwargs: { pk: 1 } })).not.toBe(argumentsKey({ kwargs: { pk: 2 } }));
  });
});
