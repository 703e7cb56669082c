/** A call's deadline, in process: what is cancelled and when a sidecar is given up (fake sidecar, real timers). */
import { describe, expect, test } from "bun:test";
import type { CancelReason } from "../../src/contract/constants.ts";
import { CallDeadline, type SidecarActivity } from "../../src/sidecar/deadline.ts";
import { cleanupAfterEach } from "../support/cleanup.ts";
import { until } from "../support/wait.ts";

const defer = cleanupAfterEach();
const TIMEOUT_MS = 100;

/** An idle sidecar (nothing ran for a while) and a call's deadline on it, disposed after the test. */
function watched(sidecar: SidecarActivity = { startedCalls: 0, lastActivity: -10_000 }) {
  const cancels: CancelReason[] = [];
  const givenUp: string[] = [];
  const deadline = new CallDeadline(sidecar, TIMEOUT_MS, { cancel: (reason) => cancels.push(reason), giveUp: (because) => givenUp.push(because) });
  defer(() => deadline.dispose());
  return { sidecar, deadline, cancels, givenUp };
}

/** Another call, running on the sidecar until `end()`. */
function otherCallRunning(sidecar: SidecarActivity): { end(): void } {
  sidecar.startedCalls++;
  return {
    end() {
      sidecar.startedCalls--;
      sidecar.lastActivity = performance.now();
    },
  };
}

describe("a call's deadline", () => {
  test("a call an idle sidecar never takes is cancelled at its deadline, and the sidecar given up a second later", async () => {
    const { cancels, givenUp } = watched();
    await until("the cancel", () => cancels.length === 1, 1000);
    expect(cancels).toEqual(["timeout"]);
    expect(givenUp).toEqual([]);
    await until("the sidecar to be given up", () => givenUp.length === 1, 3000);
    expect(givenUp[0]).toContain("did not take the call");
  });

  test("a started call that does not stop when interrupted gets its sidecar given up 2 s later", async () => {
    const { deadline, cancels, givenUp } = watched();
    deadline.onStarted();
    await until("the interrupt", () => cancels.length === 1, 1000);
    await Bun.sleep(1500);
    expect(givenUp).toEqual([]);
    await until("the sidecar to be given up", () => givenUp.length === 1, 2000);
    expect(givenUp[0]).toContain("did not stop");
  });

  test("a call waiting behind a running one gets its full time once it starts", async () => {
    const sidecar = { startedCalls: 0, lastActivity: -10_000 };
    const other = otherCallRunning(sidecar);
    const { deadline, cancels, givenUp } = watched(sidecar);
    await Bun.sleep(TIMEOUT_MS * 3);
    expect(cancels).toEqual([]);
    other.end();
    deadline.onStarted();
    await Bun.sleep(TIMEOUT_MS / 2);
    expect(cancels).toEqual([]);
    await until("the interrupt, a full timeout after the start", () => cancels.length === 1, 1000);
    expect(givenUp).toEqual([]);
  });

  test("a healthy sidecar between two calls is not given up when a waiting call's deadline has passed", async () => {
    const sidecar = { startedCalls: 0, lastActivity: -10_000 };
    const other = otherCallRunning(sidecar);
    const { deadline, givenUp } = watched(sidecar);
    await Bun.sleep(TIMEOUT_MS * 2);
    other.end();
    await Bun.sleep(100); // the waiting call's "started" is on its way
    deadline.onStarted();
    await Bun.sleep(1600);
    expect(givenUp).toEqual([]);
  });

  test("a call waiting behind one that ends, on a sidecar that then stops working, is given up", async () => {
    const sidecar = { startedCalls: 0, lastActivity: -10_000 };
    const other = otherCallRunning(sidecar);
    const { cancels, givenUp } = watched(sidecar);
    await Bun.sleep(TIMEOUT_MS * 2);
    other.end();
    await until("the sidecar to be given up", () => givenUp.length === 1, 4000);
    expect(cancels).toEqual(["timeout"]);
  });

  test("a call cancelled while it waits, on a sidecar that then stops working, is given up", async () => {
    const sidecar = { startedCalls: 0, lastActivity: -10_000 };
    const other = otherCallRunning(sidecar);
    const { deadline, cancels, givenUp } = watched(sidecar);
    deadline.interrupt("cancelled");
    expect(cancels).toEqual(["cancelled"]);
    other.end();
    await until("the sidecar to be given up", () => givenUp.length === 1, 4000);
  });
});
