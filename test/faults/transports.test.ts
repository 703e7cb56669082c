import { describe, expect, test } from "bun:test";
import { connect as connectSocket } from "node:net";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { cleanupAfterEach } from "../support/cleanup.ts";
import { cliEnv, connect, shell } from "../support/client.ts";
import { authHeaders, connectHttp, type HttpServerProcess, startHttp } from "../support/http.ts";
import { memoryBytes } from "../support/memory.ts";
import { BUN, CLI, EXAMPLE, VENV_PYTHON } from "../support/paths.ts";
import { callShell, initialize, type RawServer, startRaw } from "../support/raw.ts";
import { until } from "../support/wait.ts";

/** Every process and client a test starts is cleaned up after it, pass or fail. */
const defer = cleanupAfterEach();

const EIGHT_MB = 8 * 1024 * 1024;

type Message = Record<string, unknown> & { error?: { code: number; message: string } };

function toolsCall(id: number, code: string): Message {
  return { jsonrpc: "2.0", id, method: "tools/call", params: { name: "shell", arguments: { code } } };
}

function launchStdio(env: Record<string, string> = {}): RawServer {
  const server = startRaw([], undefined, undefined, env);
  defer(() => server.proc.kill());
  return server;
}

/** The first message on stdout that `match` accepts, waited for up to `ms`. */
function reply(server: RawServer, match: (message: Message) => boolean, ms = 5000): Promise<Message> {
  return until("a reply on stdout", () => server.lines.map((line) => JSON.parse(line) as Message).find(match), ms);
}

function shellValue(response: Message): string | undefined {
  return (response.result as { structuredContent: { output: { value?: string } } }).structuredContent.output.value;
}

describe("stdio input", () => {
  test("an 11 MB tools/call is refused with a JSON-RPC error, later calls are answered, and closing stdin still ends the server", async () => {
    const server = launchStdio();
    await initialize(server);
    server.sendLine(JSON.stringify(toolsCall(1, "x".repeat(11_000_000))));
    const refused = await reply(server, (message) => message.id === 1, 5000);
    expect(refused.error?.code).toBe(-32600);
    expect(refused.error?.message).toContain("MCP_DJANGO_MAX_MESSAGE_BYTES");
    expect(shellValue(await callShell(server, 2, "1 + 1"))).toBe("2");
    const closed = performance.now();
    server.proc.stdin.end();
    await until("the server to exit", () => server.proc.exitCode !== null, 2000);
    expect(performance.now() - closed).toBeLessThan(2000);
  });

  test("an SDK client's oversized call fails at once with the refusal, not at its timeout", async () => {
    const { client, close } = await connect();
    defer(close);
    const started = performance.now();
    const error = await client.callTool({ name: "shell", arguments: { code: "x".repeat(5_000_000) } }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32600);
    expect(performance.now() - started).toBeLessThan(5000);
    expect((await shell(client, "1 + 1")).output.value).toBe("2");
  });

  test("a line of invalid JSON is answered with a -32700 parse error (id null), and the next request is answered", async () => {
    const server = launchStdio();
    await initialize(server);
    server.sendLine("{not json");
    const parseError = await reply(server, (message) => message.id === null);
    expect(parseError.error?.code).toBe(-32700);
    expect(shellValue(await callShell(server, 1, "1 + 1"))).toBe("2");
  });

  test("JSON that is not a JSON-RPC message is a -32600 invalid request with its id, and the next request is answered", async () => {
    const server = launchStdio();
    await initialize(server);
    server.send({ id: 7, method: 42 });
    expect((await reply(server, (message) => message.id === 7)).error?.code).toBe(-32600);
    expect(shellValue(await callShell(server, 1, "1 + 1"))).toBe("2");
  });

  test("with MCP_DJANGO_MAX_MESSAGE_BYTES=1000 a 2,000-byte message is refused and a small one passes", async () => {
    const server = launchStdio({ MCP_DJANGO_MAX_MESSAGE_BYTES: "1000" });
    await initialize(server);
    const padding = 2000 - JSON.stringify(toolsCall(1, "")).length;
    const line = JSON.stringify(toolsCall(1, `'${"x".repeat(padding - 2)}'`));
    expect(line.length).toBe(2000);
    server.sendLine(line);
    const refused = await reply(server, (message) => message.id === 1);
    expect(refused.error?.code).toBe(-32600);
    expect(refused.error?.message).toContain("1000 bytes");
    expect(shellValue(await callShell(server, 2, "1 + 1"))).toBe("2");
  });

  test("an oversized line whose id is not valid JSON is refused without an id, and the server lives on", async () => {
    const server = launchStdio({ MCP_DJANGO_MAX_MESSAGE_BYTES: "1000" });
    await initialize(server);
    server.sendLine(`{"jsonrpc":"2.0","id":"a\\x","method":"tools/call","params":{"name":"shell","arguments":{"code":"${"x".repeat(2000)}"}}}`);
    const refused = await reply(server, (message) => message.id === null && message.error?.code === -32600);
    expect(refused.error?.message).toContain("1000 bytes");
    expect(shellValue(await callShell(server, 2, "1 + 1"))).toBe("2");
  });

  test("a bad MCP_DJANGO_MAX_MESSAGE_BYTES refuses to start with a clear message", async () => {
    const proc = Bun.spawn([BUN, CLI, "--python", VENV_PYTHON], {
      cwd: EXAMPLE,
      env: cliEnv({ MCP_DJANGO_MAX_MESSAGE_BYTES: "lots" }),
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    defer(() => proc.kill());
    expect(await proc.exited).toBe(1);
    expect(await new Response(proc.stderr).text()).toContain("MCP_DJANGO_MAX_MESSAGE_BYTES=lots");
    expect(await new Response(proc.stdout).text()).toBe("");
  });
});

async function launchHttp(kind: "http" | "sse", env: Record<string, string> = {}): Promise<HttpServerProcess> {
  const server = await startHttp(kind, [], env);
  defer(() => server.stop());
  return server;
}

/** An SDK client in a new MCP session, and the session's id. */
async function session(server: HttpServerProcess): Promise<{ client: Client; id: string }> {
  const connected = await connectHttp(server);
  defer(() => connected.client.close());
  return { client: connected.client, id: connected.sessionId()! };
}

/** A POST as an MCP client sends it, with `body` (a string has a Content-Length; a stream is sent chunked). */
function post(server: HttpServerProcess, url: URL, body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { ...authHeaders(server.token), "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body,
  });
}

const bigCall = () => JSON.stringify(toolsCall(1, "x".repeat(EIGHT_MB)));

/** EIGHT_MB bytes in 64 KiB chunks, with no Content-Length. */
function chunkedBody(): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x78);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= EIGHT_MB) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

