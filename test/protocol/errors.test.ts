/**
 * JSON-RPC 2.0 and MCP 2025-11-25 error codes, sent raw over every transport (stdio, Streamable
 * HTTP, legacy SSE) to the real CLI: the exact code, with a readable one-line message.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { cleanupAfterAll } from "../support/cleanup.ts";
import { type HttpServerProcess, startHttp } from "../support/http.ts";
import { initialize, type RawServer, startRaw } from "../support/raw.ts";
import { until } from "../support/wait.ts";
import { INITIALIZE, type Message, messagesOf, openSession, openSseSession, post, type RawSession, type RawSseSession } from "./raw-http.ts";

const deferAll = cleanupAfterAll();

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;

const request = (id: number, method: string, params?: unknown) => ({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) });

interface Case {
  name: string;
  /** A message, or raw text sent as it is. */
  body: unknown;
  code: number;
  /** The id the reply carries: the request's, or null when it can't be known. */
  id: number | null;
}

/** Every error case, with ids unique across the table so replies can't be mixed up. */
const CASES: Case[] = [
  { name: "invalid JSON is a -32700 parse error", body: "{not json", code: PARSE_ERROR, id: null },
  { name: '"jsonrpc": "1.0" is a -32600 invalid request', body: { jsonrpc: "1.0", id: 1, method: "ping" }, code: INVALID_REQUEST, id: 1 },
  { name: "a message without method is a -32600 invalid request", body: { jsonrpc: "2.0", id: 2 }, code: INVALID_REQUEST, id: 2 },
  { name: "a batch is a -32600 invalid request", body: [request(3, "ping")], code: INVALID_REQUEST, id: null },
  { name: "an unknown method is -32601", body: request(4, "no/such/method"), code: METHOD_NOT_FOUND, id: 4 },
  { name: "an unknown tool is -32602", body: request(5, "tools/call", { name: "no_such_tool", arguments: {} }), code: INVALID_PARAMS, id: 5 },
  { name: "tools/call without name is -32602", body: request(6, "tools/call", { arguments: {} }), code: INVALID_PARAMS, id: 6 },
  { name: "resources/read {} is -32602", body: request(7, "resources/read", {}), code: INVALID_PARAMS, id: 7 },
  { name: "resources/read of a uri that is not a URI is -32602", body: request(8, "resources/read", { uri: "models please" }), code: INVALID_PARAMS, id: 8 },
  {
    name: "completion/complete without ref is -32602",
    body: request(9, "completion/complete", { argument: { name: "app_label", value: "" } }),
    code: INVALID_PARAMS,
    id: 9,
  },
  { name: "an invalid cursor on tools/list is -32602", body: request(10, "tools/list", { cursor: "bogus" }), code: INVALID_PARAMS, id: 10 },
  { name: "an invalid cursor on resources/list is -32602", body: request(11, "resources/list", { cursor: "bogus" }), code: INVALID_PARAMS, id: 11 },
  {
    name: "an invalid cursor on resources/templates/list is -32602",
    body: request(12, "resources/templates/list", { cursor: "bogus" }),
    code: INVALID_PARAMS,
    id: 12,
  },
];

/** The reply is the error the case wants, worded for a person: one line, no schema dump. */
function expectError(reply: Message, { code, id }: Case): void {
  expect(reply.id).toBe(id);
  expect(reply.error?.code).toBe(code);
  expect(reply.error?.message).not.toContain("\n");
  expect(reply.error?.message).not.toContain('"code"');
}

describe("error codes over stdio", () => {
  let server: RawServer;
  beforeAll(async () => {
    server = startRaw();
    deferAll(() => server.proc.kill());
    await initialize(server);
  });

  /** The reply to `body`: the first line that arrived after it was sent and carries its id. */
  async function reply(body: unknown, id: number | null): Promise<Message> {
    const seen = server.lines.length;
    server.sendLine(typeof body === "string" ? body : JSON.stringify(body));
    return until("the reply on stdout", () =>
      server.lines
        .slice(seen)
        .map((line) => JSON.parse(line) as Message)
        .find((message) => message.id === id),
    );
  }

  for (const one of CASES) test(one.name, async () => expectError(await reply(one.body, one.id), one));

  test("initialize advertises only the capabilities it uses: no listChanged, no prompts, no logging", async () => {
    const answer = await reply({ ...INITIALIZE, id: 100 }, 100);
    expect((answer.result as { capabilities: unknown }).capabilities).toEqual({ tools: {}, resources: {}, completions: {} });
  });
});

describe("error codes over Streamable HTTP", () => {
  let server: HttpServerProcess;
  let session: RawSession;
  beforeAll(async () => {
    server = await startHttp("http");
    deferAll(() => server.stop());
    session = await openSession(server);
  });

  for (const one of CASES) test(one.name, async () => expectError(await session.reply(one.body), one));

  test("a message that is not JSON-RPC is refused with HTTP 400, before any session", async () => {
    const response = await post(server.url, { jsonrpc: "1.0", id: 1, method: "initialize" });
    expect(response.status).toBe(400);
    expect((await response.json()) as Message).toMatchObject({ id: 1, error: { code: INVALID_REQUEST } });
  });

  test("an initialize with malformed params is -32602, before any session", async () => {
    const [reply] = await messagesOf(await post(server.url, { ...INITIALIZE, id: 1, params: { capabilities: {} } }));
    expect(reply).toMatchObject({ id: 1, error: { code: INVALID_PARAMS } });
  });
});

describe("error codes over legacy SSE", () => {
  let server: HttpServerProcess;
  let session: RawSseSession;
  beforeAll(async () => {
    server = await startHttp("sse");
    deferAll(() => server.stop());
    session = await openSseSession(server);
    deferAll(() => session.close());
    await session.send(INITIALIZE);
    await until("the initialize result", () => session.received.find((message) => message.id === INITIALIZE.id));
    await session.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  });

  /** A POST refused outright answers with the error; one the server took is answered on the event stream. */
  async function reply(body: unknown, id: number | null): Promise<Message> {
    const response = await session.send(body);
    if (response.status !== 202) return (await response.json()) as Message;
    return until("the reply on the event stream", () => session.received.find((message) => message.id === id));
  }

  for (const one of CASES) test(one.name, async () => expectError(await reply(one.body, one.id), one));
});
