/**
 * Nothing outlives the server: however it ends (stdin EOF, SIGTERM, SIGINT, SIGKILL) and when
 * its sidecar crashes, no process it, the sidecar or user code started is left running,
 * children that ignore SIGTERM or left the process group included.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanupAfterEach } from "../support/cleanup.ts";
import { callShell, initialize, isAlive, type RawServer, startRaw } from "../support/raw.ts";
import { until } from "../support/wait.ts";

const defer = cleanupAfterEach();

/** Forks one child that ignores SIGTERM and one that also left the process group (setsid); answers the pids. */
const FORK_STUBBORN_CHILDREN = `
import os, signal, time
children = []
for leave_group in (False, True):
    pid = os.fork()
    if pid == 0:
        if leave_group:
            os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(600)
        os._exit(0)
    children.append(pid)
[os.getpid(), *children]`;

interface Started {
  server: RawServer;
  /** The sidecar's pid, then its two children's. */
  pids: number[];
  tmp: string;
}

/** A server (in a TMPDIR of its own) whose sidecar has forked the stubborn children. */
async function startWithChildren(tmp = mkdtempSync(join(tmpdir(), "mcp-django-survivors-"))): Promise<Started> {
  const server = startRaw([], undefined, undefined, { TMPDIR: tmp });
  defer(() => {
    server.proc.kill("SIGKILL");
    rmSync(tmp, { recursive: true, force: true });
  });
  await initialize(server);
  const answer = (await callShell(server, 1, FORK_STUBBORN_CHILDREN)) as { result: { structuredContent: { output: { value: string } } } };
  const pids = JSON.parse(answer.result.structuredContent.output.value) as number[];
  defer(() => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, "SIGKILL");
  });
  expect(pids.every(isAlive)).toBe(true);
  return { server, pids, tmp };
}

async function expectAllGone(pids: number[]): Promise<void> {
  await until(`processes ${pids.join(", ")} to be gone`, () => !pids.some(isAlive), 3000);
}

describe("after the server ends", () => {
  test.each([
    ["stdin closes", (server: RawServer) => server.proc.stdin.end()],
    ["SIGTERM", (server: RawServer) => server.proc.kill("SIGTERM")],
    ["SIGINT", (server: RawServer) => server.proc.kill("SIGINT")],
    ["SIGKILL", (server: RawServer) => server.proc.kill("SIGKILL")],
  ])("%s: no process of the server, the sidecar or user code is left 3 s later", async (_how, end) => {
    const { server, pids } = await startWithChildren();
    end(server);
    await expectAllGone([server.proc.pid, ...pids]);
  });

  test("SIGKILL: the next server started there removes the socket folder left behind", async () => {
    const first = await startWithChildren();
    const leftBehind = readdirSync(first.tmp);
    expect(leftBehind.length).toBe(1);
    first.server.proc.kill("SIGKILL");
    await expectAllGone([first.server.proc.pid, ...first.pids]);
    const next = await startWithChildren(first.tmp);
    expect(readdirSync(next.tmp)).not.toContain(leftBehind[0]);
  });
});

describe("after the sidecar crashes", () => {
  test("its children are gone 3 s later, and the next call runs in a fresh sidecar", async () => {
    const { server, pids } = await startWithChildren();
    process.kill(pids[0]!, "SIGKILL");
    await expectAllGone(pids);
    const answer = (await callShell(server, 2, "1 + 1")) as { result: { structuredContent: { output: { value: string } } } };
    expect(answer.result.structuredContent.output.value).toBe("2");
  });
});
