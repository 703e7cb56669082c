/**
 * The supervisor's switches to fresh code, in process: a fake source hands out fake sidecars
 * whose starts and answers the tests control. (The real switches, end to end: test/reload.test.ts.)
 */
import { describe, expect, test } from "bun:test";
import type { SidecarMode } from "../../src/contract/constants.ts";
import type { Sidecar, SidecarSource } from "../../src/sidecar/sources.ts";
import { createSupervisor } from "../../src/sidecar/supervisor.ts";
import { until } from "../support/wait.ts";

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

describe("the supervisor, when the project's code changes", () => {
  test("a change while the first sidecar starts: the first call runs in a sidecar started after it", async () => {
    const fake = fakeSource();
    const supervisor = createSupervisor(fake.source);
    const starting = supervisor.start();
    supervisor.codeChanged(["app/models.py"]);
    expect(fake.sidecars.length).toBe(2); // the fresh one is prepared at once
    fake.ready(1);
    fake.ready(2);
    expect((await starting).pid).toBe(2);
    const call = supervisor.call("shell.reset", { session: "s" });
    await until("the call to reach a sidecar", () => fake.sidecars[1]!.requests === 1);
    fake.sidecars[1]!.answer();
    expect((await call).replaced?.changedFiles).toEqual(["app/models.py"]);
    expect(fake.sidecars[0]!.requests).toBe(0);
    expect(fake.sidecars[0]!.stopped).toBe(true);
    await supervisor.stop();
  });

  test("a call in progress keeps its sidecar, which is stopped once the call returns", async () => {
    const fake = fakeSource();
    const supervisor = createSupervisor(fake.source);
    fake.ready(1);
    const long = supervisor.call("shell.reset", { session: "long" });
    await until("the long call to reach sidecar 1", () => fake.sidecars[0]!.requests === 1);
    supervisor.codeChanged(["app/views.py"]);
    fake.ready(2);
    const next = supervisor.call("shell.reset", { session: "s" });
    await until("the next call to reach sidecar 2", () => fake.sidecars[1]!.requests === 1);
    expect(fake.sidecars[0]!.stopped).toBe(false);
    fake.sidecars[0]!.answer();
    await long;
    expect(fake.sidecars[0]!.stopped).toBe(true);
    fake.sidecars[1]!.answer();
    await next;
    await supervisor.stop();
  });

  test("the prepared sidecar is used when the current one died before the next call", async () => {
    const fake = fakeSource();
    const supervisor = createSupervisor(fake.source);
    fake.ready(1);
    await supervisor.start();
    supervisor.codeChanged(["app/models.py"]);
    fake.ready(2);
    fake.sidecars[0]!.crash();
    await fake.sidecars[0]!.sidecar.ended;
    const call = supervisor.call("shell.reset", { session: "s" });
    await until("the call to reach sidecar 2", () => fake.sidecars[1]!.requests === 1);
    fake.sidecars[1]!.answer();
    await call;
    expect(fake.sidecars.length).toBe(2);
    await supervisor.stop();
  });

  test("a newer change discards a prepared sidecar that has older code", async () => {
    const fake = fakeSource();
    const supervisor = createSupervisor(fake.source);
    fake.ready(1);
    await supervisor.start();
    supervisor.codeChanged(["a.py"]);
    supervisor.codeChanged(["b.py"]);
    fake.ready(2);
    fake.ready(3);
    await until("the outdated prepared sidecar to be stopped", () => fake.sidecars[1]!.stopped);
    const call = supervisor.call("shell.reset", { session: "s" });
    await until("the call to reach sidecar 3", () => fake.sidecars[2]!.requests === 1);
    fake.sidecars[2]!.answer();
    expect((await call).replaced?.changedFiles).toEqual(["a.py", "b.py"]);
    await supervisor.stop();
  });

  test("attached to a dev server, a change prepares nothing: the dev server reloads itself", async () => {
    const fake = fakeSource("attached");
    const supervisor = createSupervisor(fake.source);
    fake.ready(1);
    await supervisor.start();
    supervisor.codeChanged(["app/views.py"]);
    expect(fake.sidecars.length).toBe(1);
    await supervisor.stop();
  });

  test("stopping the server stops a prepared sidecar", async () => {
    const fake = fakeSource();
    const supervisor = createSupervisor(fake.source);
    fake.ready(1);
    await supervisor.start();
    supervisor.codeChanged(["app/models.py"]);
    fake.ready(2);
    await supervisor.stop();
    await until("the prepared sidecar to be stopped", () => fake.sidecars[1]!.stopped);
  });
});
