import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { shell, textOf } from "./support/client.ts";
import { authHeaders, connectHttp, startHttp, type HttpServerProcess } from "./support/http.ts";
import { BUN, CLI, EXAMPLE, VENV_PYTHON } from "./support/paths.ts";

for (const kind of ["http", "sse"] as const) {
  describe(`shell over ${kind === "http" ? "Streamable HTTP" : "legacy SSE"}`, () => {
    let server: HttpServerProcess;
    let client: Client;
    beforeAll(async () => {
      server = await startHttp(kind);
      client = (await connectHttp(server)).client;
    });
    afterAll(async () => {
      await client.close();
      await server.stop();
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
  });
  afterAll(async () => {
    await server.stop();
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
  const result = await shell(client, "from mcp_django.sidecar import shell as _sidecar_shell\n_sidecar_shell.sessions()");
  return JSON.parse(result.output.value!.replaceAll("'", '"')) as string[];
}

for (const kind of ["http", "sse"] as const) {
  describe(`sessions over ${kind === "http" ? "Streamable HTTP" : "legacy SSE"}`, () => {
    let server: HttpServerProcess;
    beforeAll(async () => {
      server = await startHttp(kind);
    });
    afterAll(async () => {
      await server.stop();
    });

    test("ten concurrent sessions each keep their own variable through 20 calls, without cross-talk", async () => {
      const clients = await Promise.all(Array.from({ length: 10 }, () => connectHttp(server)));
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
      seen.forEach((values, index) => expect(values).toEqual(Array.from({ length: 20 }, (_, round) => `'${index}-${round}'`)));
      await Promise.all(clients.map(({ end }) => end()));
    });

    test("reset in one session leaves another session's variables alone", async () => {
      const [first, second] = await Promise.all([connectHttp(server), connectHttp(server)]);
      await shell(first!.client, "kept = 'first'");
      await shell(second!.client, "kept = 'second'");
      await second!.client.callTool({ name: "shell", arguments: { action: "reset" } });
      expect((await shell(first!.client, "kept")).output.value).toBe("'first'");
      expect((await shell(second!.client, "kept")).output.exception?.exc_type).toBe("NameError");
      await Promise.all([first!.end(), second!.end()]);
    });

    test("ending a session frees its namespace in the sidecar", async () => {
      const observer = await connectHttp(server);
      const leaving = await connectHttp(server);
      await shell(leaving.client, "x = 1");
      const before = await sidecarSessions(observer.client);
      await leaving.end();
      let after = await sidecarSessions(observer.client);
      for (let tries = 0; tries < 20 && after.length >= before.length; tries++) {
        await Bun.sleep(100);
        after = await sidecarSessions(observer.client);
      }
      expect(after.length).toBe(before.length - 1);
      await observer.end();
    });
  });
}

describe("idle sessions", () => {
  test("a session unused past MCP_DJANGO_SESSION_IDLE_SECONDS expires and frees its namespace", async () => {
    const server = await startHttp("http", [], { MCP_DJANGO_SESSION_IDLE_SECONDS: "1" });
    const idle = await connectHttp(server);
    await shell(idle.client, "x = 1");
    await Bun.sleep(2500);
    const observer = await connectHttp(server);
    expect(await sidecarSessions(observer.client)).toHaveLength(1);
    await expect(shell(idle.client, "x")).rejects.toThrow();
    await observer.end();
    await server.stop();
  });
});

describe("idle sessions with a call running", () => {
  test("a session whose call outlasts the idle time is not expired under it", async () => {
    const server = await startHttp("http", [], { MCP_DJANGO_SESSION_IDLE_SECONDS: "1" });
    const busy = await connectHttp(server);
    await shell(busy.client, "kept = 'yes'");
    expect((await shell(busy.client, "import time\ntime.sleep(3)\nkept")).output.value).toBe("'yes'");
    await busy.end();
    await server.stop();
  });
});

describe("long calls over Streamable HTTP", () => {
  let server: HttpServerProcess;
  let client: Client;
  beforeAll(async () => {
    server = await startHttp("http");
    client = (await connectHttp(server)).client;
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  test(
    "a 60 s quiet call completes",
    async () => {
      const result = await client.callTool(
        { name: "shell", arguments: { code: "import time\ntime.sleep(60)\n'woke up'", timeout_seconds: 90 } },
        undefined,
        { timeout: 120_000 },
      );
      expect((result.structuredContent as { output: { value: string } }).output.value).toBe("'woke up'");
    },
    100_000,
  );

  test("cancelling a call interrupts it and keeps the session", async () => {
    await shell(client, "before_cancel = 'kept'");
    const controller = new AbortController();
    const call = client.callTool({ name: "shell", arguments: { code: "import time\ntime.sleep(1000)" } }, undefined, { signal: controller.signal });
    await Bun.sleep(500);
    controller.abort("test cancels");
    await expect(call).rejects.toThrow();
    const started = performance.now();
    expect((await shell(client, "before_cancel")).output.value).toBe("'kept'");
    expect(performance.now() - started).toBeLessThan(3000);
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
