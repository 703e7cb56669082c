/**
 * MCP over HTTP at the level of requests and bytes, for the protocol tests: what an SDK client
 * would smooth over (status codes, headers, the exact JSON-RPC replies) stays visible.
 */
import { authHeaders, type HttpServerProcess } from "../support/http.ts";

export type Message = Record<string, unknown> & { id?: unknown; error?: { code: number; message: string; data?: unknown } };

export const INITIALIZE = {
  jsonrpc: "2.0",
  id: 0,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw-http", version: "0" } },
};

/** The JSON-RPC messages in an SSE text: the data of each event. */
export function eventData(text: string): Message[] {
  return text
    .split(/\n\n/)
    .map((event) =>
      event
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trim())
        .join("\n"),
    )
    .filter((data) => data !== "")
    .map((data) => JSON.parse(data) as Message);
}

/** The messages a response carries, as a JSON body or as an event stream (read to its end). */
export async function messagesOf(response: Response): Promise<Message[]> {
  const text = await response.text();
  if (text === "") return [];
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) return eventData(text);
  return [JSON.parse(text) as Message];
}

/** POSTs `body` (a message, or raw text as it is) the way an MCP client does. */
export function post(url: URL, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { ...authHeaders(), "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** A Streamable HTTP session opened by hand: its headers go with every later request. */
export interface RawSession {
  headers: Record<string, string>;
  /** The one reply to `message` (sent on this session), whatever the HTTP status. */
  reply(message: unknown): Promise<Message>;
}

export async function openSession(server: HttpServerProcess): Promise<RawSession> {
  const response = await post(server.url, INITIALIZE);
  if (response.status !== 200) throw new Error(`initialize: HTTP ${response.status}: ${await response.text()}`);
  await response.text();
  const headers = { "mcp-session-id": response.headers.get("mcp-session-id") ?? "", "mcp-protocol-version": INITIALIZE.params.protocolVersion };
  await post(server.url, { jsonrpc: "2.0", method: "notifications/initialized" }, headers);
  return {
    headers,
    async reply(message) {
      const [first] = await messagesOf(await post(server.url, message, headers));
      if (!first) throw new Error(`no reply to ${JSON.stringify(message)}`);
      return first;
    },
  };
}

/** A legacy SSE session opened by hand: its event stream read as it comes, its POST URL from the first event. */
export interface RawSseSession {
  /** The URL to POST messages to. */
  endpoint: URL;
  /** Messages that came down the event stream so far. */
  received: Message[];
  /** POSTs `message` to the endpoint. */
  send(message: unknown): Promise<Response>;
  close(): void;
}

export async function openSseSession(server: HttpServerProcess): Promise<RawSseSession> {
  const controller = new AbortController();
  const response = await fetch(server.url, { headers: { ...authHeaders(), accept: "text/event-stream" }, signal: controller.signal });
  if (!response.body) throw new Error(`GET ${server.url}: HTTP ${response.status} without a body`);
  const received: Message[] = [];
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  let text = "";
  let endpoint: URL | undefined;
  // Events in order: the endpoint first, then messages.
  while (!endpoint) {
    const { done, value } = await reader.read();
    if (done) throw new Error("the event stream ended before naming its endpoint");
    text += decoder.decode(value, { stream: true });
    const path = text.match(/event: endpoint\ndata: (\S+)\n\n/)?.[1];
    if (path) endpoint = new URL(path, server.url);
  }
  text = text.slice(text.indexOf("\n\n", text.indexOf("event: endpoint")) + 2);
  void (async () => {
    try {
      for (;;) {
        const complete = text.lastIndexOf("\n\n");
        if (complete !== -1) {
          received.push(...eventData(text.slice(0, complete + 2)));
          text = text.slice(complete + 2);
        }
        const { done, value } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // closed by the test
    }
  })();
  return {
    endpoint,
    received,
    send: (message) => post(endpoint, message),
    close: () => controller.abort(),
  };
}
