import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type Connected, connect, shell } from "./support/client.ts";
import { isAlive } from "./support/raw.ts";
import { until } from "./support/wait.ts";

let server: Connected;
beforeEach(async () => {
  server = await connect();
  await shell(server.client, "before_loss = 1");
});
afterEach(async () => {
  await server.close();
});

async function sidecarPid(): Promise<number> {
  return Number((await shell(server.client, "import os\nos.getpid()")).output.value);
}

describe("when the sidecar dies", () => {
  test("os._exit in user code reports the loss on that call", async () => {
    const result = await shell(server.client, "import os\nos._exit(1)");
    expect(result.status).toBe("error");
    expect(result.output.exception?.exc_type).toBe("SidecarExited");
    expect(result.output.exception?.message).toContain("exited with code 1");
    expect(result.output.exception?.message).toContain("state was lost");
  });

  test("the next call runs in a new sidecar and says the state was reset", async () => {
    const oldPid = await sidecarPid();
    await shell(server.client, "import os\nos._exit(1)");
    const result = await shell(server.client, "import os\nos.getpid()");
    expect(result.status).toBe("success");
    expect(Number(result.output.value)).not.toBe(oldPid);
    expect(result.notice).toContain("state was reset");
    expect((await shell(server.client, "before_loss")).output.exception?.exc_type).toBe("NameError");
  });

  test("SIGKILL during a call reports the loss and the next call succeeds", async () => {
    const result = await shell(server.client, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)");
    expect(result.output.exception?.exc_type).toBe("SidecarExited");
    expect(result.output.exception?.message).toContain("SIGKILL");
    const next = await shell(server.client, "2 + 2");
    expect(next.output.value).toBe("4");
    expect(next.notice).toContain("state was reset");
  });

  test("SIGKILL while idle is noticed by the next call, which succeeds", async () => {
    const pid = await sidecarPid();
    process.kill(pid, "SIGKILL");
    await until("the sidecar to die", () => !isAlive(pid), 5000);
    const next = await shell(server.client, "3 + 3");
    expect(next.output.value).toBe("6");
    expect(next.notice).toContain("state was reset");
  });

  test("code that swallows the interrupt is killed after the grace period and reported", async () => {
    const code = "import time\nwhile True:\n    try:\n        time.sleep(10)\n    except KeyboardInterrupt:\n        pass";
    const started = performance.now();
    const result = await shell(server.client, code, { timeout_seconds: 1 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.output.exception?.exc_type).toBe("SidecarExited");
    expect(result.output.exception?.message).toContain("did not stop");
    expect((await shell(server.client, "1")).notice).toContain("state was reset");
  });
});
