import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { cleanupAfterAll, cleanupAfterEach } from "./support/cleanup.ts";
import { cliEnv, shell, textOf } from "./support/client.ts";
import { authHeaders, connectHttp, type HttpServerProcess, startHttp } from "./support/http.ts";
import { BUN, CLI, EXAMPLE, VENV_PYTHON } from "./support/paths.ts";
import { type IdleCuttingProxy, startIdleCuttingProxy } from "./support/proxy.ts";
import { startMarkers, until } from "./support/wait.ts";

/** Every test's processes and clients are cleaned up after it, pass or fail. */
const defer = cleanupAfterEach();
/** The same for what a describe's beforeAll starts. */
const deferAll = cleanupAfterAll();

/** Marker files the code under test creates once it has really started. */
const markers = startMarkers();
deferAll(() => markers.dispose());

for (const kind of ["http", "sse"] as const) {
  describe(`shell over ${kind === "http" ? "Streamable HTTP" : "legacy SSE"}`, () => {
    let server: HttpServerProcess;
    let client: Client;
    beforeAll(async () => {
      server = await startHttp(kind);
      deferAll(() => server.stop());
      client = (await connectHttp(server)).client;
      deferAll(() => client.close());
    });

    test("reads a resource", async () => {
      const { contents } = await client.readResource({ uri: "django://project" });
      const project = JSON.parse((contents[0] as { text: string }).text) as { django: { settings_module: string } };
      expect(project.django.settings_module).toBe("bookshop.settings");
    });

    test("returns a final expression's value", async () => {
      expect((await shell(client, "2 + 2")).output).toEqual({ value: "4", value_type: "int" });
    });

    test("keeps variables between calls", async () => {
      await shell(client, "x = 42");
      expect((await shell(client, "x + 8")).output.value).toBe("50");
    });

    test("captures stdout", async () => {
      expect((await shell(client, "print('hi')")).stdout).toBe("hi\n");
    });

    test("reports an exception as an error status", async () => {
      const result = await shell(client, "1/0");
      expect(result.status).toBe("error");
      expect(result.output.exception?.exc_type).toBe("ZeroDivisionError");
    });

    test("reset clears the session", async () => {
      await shell(client, "gone = 1");
      await client.callTool({ name: "shell", arguments: { action: "reset" } });
      expect((await shell(client, "gone")).output.exception?.exc_type).toBe("NameError");
    });

    test("bad arguments are tool errors", async () => {
      const result = (await client.callTool({ name: "shell", arguments: {} })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain("needs code");
    });

    test("lists the tools", async () => {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain("shell");
    });
  });
}

describe("HTTP security", () => {
  let server: HttpServerProcess;
  beforeAll(async () => {
    server = await startHttp("http");
    deferAll(() => server.stop());
  });

  const initialize = {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
  };

  function post(headers: Record<string, string>, body: string = JSON.stringify(initialize)): Promise<Response> {
    return fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
      body,
    });
  }

  test("a request with the token is served", async () => {
    expect((await post(authHeaders())).status).toBe(200);
  });

  test("a missing token is 401", async () => {
    const response = await post({});
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
  });

  test("a wrong token is 401", async () => {
    expect((await post(authHeaders("not-the-token"))).status).toBe(401);
  });

  test("a foreign Host is 403", async () => {
    expect((await post({ ...authHeaders(), host: `evil.example:${server.url.port}` })).status).toBe(403);
  });

  test("a name that merely starts with 127. is not loopback: 403", async () => {
    expect((await post({ ...authHeaders(), host: `127.attacker.example:${server.url.port}` })).status).toBe(403);
  });

  test("a token chosen in MCP_DJANGO_TOKEN is never written to the log", () => {
    expect(server.stderr()).not.toContain(server.token);
    expect(server.stderr()).toContain("MCP_DJANGO_TOKEN");
  });

  test("a Host with another port is 403", async () => {
    expect((await post({ ...authHeaders(), host: "localhost:1" })).status).toBe(403);
  });

  test("a foreign Origin is 403", async () => {
    expect((await post({ ...authHeaders(), origin: "https://evil.example" })).status).toBe(403);
  });

  test("a local Origin is served", async () => {
    expect((await post({ ...authHeaders(), origin: "http://localhost:3000" })).status).toBe(200);
  });

  test("a malformed body is a JSON-RPC parse error, and the server keeps serving", async () => {
    const response = await post(authHeaders(), "{not json");
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32700);
    expect((await post(authHeaders())).status).toBe(200);
  });

  test("an unknown session is 404", async () => {
    expect((await post({ ...authHeaders(), "mcp-session-id": "no-such-session" })).status).toBe(404);
  });

  test("another path is 404", async () => {
    const response = await fetch(new URL("/elsewhere", server.url), { headers: authHeaders() });
    expect(response.status).toBe(404);
  });
});

