import { beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { connectSidecar } from "../src/sidecar/connection.ts";
import { cleanupAfterAll, cleanupAfterEach } from "./support/cleanup.ts";
import { type Connected, cliEnv, connect, expectCoreShellCases, shell } from "./support/client.ts";
import { attachToDevServer, type DevServer, startDevServer, waitFor } from "./support/devserver.ts";
import { BUN, CLI, EXAMPLE, REPO, VENV_PYTHON } from "./support/paths.ts";
import { callShell, initialize, startRaw } from "./support/raw.ts";
import { startMarkers, until } from "./support/wait.ts";

/** What a test starts is stopped after it, pass or fail; what a beforeAll starts, after the file. */
const defer = cleanupAfterEach();
const deferAll = cleanupAfterAll();
const markers = startMarkers();
deferAll(() => markers.dispose());

async function projectMode(client: Client): Promise<{ mode: string; pid: number }> {
  const { contents } = await client.readResource({ uri: "django://project" });
  return (JSON.parse((contents[0] as { text: string }).text) as { mcp: { mode: string; pid: number } }).mcp;
}

function registration(devServer: DevServer): { socket: string; secret: string; pid: number } {
  const file = readdirSync(devServer.runtimeDir).find((name) => name.endsWith(".json"))!;
  return JSON.parse(readFileSync(join(devServer.runtimeDir, file), "utf8"));
}

describe("attached to a running dev server", () => {
  let devServer: DevServer;
  let server: Connected;
  beforeAll(async () => {
    ({ devServer, server } = await attachToDevServer(deferAll));
  });

  test("the shell sees state only the live process has", async () => {
    const before = Number((await shell(server.client, "from bookshop import views\nviews.HOME_VISITS")).output.value);
    expect((await fetch(`${devServer.url}/`)).status).toBe(200);
    expect((await shell(server.client, "views.HOME_VISITS")).output.value).toBe(String(before + 1));
  });

  test("django://project says so, with the dev server's pid", async () => {
    expect(await projectMode(server.client)).toEqual({ mode: "attached", pid: registration(devServer).pid });
  });

  test("the CLI says so on stderr", () => {
    expect(server.stderr()).toContain("attached to the dev server");
  });

  test("prints are captured, not written to the dev server's console", async () => {
    const result = await shell(server.client, "print('only for the client')");
    expect(result.stdout).toBe("only for the client\n");
    // A barrier written to the console's real stdout and stderr after the print: once both show up,
    // a print that leaked to either would have shown up before them.
    await shell(server.client, "import sys\nfor s in (sys.__stdout__, sys.__stderr__):\n    s.write('console barrier\\n')\n    s.flush()");
    await until("the console barrier", () => devServer.output().split("console barrier").length === 3, 5000);
    expect(devServer.output()).not.toContain("only for the client");
  });

  test("a busy loop is interrupted on time and the session is kept", async () => {
    await shell(server.client, "kept_here = 1");
    const started = performance.now();
    const result = await shell(server.client, "while True:\n    pass", { timeout_seconds: 1 });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(result.output.exception?.exc_type).toBe("TimeoutError");
    expect((await shell(server.client, "kept_here")).output.value).toBe("1");
  });

  test("code stuck in C is reported after the timeout, and the dev server keeps serving", async () => {
    const started = performance.now();
    const result = await shell(server.client, "import time\ntime.sleep(30)", { timeout_seconds: 1 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.output.exception?.exc_type).toBe("SidecarExited");
    expect(result.output.exception?.message).toContain("did not stop");
    expect((await fetch(`${devServer.url}/health/`)).status).toBe(200);
    const next = await shell(server.client, "1 + 1");
    expect(next.output.value).toBe("2");
    expect(next.notice).toContain("state was reset");
  });

  test("an edit reloads the dev server: the next call re-attaches with the session's imports restored, and says so", async () => {
    await shell(server.client, "from bookshop import views as reloaded_views\nmarker = 1");
    const oldPid = registration(devServer).pid;
    const now = new Date();
    utimesSync(join(EXAMPLE, "bookshop", "views.py"), now, now);
    const result = await shell(server.client, "import os\n(reloaded_views.__name__, os.getpid())");
    expect(result.output.value).toBe(`('bookshop.views', ${registration(devServer).pid})`);
    expect(registration(devServer).pid).not.toBe(oldPid);
    expect(result.notice).toContain("bookshop/views.py");
    expect(result.notice).toMatch(/Restored imports and definitions: .*reloaded_views/);
    expect(result.notice).toMatch(/Not restored .*marker/);
  });
});

describe("two MCP servers attached to one dev server", () => {
  test("cancelling a call of one interrupts neither the other's call nor its own namespace", async () => {
    const devServer = await startDevServer();
    defer(() => devServer.stop());
    const env = { MCP_DJANGO_RUNTIME_DIR: devServer.runtimeDir };
    const [first, second] = await Promise.all([connect({ env }), connect({ env })]);
    defer(() => first!.close());
    defer(() => second!.close());
    await shell(first!.client, "mine = 'first'");
    await shell(second!.client, "mine = 'second'");
    // Both servers number their requests alike: the sidecar must tell them apart.
    const steady = shell(second!.client, "total = 0\nfor i in range(15_000_000):\n    total += i\nmine", { timeout_seconds: 20 });
    const controller = new AbortController();
    const started = markers.next();
    const doomed = first!.client.callTool({ name: "shell", arguments: { code: `${started.touch}\nwhile True:\n    pass` } }, undefined, {
      signal: controller.signal,
    });
    await until("the doomed call to start", () => existsSync(started.path));
    controller.abort("stop it");
    await expect(doomed).rejects.toThrow();
    expect((await steady).output.value).toBe("'second'");
    expect((await shell(first!.client, "mine")).output.value).toBe("'first'");
  });
});

describe("when the dev server stops and comes back", () => {
  test("the next call falls back to a spawned sidecar with a notice, then re-attaches", async () => {
    const { devServer, server } = await attachToDevServer(defer);
    expect((await projectMode(server.client)).mode).toBe("attached");
    await shell(server.client, "x = 1");
    await devServer.stop();

    const fallback = await shell(server.client, "import os\nos.getpid()");
    expect(fallback.status).toBe("success");
    expect(fallback.notice).toContain("dev server went away");
    expect((await projectMode(server.client)).mode).toBe("spawned");

    const back = await startDevServer(devServer.runtimeDir);
    defer(() => back.stop());
    // The CLI looks for a dev server at most once a second: calls run in the spawned sidecar until
    // it does, and the first call after that re-attaches.
    const reattached = await until(
      "a call to re-attach",
      async () => {
        const result = await shell(server.client, "import os\nos.getpid()");
        return result.output.value === String(registration(back).pid) && result;
      },
      5000,
    );
    expect(reattached.output.value).toBe(String(registration(back).pid));
    expect(reattached.notice).toContain("dev server is listening now");
  });
});

describe("choosing whether to attach", () => {
  test("--no-attach runs a sidecar of its own beside a dev server", async () => {
    const devServer = await startDevServer();
    defer(() => devServer.stop());
    const server = await connect({ args: ["--no-attach"], env: { MCP_DJANGO_RUNTIME_DIR: devServer.runtimeDir } });
    defer(() => server.close());
    expect((await projectMode(server.client)).mode).toBe("spawned");
  });

  test("--attach without a dev server refuses to start, saying what to run", async () => {
    const proc = Bun.spawn([BUN, CLI, "--python", VENV_PYTHON, "--attach"], {
      cwd: EXAMPLE,
      env: cliEnv({ MCP_DJANGO_RUNTIME_DIR: join(REPO, "no-such-runtime-dir") }),
      stdin: "pipe",
      stdout: "ignore",
      stderr: "pipe",
    });
    defer(() => proc.kill());
    expect(await proc.exited).toBe(1);
    expect(await new Response(proc.stderr).text()).toContain("runserver");
  });
});

describe("the dev server's socket", () => {
  let devServer: DevServer;
  beforeAll(async () => {
    devServer = await startDevServer();
    deferAll(() => devServer.stop());
  });

  test("refuses a client without the secret", async () => {
    const { socket } = registration(devServer);
    const never = new Promise<string>(() => {});
    await expect(connectSidecar(socket, { secret: "guessed", client: "intruder" }, () => undefined, never)).rejects.toThrow("wrong secret");
  });

  test("accepts a client with the secret", async () => {
    const { socket, secret } = registration(devServer);
    const never = new Promise<string>(() => {});
    const connection = await connectSidecar(socket, { secret, client: "tester" }, () => undefined, never);
    expect(connection.hello.django).toBeTruthy();
    connection.close();
  });

  test("is out of reach of another user", () => {
    const { socket } = registration(devServer);
    const probe = `import socket\ns = socket.socket(socket.AF_UNIX)\ntry:\n    s.connect(${JSON.stringify(socket)})\n    print("connected")\nexcept OSError as e:\n    print(type(e).__name__)`;
    const result = Bun.spawnSync(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", probe]);
    expect(result.stdout.toString().trim()).toBe("PermissionError");
  });
});

describe("a dev server that can't listen", () => {
  test("still starts and serves when the runtime directory isn't private", async () => {
    const shared = mkdtempSync(join(tmpdir(), "mcp-django-shared-"));
    defer(() => rmSync(shared, { recursive: true, force: true }));
    chmodSync(shared, 0o755);
    const port = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const address = port.port;
    port.stop(true);
    const proc = Bun.spawn([VENV_PYTHON, "manage.py", "runserver", `127.0.0.1:${address}`, "--noreload"], {
      cwd: EXAMPLE,
      env: { ...process.env, MCP_DJANGO_RUNTIME_DIR: shared, PYTHONUNBUFFERED: "1" },
      stdout: "ignore",
      stderr: "pipe",
    });
    defer(() => proc.kill("SIGKILL"));
    await waitFor("the dev server", () =>
      fetch(`http://127.0.0.1:${address}/health/`).then(
        (r) => r.ok,
        () => false,
      ),
    );
    proc.kill("SIGINT");
    expect(await new Response(proc.stderr).text()).toContain("not listening for MCP clients");
  });
});

describe("python manage.py mcp", () => {
  let client: Client;
  beforeAll(async () => {
    const transport = new StdioClientTransport({
      command: VENV_PYTHON,
      args: ["manage.py", "mcp"],
      cwd: EXAMPLE,
      env: cliEnv({ PATH: `${REPO}node_modules/.bin:${process.env.PATH}` }),
      stderr: "pipe",
    });
    client = new Client({ name: "manage-py-tests", version: "0" });
    deferAll(() => client.close());
    await client.connect(transport);
  });

  test("runs code in the command's own process", async () => {
    const { pid, mode } = await projectMode(client);
    expect(mode).toBe("command");
    expect((await shell(client, "import os\nos.getpid()")).output.value).toBe(String(pid));
  });

  test("passes the core shell cases", async () => {
    await expectCoreShellCases(client);
  });

  test("input() in shell code gets end of file, not the client's messages", async () => {
    expect((await shell(client, "input()")).output.exception?.exc_type).toBe("EOFError");
    expect((await shell(client, "2 + 2")).output.value).toBe("4");
  });

  test("interrupts a timed-out call on the command's main thread", async () => {
    const result = await shell(client, "import time\ntime.sleep(100)", { timeout_seconds: 1 });
    expect(result.output.exception?.exc_type).toBe("TimeoutError");
  });

  test("keeps stdout to JSON-RPC only, the settings' import-time print included", async () => {
    const raw = startRaw([], EXAMPLE, [VENV_PYTHON, "manage.py", "mcp"], { PATH: `${REPO}node_modules/.bin:${process.env.PATH}` });
    defer(() => raw.proc.kill());
    await initialize(raw);
    await callShell(raw, 1, "import os\nos.write(1, b'fd one\\n')\nprint('printed')");
    raw.proc.stdin.end();
    expect(await raw.proc.exited).toBe(0);
    for (const line of raw.lines.filter(Boolean)) expect(JSON.parse(line).jsonrpc).toBe("2.0");
    expect(raw.stderr()).toContain("bookshop settings loaded");
  });
});
