/**
 * Nothing user code does in the sidecar's process breaks the sidecar: a process it forks never
 * answers for it, reads its requests or outlives it; replacing or closing sys.stdout/sys.stderr
 * affects that call only, for every session; and inside a dev server, a call stuck in C that the
 * server gave up on leaves the session really fresh, and can't touch it when it ends at last.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { cleanupAfterAll, cleanupAfterEach } from "../support/cleanup.ts";
import { type Connected, connect, shell } from "../support/client.ts";
import { attachToDevServer } from "../support/devserver.ts";
import { connectHttp, startHttp } from "../support/http.ts";
import { isAlive } from "../support/raw.ts";
import { startMarkers, until } from "../support/wait.ts";

const defer = cleanupAfterEach();
const deferAll = cleanupAfterAll();
const markers = startMarkers();
afterAll(() => markers.dispose());

async function sidecarPid(server: Connected): Promise<number> {
  return Number((await shell(server.client, "import os\nos.getpid()")).output.value);
}

describe("user code that forks", () => {
  let server: Connected;
  beforeAll(async () => {
    server = await connect();
    deferAll(() => server.close());
  });

  test.each([0, 0.3])("a child that gets to the end of the code first never answers for its parent (parent %p s behind)", async (delay) => {
    const code = `import os, time\npid = os.fork()\nif pid == 0:\n    result = 'child'\nelse:\n    time.sleep(${delay})\n    result = 'parent'\nresult`;
    for (let i = 0; i < 3; i++) expect((await shell(server.client, code)).output.value).toBe("'parent'");
    expect((await shell(server.client, "6 * 7")).output.value).toBe("42");
  });

  test("a child that gets there after its parent answered sends nothing either, and exits there", async () => {
    const code = "import os, time\npid = os.fork()\nif pid == 0:\n    time.sleep(0.5)\n    result = 'child'\nelse:\n    result = 'parent'\nresult";
    expect((await shell(server.client, code)).output.value).toBe("'parent'");
    // Waited for here, the child has ended: whatever it sent would have come before this answer.
    expect((await shell(server.client, "os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])")).output.value).toBe("0");
    expect((await shell(server.client, "6 * 7")).output.value).toBe("42");
  });

  test("a parent waiting for its child gets its answer, and the next call works", async () => {
    const code = "import os\npid = os.fork()\nif pid == 0:\n    result = 'child'\nelse:\n    os.waitpid(pid, 0)\n    result = 'parent'\nresult";
    const started = performance.now();
    expect((await shell(server.client, code, { timeout_seconds: 10 })).output.value).toBe("'parent'");
    expect(performance.now() - started).toBeLessThan(5000);
    expect((await shell(server.client, "6 * 7")).output.value).toBe("42");
  });

  test("a child printing 1 MB: the parent's answer comes back, the child's output goes to the server's log", async () => {
    const code = "import os\nprint('from the parent')\nif os.fork() == 0:\n    print('from-the-child', 'x' * 1_000_000)\n'parent'";
    const result = await shell(server.client, code);
    expect(result.output.value).toBe("'parent'");
    expect(result.stdout).toBe("from the parent\n");
    await until("the child's output in the log", () => server.stderr().includes("[python stdout] from-the-child xxxx"), 5000);
    expect((await shell(server.client, "6 * 7")).output.value).toBe("42");
  });

  test("children that ignore SIGTERM or left the process group die with the sidecar", async () => {
    const code =
      "import os, signal, time\nchildren = []\nfor leave_group in (False, True):\n    pid = os.fork()\n    if pid == 0:\n" +
      "        if leave_group:\n            os.setsid()\n        signal.signal(signal.SIGTERM, signal.SIG_IGN)\n        time.sleep(60)\n" +
      "    children.append(pid)\n[os.getpid(), *children]";
    const pids = JSON.parse((await shell(server.client, code)).output.value!) as number[];
    defer(() => {
      for (const pid of pids) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    });
    expect(pids.every(isAlive)).toBe(true);
    process.kill(pids[0]!, "SIGKILL");
    await until("the sidecar and its children to be gone", () => !pids.some(isAlive), 3000);
    const next = await shell(server.client, "6 * 7");
    expect(next.output.value).toBe("42");
    expect(next.notice).toContain("state was reset");
  });
});

test("the sidecar dies with the server killed by SIGKILL, even while user code holds the GIL", async () => {
  const server = await connect();
  defer(() => server.close());
  const pid = await sidecarPid(server);
  defer(() => isAlive(pid) && process.kill(pid, "SIGKILL"));
  const holding = markers.next();
  // sum() over a range runs in C without letting another thread (the sidecar's watchdog) run.
  const call = shell(server.client, `${holding.touch}\nsum(range(10**12))`, { timeout_seconds: 60 });
  call.catch(() => undefined);
  await until("the code to hold the GIL", () => existsSync(holding.path));
  process.kill(server.transport.pid!, "SIGKILL");
  await until("the sidecar to be gone", () => !isAlive(pid), 3000);
});

describe("code that replaces or closes sys.stdout, over Streamable HTTP with two sessions", () => {
  test.each([
    ["sys.stdout = None", "[mcp-django] sys.stdout was replaced by the code and has been restored."],
    ["sys.stdout.close()", "[mcp-django] sys.stdout was closed by the code and has been reopened."],
  ])("%s: only that call of that session is affected, and it says so", async (breaking, note) => {
    const server = await startHttp("http");
    defer(() => server.stop());
    const [first, second] = await Promise.all([connectHttp(server), connectHttp(server)]);
    defer(() => first!.client.close());
    defer(() => second!.client.close());
    const broken = await shell(first!.client, `import sys\n${breaking}`);
    expect(broken.stderr).toBe(`${note}\n`);
    expect((await shell(second!.client, "print('second')")).stdout).toBe("second\n");
    const after = await shell(first!.client, "print('first')");
    expect([after.stdout, after.stderr]).toEqual(["first\n", ""]);
  });
});

describe("inside a dev server, a call stuck in C that the server gave up on", () => {
  test("leaves a fresh session, which the stuck call can't touch when it ends", async () => {
    const { server } = await attachToDevServer(defer);
    await shell(server.client, "kept = 1");

    // Interrupted after 1 s, the sleep goes on: the server gives up 2 s later and disconnects.
    const ended = markers.next();
    const stuck = await shell(server.client, `import time\ntry:\n    time.sleep(5)\nfinally:\n    late = 1\n    ${ended.touch}`, {
      timeout_seconds: 1,
    });
    expect(stuck.status).toBe("error");
    expect(stuck.output.exception?.message).toContain("state was lost");

    const fresh = await shell(server.client, "kept");
    expect(fresh.output.exception?.exc_type).toBe("NameError");
    await shell(server.client, "after = 2");
    // The new session was in use while the stuck call still ran.
    expect(existsSync(ended.path)).toBe(false);

    await until("the stuck call to end", () => existsSync(ended.path), 10_000);
    // Its connection's thread ends once it found no one to answer: what it does on the way is done.
    const connectionThreads = "import threading\nsum(thread.name == 'mcp-connection' for thread in threading.enumerate())";
    await until("the old connection's thread to end", async () => (await shell(server.client, connectionThreads)).output.value === "1", 5000);
    expect((await shell(server.client, "after")).output.value).toBe("2");
    expect((await shell(server.client, "late")).output.exception?.exc_type).toBe("NameError");
  });
});