describe("HTTP start-up refusals", () => {
  async function startFails(args: string[]): Promise<string> {
    const proc = Bun.spawn([BUN, CLI, "--python", VENV_PYTHON, ...args], { cwd: EXAMPLE, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
    defer(() => proc.kill());
    expect(await proc.exited).toBe(1);
    return new Response(proc.stderr).text();
  }

  test("--host 0.0.0.0 without --allow-remote refuses to start with a clear message", async () => {
    expect(await startFails(["--transport", "http", "--host", "0.0.0.0", "--port", "0"])).toContain("--allow-remote");
  });

  test("--no-auth on a non-loopback host refuses to start", async () => {
    expect(await startFails(["--transport", "http", "--host", "0.0.0.0", "--allow-remote", "--no-auth", "--port", "0"])).toContain("--no-auth");
  });

  test("a port already in use refuses to start with a clear message", async () => {
    const blocker = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("busy") });
    try {
      expect(await startFails(["--transport", "http", "--port", String(blocker.port)])).toContain("already in use");
    } finally {
      await blocker.stop(true);
    }
  });

  test("a bad --path refuses to start with a clear message", async () => {
    expect(await startFails(["--transport", "http", "--port", "0", "--path", "no-slash"])).toContain("--path");
  });
});

/** The shell namespaces alive in the sidecar, read from inside it. */
async function sidecarSessions(client: Client): Promise<string[]> {
  const result = await shell(client, "from mcp_django_bun.sidecar import shell as _sidecar_shell\n_sidecar_shell.sessions()");
  return JSON.parse(result.output.value!.replaceAll("'", '"')) as string[];
}

for (const kind of ["http", "sse"] as const) {
  describe(`sessions over ${kind === "http" ? "Streamable HTTP" : "legacy SSE"}`, () => {
    let server: HttpServerProcess;
    beforeAll(async () => {
      server = await startHttp(kind);
      deferAll(() => server.stop());
    });

    test("ten concurrent sessions each keep their own variable through 20 calls, without cross-talk", async () => {
      const clients = await Promise.all(Array.from({ length: 10 }, () => connectHttp(server)));
      for (const { client } of clients) defer(() => client.close());
      const seen = await Promise.all(
        clients.map(async ({ client }, index) => {
          const values: string[] = [];
          for (let round = 0; round < 20; round++) {
            await shell(client, `mine = "${index}-${round}"`);
            const result = await shell(client, "mine");
            values.push(result.output.value!);
          }
          return values;
        }),
      );
      for (const [index, values] of seen.entries()) expect(values).toEqual(Array.from({ length: 20 }, (_, round) => `'${index}-${round}'`));
      await Promise.all(clients.map(({ end }) => end()));
    });

    test("reset in one session leaves another session's variables alone", async () => {
      const [first, second] = await Promise.all([connectHttp(server), connectHttp(server)]);
      defer(() => first!.client.close());
      defer(() => second!.client.close());
      await shell(first!.client, "kept = 'first'");
      await shell(second!.client, "kept = 'second'");
      await second!.client.callTool({ name: "shell", arguments: { action: "reset" } });
      expect((await shell(first!.client, "kept")).output.value).toBe("'first'");
      expect((await shell(second!.client, "kept")).output.exception?.exc_type).toBe("NameError");
      await Promise.all([first!.end(), second!.end()]);
    });

    test("ending a session frees its namespace in the sidecar", async () => {
      const observer = await connectHttp(server);
      defer(() => observer.client.close());
      const leaving = await connectHttp(server);
      defer(() => leaving.client.close());
      await shell(leaving.client, "x = 1");
      const before = await sidecarSessions(observer.client);
      await leaving.end();
      const after = await until(
        "the namespace to be freed",
        async () => {
          const now = await sidecarSessions(observer.client);
          return now.length < before.length && now;
        },
        2000,
      ).catch(() => sidecarSessions(observer.client));
      expect(after.length).toBe(before.length - 1);
      await observer.end();
    });
  });
}