async function expectTooLarge(response: Response): Promise<void> {
  expect(response.status).toBe(413);
  expect(((await response.json()) as Message).error?.message).toContain("MCP_DJANGO_MAX_MESSAGE_BYTES");
}

describe("Streamable HTTP bodies", () => {
  test("an 8 MB first POST, before any session, is 413 and sessions still open", async () => {
    const server = await launchHttp("http");
    await expectTooLarge(await post(server, server.url, bigCall()));
    const { client } = await session(server);
    expect((await shell(client, "1 + 1")).output.value).toBe("2");
  });

  test("an 8 MB POST inside a session is 413 and the session still answers a tools/call", async () => {
    const server = await launchHttp("http");
    const { client, id } = await session(server);
    await expectTooLarge(await post(server, server.url, bigCall(), { "mcp-session-id": id }));
    expect((await shell(client, "1 + 1")).output.value).toBe("2");
  });

  test("an 8 MB chunked POST (no Content-Length) inside a session is 413 and the session still answers", async () => {
    const server = await launchHttp("http");
    const { client, id } = await session(server);
    await expectTooLarge(await post(server, server.url, chunkedBody(), { "mcp-session-id": id }));
    expect((await shell(client, "1 + 1")).output.value).toBe("2");
  });

  test("three 8 MB POSTs grow the server's memory by less than 4 MB: a declared size is refused unread", async () => {
    const server = await launchHttp("http");
    const { client } = await session(server);
    await shell(client, "1 + 1");
    const before = memoryBytes(server.proc.pid, "VmRSS");
    for (let i = 0; i < 3; i++) await expectTooLarge(await post(server, server.url, bigCall()));
    expect(memoryBytes(server.proc.pid, "VmRSS") - before).toBeLessThan(4 * 1024 * 1024);
  });

  test("three 8 MB chunked POSTs grow the server's memory by less than 4 MB: reading stops at the limit", async () => {
    // A body without Content-Length is read up to the limit before it is known to be too large:
    // a small limit shows that reading stops there, whatever the body's size.
    const server = await launchHttp("http", { MCP_DJANGO_MAX_MESSAGE_BYTES: String(64 * 1024) });
    const { client } = await session(server);
    await shell(client, "1 + 1");
    const before = memoryBytes(server.proc.pid, "VmRSS");
    for (let i = 0; i < 3; i++) await expectTooLarge(await post(server, server.url, chunkedBody()));
    expect(memoryBytes(server.proc.pid, "VmRSS") - before).toBeLessThan(4 * 1024 * 1024);
  });
});

describe("legacy SSE bodies", () => {
  test("an 8 MB POST to /messages is 413 and the SSE session still works", async () => {
    const server = await launchHttp("sse");
    const { client, id } = await session(server);
    await expectTooLarge(await post(server, new URL(`/messages?sessionId=${id}`, server.url), bigCall()));
    expect((await shell(client, "1 + 1")).output.value).toBe("2");
  });
});

/** Sends `request` on a fresh socket and resolves to everything the server wrote back before closing it. */
function rawHttp(server: HttpServerProcess, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket(Number(server.url.port), server.url.hostname);
    let received = "";
    socket.setTimeout(5000, () => socket.destroy(new Error("the server neither answered nor closed in 5 s")));
    socket.on("data", (chunk) => {
      received += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(received));
    socket.write(request);
  });
}

describe("requests without Host", () => {
  for (const version of ["1.1", "1.0"]) {
    test(`an HTTP/${version} request without a Host header is 400, and the server keeps serving`, async () => {
      const server = await launchHttp("http");
      const answer = await rawHttp(server, `POST ${server.url.pathname} HTTP/${version}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`);
      expect(answer).toStartWith("HTTP/1.1 400 ");
      const { client } = await session(server);
      expect((await shell(client, "1 + 1")).output.value).toBe("2");
    });
  }
});
