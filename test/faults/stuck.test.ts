/**
 * Every call ends: a sidecar that never takes a call (suspended, or a thread of user code
 * holding the GIL) is given up after the call's deadline and a grace period, and the next call
 * runs in a fresh one.
 */
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { type Connected, connect, shell } from "../support/client.ts";
import { isAlive } from "../support/raw.ts";
import { startMarkers, until } from "../support/wait.ts";

const markers = startMarkers();
afterAll(() => markers.dispose());

let server: Connected;
let sidecarPid: number;
beforeEach(async () => {
  server = await connect();
  sidecarPid = Number((await shell(server.client, "import os\nos.getpid()")).output.value);
});
afterEach(async () => {
  await server.close();
  if (isAlive(sidecarPid)) process.kill(sidecarPid, "SIGKILL");
});

/** A call with a 2 s timeout: it must come back within 5 s, as a loss of the sidecar that says why. */
async function expectGivenUp(): Promise<void> {
  const started = performance.now();
  const result = await shell(server.client, "1 + 1", { timeout_seconds: 2 });
  expect(performance.now() - started).toBeLessThan(5000);
  expect(result.status).toBe("error");
  expect(result.output.exception?.exc_type).toBe("SidecarExited");
  expect(result.output.exception?.message).toContain("did not take the call");
}

describe("a sidecar that takes no call", () => {
  test("suspended while idle (SIGSTOP): the call returns within 5 s, and the next runs in a fresh sidecar", async () => {
    process.kill(sidecarPid, "SIGSTOP");
    await expectGivenUp();
    await until("the suspended sidecar to be killed", () => !isAlive(sidecarPid), 5000);
    const next = await shell(server.client, "import os\nos.getpid()");
    expect(next.status).toBe("success");
    expect(Number(next.output.value)).not.toBe(sidecarPid);
  });

  test("a thread of user code holding the GIL in C: the call returns within 5 s, and the next runs in a fresh sidecar", async () => {
    // The thread takes the GIL once this call has answered (a marker says when).
    const holding = markers.next();
    const hold = `import threading, time\nthreading.Thread(target=lambda: (time.sleep(0.2), ${holding.touch}, sum(range(10**12))), daemon=True).start()`;
    expect((await shell(server.client, hold)).status).toBe("success");
    await until("the thread to take the GIL", () => existsSync(holding.path));
    await expectGivenUp();
    const next = await shell(server.client, "import os\nos.getpid()");
    expect(next.status).toBe("success");
    expect(Number(next.output.value)).not.toBe(sidecarPid);
  });
});