describe("idle sessions", () => {
  test("a session unused past MCP_DJANGO_SESSION_IDLE_SECONDS expires and frees its namespace", async () => {
    // Idle after 0.5 s, swept every 0.25 s: expired within 0.75 s of its last use.
    const server = await startHttp("http", [], { MCP_DJANGO_SESSION_IDLE_SECONDS: "0.5" });
    defer(() => server.stop());
    const idle = await connectHttp(server);
    defer(() => idle.client.close());
    await shell(idle.client, "x = 1");
    const observer = await connectHttp(server);
    defer(() => observer.client.close());
    // The observer keeps itself in use by asking; only the idle session can expire meanwhile.
    const left = await until(
      "the idle session to expire",
      async () => {
        const now = await sidecarSessions(observer.client);
        return now.length === 1 && now;
      },
      5000,
    ).catch(() => sidecarSessions(observer.client));
    expect(left).toHaveLength(1);
    await expect(shell(idle.client, "x")).rejects.toThrow();
    await observer.end();
  });
});

describe("idle sessions with a call running", () => {
  test("a session whose call outlasts the idle time is not expired under it", async () => {
    // Idle after 0.5 s, swept every 0.25 s: a 1.5 s call spans several sweeps past the idle time.
    const server = await startHttp("http", [], { MCP_DJANGO_SESSION_IDLE_SECONDS: "0.5" });
    defer(() => server.stop());
    const busy = await connectHttp(server);
    defer(() => busy.client.close());
    await shell(busy.client, "kept = 'yes'");
    expect((await shell(busy.client, "import time\ntime.sleep(1.5)\nkept")).output.value).toBe("'yes'");
  });
});

/**
 * Keep-alives and a proxy that cuts quiet responses, on a small scale: the server sends a comment
 * every 0.5 s (MCP_DJANGO_KEEPALIVE_SECONDS), the proxy cuts a response quiet for 1.5 s, and the
 * call stays quiet for 3 s. The defaults (15 s keep-alives, proxies' 60 s) scale it up.
 */
const KEEPALIVE = { MCP_DJANGO_KEEPALIVE_SECONDS: "0.5" };
const PROXY_IDLE_MS = 1500;
const QUIET_CALL = "import time\ntime.sleep(3)\n'woke up'";

/** Runs QUIET_CALL (3 s without a byte of its own) through `proxy`. */
function quietCall(client: Client): Promise<unknown> {
  return client.callTool({ name: "shell", arguments: { code: QUIET_CALL, timeout_seconds: 30 } }, undefined, { timeout: 30_000 });
}

/** The quiet call completes, the proxy never cut it, and keep-alives passed about every 0.5 s of its quiet 3 s. */
async function expectQuietCallHeldOpen(client: Client, proxy: IdleCuttingProxy): Promise<void> {
  const comments = proxy.comments;
  const result = (await quietCall(client)) as CallToolResult;
  expect((result.structuredContent as { output: { value: string } }).output.value).toBe("'woke up'");
  expect(proxy.cuts).toBe(0);
  expect(proxy.comments - comments).toBeGreaterThanOrEqual(3);
}

/** The server as a client sees it through the proxy. */
function viaProxy(server: HttpServerProcess, proxy: IdleCuttingProxy): HttpServerProcess {
  return { ...server, url: proxy.url };
}

