/**
 * The supervisor's switches to fresh code, in process: a fake source hands out fake sidecars
 * whose starts and answers the tests control. (The real switches, end to end: test/reload.test.ts.)
 */
import { describe, expect, test } from "bun:test";
import type { SidecarMode } from "../../src/contract/constants.ts";
import type { Sidecar, SidecarSource } from "../../src/sidecar/sources.ts";
import { createSupervisor } from "../../src/sidecar/supervisor.ts";
import { cleanupAfterEach } from "../support/cleanup.ts";
import { until } from "../support/wait.ts";

const defer = cleanupAfterEach();

interface FakeSidecar {
  sidecar: Sidecar;
  /** Answers its oldest unanswered request. */
  answer(): void;
  requests: number;
  stopped: boolean;
  /** Ends it as if it crashed. */
  crash(): void;
}

function fakeSidecar(pid: number, mode: SidecarMode): FakeSidecar {
  let end: (why: string) => void = () => undefined;
  const ended = new Promise<string>((resolve) => {
    end = resolve;
  });
  const answers: (() => void)[] = [];
  const fake: FakeSidecar = {
    requests: 0,
    stopped: false,
    answer: () => answers.shift()?.(),
    crash: () => end("it was killed by SIGKILL"),
    sidecar: {
      mode,
      ended,
      stop: () => {
        fake.stopped = true;
        end("stopped");
      },
      connection: {
        hello: { type: "hello", protocol: 3, pid },
        request() {
          fake.requests++;
          return { id: String(fake.requests), result: new Promise((resolve) => answers.push(() => resolve({}))) };
        },
        cancel: () => undefined,
        close: () => end("closed"),
        closed: ended.then(() => undefined),
      },
    },
  };
  return fake;
}

/** A source whose sidecars start only when the test says so (`ready(n)`, before or after they were asked for), numbered from 1. */
function fakeSource(mode: SidecarMode = "spawned") {
  const sidecars: FakeSidecar[] = [];
  const gates: { open: () => void; opened: Promise<void> }[] = [];
  const gate = (n: number) => {
    while (gates.length < n) {
      let open: () => void = () => undefined;
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      gates.push({ open, opened });
    }
    return gates[n - 1]!;
  };
  const source: SidecarSource = {
    async open() {
      const fake = fakeSidecar(sidecars.length + 1, mode);
      sidecars.push(fake);
      await gate(sidecars.length).opened;
      return fake.sidecar;
    },
  };
  return { source, sidecars, ready: (n: number) => gate(n).open() };
}

/** A supervisor over a fake source, stopped after the test; with `started`, its first sidecar is up. */
async function supervised(mode: SidecarMode = "spawned", started = true) {
  const fake = fakeSource(mode);
  const supervisor = createSupervisor(fake.source);
  defer(() => supervisor.stop());
  if (started) {
    fake.ready(1);
    await supervisor.start();
  }
  return { fake, supervisor };
}

/** A call that sidecar `n` answers. */
async function callAnsweredBy(setup: Awaited<ReturnType<typeof supervised>>, n: number) {
  const call = setup.supervisor.call("shell.reset", { session: "s" });
  await until(`the call to reach sidecar ${n}`, () => setup.fake.sidecars[n - 1]?.requests === 1);
  setup.fake.sidecars[n - 1]!.answer();
  return call;
}

