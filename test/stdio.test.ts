import { describe, expect, test } from "bun:test";
import { cleanupAfterEach } from "./support/cleanup.ts";
import { callShell, initialize, isAlive, type RawServer, startRaw } from "./support/raw.ts";
import { until } from "./support/wait.ts";

/** Every CLI a test starts is killed after it, pass or fail. */
const defer = cleanupAfterEach();
function launch(): RawServer {
  const server = startRaw();
  defer(() => server.proc.kill());
  return server;
}

function structured(response: Record<string, unknown>): Record<string, unknown> {
  return (response.result as { structuredContent: Record<string, unknown> }).structuredContent;
}

function expectOnlyJsonRpc(lines: string[]): void {
  for (const line of lines) expect(JSON.parse(line).jsonrpc).toBe("2.0");
}

describe("stdout carries JSON-RPC only", () => {
  test("the settings module's import-time print goes to stderr, not stdout", async () => {
    const server = launch();
    await initialize(server);
    await callShell(server, 1, "1");
    expectOnlyJsonRpc(server.lines);
    expect(server.stderr()).toContain("bookshop settings loaded");
  });

  test("os.write to fd 1 from user code stays off the stream", async () => {
    const server = launch();
    await initialize(server);
    const response = await callShell(server, 1, "import os\nos.write(1, b'raw bytes on fd 1\\n')\n'after'");
    expect((structured(response).output as { value: string }).value).toBe("'after'");
    expectOnlyJsonRpc(server.lines);
  });

  test("a 10 MB print leaves the stream valid and comes back truncated with its size", async () => {
    const server = launch();
    await initialize(server);
    const response = await callShell(server, 1, "print('y' * 10_000_000)");
    const stdout = structured(response).stdout as string;
    expect(stdout).toContain("truncated");
    expect(stdout).toContain("10000001 characters");
    expect(stdout.length).toBeLessThan(100_000);
    expectOnlyJsonRpc(server.lines);
  });
});

describe("shutdown", () => {
  test("closing stdin ends the server and the sidecar within 2 s", async () => {
    const server = launch();
    await initialize(server);
    const response = await callShell(server, 1, "import os\nos.getpid()");
    const sidecarPid = Number((structured(response).output as { value: string }).value);
    defer(() => isAlive(sidecarPid) && process.kill(sidecarPid, "SIGKILL"));
    expect(isAlive(sidecarPid)).toBe(true);
    const started = performance.now();
    server.proc.stdin.end();
    await server.proc.exited;
    await until("the sidecar to exit", () => !isAlive(sidecarPid), 2000).catch(() => undefined);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(isAlive(sidecarPid)).toBe(false);
    expect(server.proc.exitCode).toBe(0);
  });

  test("SIGTERM ends the server and the sidecar, also the sidecar's own children", async () => {
    const server = launch();
    await initialize(server);
    const response = await callShell(server, 1, "import subprocess\nsubprocess.Popen(['sleep', '300']).pid");
    const grandchild = Number((structured(response).output as { value: string }).value);
    defer(() => isAlive(grandchild) && process.kill(grandchild, "SIGKILL"));
    server.proc.kill("SIGTERM");
    await server.proc.exited;
    await until("the grandchild to exit", () => !isAlive(grandchild), 2000).catch(() => undefined);
    expect(isAlive(grandchild)).toBe(false);
  });
});