describe("long calls over Streamable HTTP", () => {
  let server: HttpServerProcess;
  let client: Client;
  let proxy: IdleCuttingProxy;
  beforeAll(async () => {
    server = await startHttp("http", [], KEEPALIVE);
    deferAll(() => server.stop());
    proxy = startIdleCuttingProxy(server.url, PROXY_IDLE_MS);
    deferAll(() => proxy.stop());
    client = (await connectHttp(server)).client;
    deferAll(() => client.close());
  });

  test("a quiet call completes through a proxy that cuts quiet responses: keep-alives hold it open", async () => {
    const { client: proxied } = await connectHttp(viaProxy(server, proxy));
    defer(() => proxied.close());
    await expectQuietCallHeldOpen(proxied, proxy);
  });

  test("cancelling a call interrupts it and keeps the session", async () => {
    await shell(client, "before_cancel = 'kept'");
    const started = markers.next();
    const controller = new AbortController();
    const call = client.callTool({ name: "shell", arguments: { code: `import time\n${started.touch}\ntime.sleep(1000)` } }, undefined, {
      signal: controller.signal,
    });
    await until("the call to start", () => existsSync(started.path));
    controller.abort("test cancels");
    await expect(call).rejects.toThrow();
    const began = performance.now();
    expect((await shell(client, "before_cancel")).output.value).toBe("'kept'");
    expect(performance.now() - began).toBeLessThan(3000);
  });

  test("a client that asks for progress hears that a long call is still running", async () => {
    const progress: number[] = [];
    await client.callTool({ name: "shell", arguments: { code: "import time\ntime.sleep(6)" } }, undefined, {
      onprogress: (update) => progress.push(update.progress),
      timeout: 30_000,
    });
    expect(progress.length).toBeGreaterThan(0);
  });
});

describe("quiet calls over legacy SSE", () => {
  test("a quiet call completes through a proxy that cuts quiet responses: keep-alives hold the stream open", async () => {
    const server = await startHttp("sse", [], KEEPALIVE);
    defer(() => server.stop());
    const proxy = startIdleCuttingProxy(server.url, PROXY_IDLE_MS);
    defer(() => proxy.stop());
    const { client } = await connectHttp(viaProxy(server, proxy));
    defer(() => client.close());
    await expectQuietCallHeldOpen(client, proxy);
  });
});

describe("quiet calls without keep-alives", () => {
  test("MCP_DJANGO_KEEPALIVE_SECONDS=0 sends none, and the same proxy cuts the quiet call", async () => {
    const server = await startHttp("http", [], { MCP_DJANGO_KEEPALIVE_SECONDS: "0" });
    defer(() => server.stop());
    const proxy = startIdleCuttingProxy(server.url, PROXY_IDLE_MS);
    defer(() => proxy.stop());
    const { client } = await connectHttp(viaProxy(server, proxy));
    defer(() => client.close());
    let answered = false;
    const call = quietCall(client).then(
      () => (answered = true),
      () => undefined,
    );
    await until("the proxy to cut the quiet call", () => proxy.cuts > 0, 5000);
    expect(answered).toBe(false);
    // Only each event stream's opening comment (initialize's, the GET stream's, the call's);
    // keep-alives every 0.5 s would be several more.
    expect(proxy.comments).toBeLessThanOrEqual(3);
    await client.close();
    await call;
  });

  test("a bad MCP_DJANGO_KEEPALIVE_SECONDS refuses to start with a clear message", async () => {
    const proc = Bun.spawn([BUN, CLI, "--python", VENV_PYTHON, "--transport", "http", "--port", "0"], {
      cwd: EXAMPLE,
      env: cliEnv({ MCP_DJANGO_KEEPALIVE_SECONDS: "soon" }),
      stdin: "ignore",
      stdout: "ignore",
      stderr: "pipe",
    });
    defer(() => proc.kill());
    expect(await proc.exited).toBe(1);
    expect(await new Response(proc.stderr).text()).toContain("MCP_DJANGO_KEEPALIVE_SECONDS");
  });
});
