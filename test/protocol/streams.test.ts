/**
 * Event streams send their headers and a first event at once: a client waiting for them (the Go
 * SDK opens the GET stream while it connects) must not wait for the first keep-alive, 15 s later.
 * The 1 s bounds are generous on purpose: without the fix each of these takes 15 s.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { cleanupAfterAll, cleanupAfterEach } from "../support/cleanup.ts";
import { authHeaders, type HttpServerProcess, startHttp } from "../support/http.ts";
import { INITIALIZE, messagesOf, openSession, openSseSession, post } from "./raw-http.ts";

const defer = cleanupAfterEach();
const deferAll = cleanupAfterAll();

const SECOND = 1000;

/** Opens the session's standalone GET stream; resolves once its headers arrived. */
function openGetStream(server: HttpServerProcess, headers: Record<string, string>): Promise<Response> {
  const controller = new AbortController();
  defer(() => controller.abort());
  return fetch(server.url, { headers: { ...authHeaders(), ...headers, accept: "text/event-stream" }, signal: controller.signal });
}

describe("Streamable HTTP event streams", () => {
  let server: HttpServerProcess;
  beforeAll(async () => {
    server = await startHttp("http");
    deferAll(() => server.stop());
  });

  test("the standalone GET stream sends its headers within 1 s", async () => {
    const session = await openSession(server);
    const started = performance.now();
    const stream = await openGetStream(server, session.headers);
    expect(performance.now() - started).toBeLessThan(SECOND);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toStartWith("text/event-stream");
  });

  test("a Go-style connect (initialize, initialized, then the GET stream) completes in under 1 s", async () => {
    const started = performance.now();
    const initialized = await post(server.url, INITIALIZE);
    await initialized.text();
    const headers = { "mcp-session-id": initialized.headers.get("mcp-session-id") ?? "", "mcp-protocol-version": INITIALIZE.params.protocolVersion };
    await post(server.url, { jsonrpc: "2.0", method: "notifications/initialized" }, headers);
    const stream = await openGetStream(server, headers);
    expect(performance.now() - started).toBeLessThan(SECOND);
    expect(stream.status).toBe(200);
  });

  test("a long call's POST stream sends its headers at once, and its result when done", async () => {
    const session = await openSession(server);
    const started = performance.now();
    const call = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "shell", arguments: { code: "import time\ntime.sleep(3)\n'done'" } } };
    const response = await post(server.url, call, session.headers);
    expect(performance.now() - started).toBeLessThan(SECOND);
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const [reply] = await messagesOf(response);
    expect(reply?.result).toMatchObject({ structuredContent: { output: { value: "'done'" } } });
  });
});

describe("legacy SSE event stream", () => {
  test("GET /sse sends its headers and the endpoint event within 1 s", async () => {
    const server = await startHttp("sse");
    defer(() => server.stop());
    const started = performance.now();
    const session = await openSseSession(server);
    defer(() => session.close());
    expect(performance.now() - started).toBeLessThan(SECOND);
    expect(session.endpoint.pathname).toBe("/messages");
  });
});