describe("the supervisor, when the project's code changes", () => {
  test("a change while the first sidecar starts: the first call runs in a sidecar started after it", async () => {
    const setup = await supervised("spawned", false);
    const { fake, supervisor } = setup;
    const starting = supervisor.start();
    supervisor.codeChanged(["app/models.py"]);
    expect(fake.sidecars.length).toBe(2); // the fresh one is prepared at once
    fake.ready(1);
    fake.ready(2);
    expect((await starting).pid).toBe(2);
    expect((await callAnsweredBy(setup, 2)).replaced?.changedFiles).toEqual(["app/models.py"]);
    expect(fake.sidecars[0]!.requests).toBe(0);
    expect(fake.sidecars[0]!.stopped).toBe(true);
  });

  test("a call in progress keeps its sidecar, which is stopped once the call returns", async () => {
    const setup = await supervised();
    const { fake, supervisor } = setup;
    const long = supervisor.call("shell.reset", { session: "long" });
    await until("the long call to reach sidecar 1", () => fake.sidecars[0]!.requests === 1);
    supervisor.codeChanged(["app/views.py"]);
    fake.ready(2);
    const next = callAnsweredBy(setup, 2);
    await until("the next call to reach sidecar 2", () => fake.sidecars[1]!.requests === 1);
    expect(fake.sidecars[0]!.stopped).toBe(false);
    fake.sidecars[0]!.answer();
    await long;
    expect(fake.sidecars[0]!.stopped).toBe(true);
    await next;
  });

  test("the prepared sidecar is used when the current one died before the next call", async () => {
    const setup = await supervised();
    const { fake, supervisor } = setup;
    supervisor.codeChanged(["app/models.py"]);
    fake.ready(2);
    fake.sidecars[0]!.crash();
    await fake.sidecars[0]!.sidecar.ended;
    await callAnsweredBy(setup, 2);
    expect(fake.sidecars.length).toBe(2);
  });

  test("a newer change discards a prepared sidecar that has older code", async () => {
    const setup = await supervised();
    const { fake, supervisor } = setup;
    supervisor.codeChanged(["a.py"]);
    supervisor.codeChanged(["b.py"]);
    fake.ready(2);
    fake.ready(3);
    await until("the outdated prepared sidecar to be stopped", () => fake.sidecars[1]!.stopped);
    expect((await callAnsweredBy(setup, 3)).replaced?.changedFiles).toEqual(["a.py", "b.py"]);
  });

  test("attached to a dev server, a change prepares nothing: the dev server reloads itself", async () => {
    const { fake, supervisor } = await supervised("attached");
    supervisor.codeChanged(["app/views.py"]);
    expect(fake.sidecars.length).toBe(1);
  });

  test("stopping the server stops a prepared sidecar", async () => {
    const { fake, supervisor } = await supervised();
    supervisor.codeChanged(["app/models.py"]);
    fake.ready(2);
    await supervisor.stop();
    await until("the prepared sidecar to be stopped", () => fake.sidecars[1]!.stopped);
  });
});

describe("the generation calls would run in (what cached answers are checked against)", () => {
  test("is the current sidecar's, the one its calls report", async () => {
    const setup = await supervised();
    const outcome = await callAnsweredBy(setup, 1);
    expect(setup.supervisor.currentGeneration()).toBe(outcome.generation);
  });

  test("is none once the project's code changed, until a call switches to the fresh sidecar", async () => {
    const setup = await supervised();
    const before = setup.supervisor.currentGeneration();
    setup.supervisor.codeChanged(["app/urls.py"]);
    expect(setup.supervisor.currentGeneration()).toBeUndefined();
    setup.fake.ready(2);
    const outcome = await callAnsweredBy(setup, 2);
    expect(outcome.generation).not.toBe(before);
    expect(setup.supervisor.currentGeneration()).toBe(outcome.generation);
  });

  test("sees a change the watcher has not reported yet", async () => {
    const fake = fakeSource();
    let pending: string[] = [];
    const supervisor = createSupervisor(fake.source, {
      flushChanges: () => {
        if (pending.length) supervisor.codeChanged(pending);
        pending = [];
      },
    });
    defer(() => supervisor.stop());
    fake.ready(1);
    await supervisor.start();
    expect(supervisor.currentGeneration()).toBe(1);
    pending = ["app/views.py"];
    expect(supervisor.currentGeneration()).toBeUndefined();
  });

  test("is none once the sidecar ended, and the next sidecar's after a call starts it", async () => {
    const setup = await supervised();
    setup.fake.sidecars[0]!.crash();
    await setup.fake.sidecars[0]!.sidecar.ended;
    expect(setup.supervisor.currentGeneration()).toBeUndefined();
    setup.fake.ready(2);
    const outcome = await callAnsweredBy(setup, 2);
    expect(setup.supervisor.currentGeneration()).toBe(outcome.generation);
    expect(outcome.generation).toBe(2);
  });
});
