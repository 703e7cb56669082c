import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { cleanupAfterAll } from "./support/cleanup.ts";
import { type Connected, connect, shell } from "./support/client.ts";
import { startMarkers, until } from "./support/wait.ts";

const deferAll = cleanupAfterAll();
const markers = startMarkers();
deferAll(() => markers.dispose());

let server: Connected;
beforeAll(async () => {
  server = await connect();
  deferAll(() => server.close());
  await shell(server.client, "set_before = 'kept'");
});

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

describe("timeouts", () => {
  test("interrupt a busy loop, say it timed out, and keep the output printed before", async () => {
    const [result, elapsed] = await timed(() => shell(server.client, "print('started')\nwhile True:\n    pass", { timeout_seconds: 1 }));
    expect(elapsed).toBeLessThan(3000);
    expect(result.status).toBe("error");
    expect(result.output.exception?.exc_type).toBe("TimeoutError");
    expect(result.output.exception?.message).toContain("timed out");
    expect(result.stdout).toBe("started\n");
  });

  test("interrupt a sleep", async () => {
    const [result, elapsed] = await timed(() => shell(server.client, "import time\nprint('sleeping')\ntime.sleep(1000)", { timeout_seconds: 1 }));
    expect(elapsed).toBeLessThan(3000);
    expect(result.output.exception?.exc_type).toBe("TimeoutError");
    expect(result.stdout).toBe("sleeping\n");
  });

  test("keep the namespace after a timeout", async () => {
    await shell(server.client, "import time\ntime.sleep(1000)", { timeout_seconds: 1 });
    expect((await shell(server.client, "set_before")).output.value).toBe("'kept'");
  });

  test("keep variables the interrupted code set before the interruption", async () => {
    await shell(server.client, "partial_work = 'done'\nwhile True:\n    pass", { timeout_seconds: 1 });
    expect((await shell(server.client, "partial_work")).output.value).toBe("'done'");
  });

  test("are not swallowed by the code's own except Exception", async () => {
    const code = "import time\ntry:\n    time.sleep(1000)\nexcept Exception:\n    print('swallowed')";
    const result = await shell(server.client, code, { timeout_seconds: 1 });
    expect(result.output.exception?.exc_type).toBe("TimeoutError");
    expect(result.stdout).toBe("");
  });

  test("reject a timeout that is not a positive number", async () => {
    const result = await server.client.callTool({ name: "shell", arguments: { code: "1", timeout_seconds: -1 } });
    expect(result.isError).toBe(true);
  });
});

describe("cancellation", () => {
  test("cancelling the MCP request interrupts the code and keeps the namespace", async () => {
    const controller = new AbortController();
    const started = markers.next();
    const call = server.client.callTool(
      { name: "shell", arguments: { code: `import time\ncancelled_started = True\n${started.touch}\ntime.sleep(1000)` } },
      undefined,
      { signal: controller.signal },
    );
    await until("the call to start", () => existsSync(started.path));
    controller.abort("test cancels");
    await expect(call).rejects.toThrow();
    // The sidecar runs one call at a time: this only answers quickly if the sleep was interrupted.
    const [result, elapsed] = await timed(() => shell(server.client, "(cancelled_started, set_before)"));
    expect(elapsed).toBeLessThan(3000);
    expect(result.output.value).toBe("(True, 'kept')");
  });
});

describe("calls waiting behind a running call", () => {
  test("cancelling a queued call drops it without killing the sidecar or the running call", async () => {
    const pid = (await shell(server.client, "import os\nos.getpid()")).output.value;
    const started = markers.next();
    const running = shell(server.client, `import time\n${started.touch}\ntime.sleep(1.5)\n'first finished'`, { timeout_seconds: 10 });
    await until("the first call to start", () => existsSync(started.path));
    const controller = new AbortController();
    const queued = server.client.callTool({ name: "shell", arguments: { code: "queued_ran = True" } }, undefined, { signal: controller.signal });
    // The one fixed wait left: for the queued request to reach the sidecar's queue, which nothing
    // outside shows. Cancelled sooner, the server would drop it before sending it: another path.
    await Bun.sleep(200);
    controller.abort("not needed");
    await expect(queued).rejects.toThrow();
    expect((await running).output.value).toBe("'first finished'");
    expect((await shell(server.client, "import os\nos.getpid()")).output.value).toBe(pid!);
    expect((await shell(server.client, "'queued_ran' in globals()")).output.value).toBe("False");
  });

  test("a queued call's timeout counts from when it starts, not while it waits", async () => {
    const first = shell(server.client, "import time\ntime.sleep(1.5)", { timeout_seconds: 10 });
    const second = shell(server.client, "'second ran'", { timeout_seconds: 1 });
    await first;
    expect((await second).output.value).toBe("'second ran'");
  });
});
