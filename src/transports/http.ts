import { randomUUID } from "node:crypto";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { isInitializeRequest, isJSONRPCRequest, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { ConfigError } from "../errors.ts";
import { log } from "../log.ts";
import { invalidParams } from "../mcp/requests.ts";
import { readMessage } from "./body.ts";
import { preflight, withCors } from "./cors.ts";
import { checkAddress, checkToken, type GuardOptions } from "./guard.ts";
import { errorResponse } from "./jsonrpc.ts";
import { keepAliveMs } from "./keepalive.ts";
import { maxMessageBytes } from "./limits.ts";
import { openSseSession } from "./sse.ts";

export interface HttpOptions extends GuardOptions {
  transport: "http" | "sse";
  /** Streamable HTTP endpoint path (--path). */
  path: string;
  /** Builds the McpServer for a new MCP session. */
  createServer(): McpServer;
  /** Called once an MCP session has ended, so its shell namespace can be freed. */
  onSessionClosed(sessionId: string): void;
  /** Whether a session has a call running: it is not idle, however quiet. */
  isBusy(sessionId: string): boolean;
  /** Streamable HTTP sessions unused for this long are closed. */
  sessionIdleMs?: number;
}

export interface HttpServer {
  url: string;
  /** Closes every session, then stops listening. */
  stop(): Promise<void>;
}

export const SSE_PATH = "/sse";
export const MESSAGES_PATH = "/messages";
const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;

interface Session {
  close(): Promise<void>;
  /** Serves a request; `message` is a POST's body, already read within the size limit and checked. */
  handle(request: Request, message?: JSONRPCMessage): Promise<Response>;
  lastSeen: number;
}

/** The HTTP methods each endpoint takes; any other path is not ours. */
const STREAMABLE_METHODS = ["GET", "POST", "DELETE"] as const;
const SSE_METHODS: Record<string, readonly string[]> = { [SSE_PATH]: ["GET"], [MESSAGES_PATH]: ["POST"] };

/** The first bytes of every event stream: a comment, which every SSE parser skips. */
const STREAM_OPENING = ": stream open\n\n";

/**
 * `response` with its event stream opened by a comment. Bun sends a streamed response's headers
 * only with its first bytes, and the SDK writes none until it has an event (or its first
 * keep-alive, 15 s later): a client waiting for the headers (the Go SDK opens the GET stream
 * while it connects) would wait that long.
 */
function opened(response: Response): Response {
  if (!response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) return response;
  const events = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(STREAM_OPENING));
    },
    async pull(controller) {
      const { done, value } = await events.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    // The client went away: the SDK's own stream is cancelled too, so it forgets it.
    cancel: (reason) => events.cancel(reason),
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * Serves MCP over Streamable HTTP (at `path`) or legacy SSE (GET /sse, POST /messages), one
 * McpServer per MCP session. Every request passes the Host and Origin checks first; paths that
 * are not an endpoint are 404 and CORS preflights are answered before the token is asked for;
 * every POST body is read here, within MCP_DJANGO_MAX_MESSAGE_BYTES, and checked as one JSON-RPC
 * message before a transport sees it. Event streams open at once.
 */
export function serveHttp(options: HttpOptions): HttpServer {
  const sessions = new Map<string, Session>();
  const keepAlive = keepAliveMs();
  const limit = maxMessageBytes();

  const forget = (id: string) => {
    if (sessions.delete(id)) {
      log.debug(`MCP session ${id} closed`);
      options.onSessionClosed(id);
    }
  };

  const openStreamable = async (request: Request, initialize: JSONRPCMessage): Promise<Response> => {
    const server = options.createServer();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      keepAliveMs: keepAlive,
      onsessioninitialized: (id) => {
        sessions.set(id, { close: () => transport.close(), handle: (r, message) => transport.handleRequest(r, { parsedBody: message }), lastSeen: Date.now() });
        log.debug(`MCP session ${id} opened`);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) forget(transport.sessionId);
    };
    await server.connect(transport);
    return transport.handleRequest(request, { parsedBody: initialize });
  };

  const streamable = async (request: Request): Promise<Response> => {
    const id = request.headers.get("mcp-session-id");
    const session = id ? sessions.get(id) : undefined;
    if (id && !session) return errorResponse(404, -32001, "Session not found: start a new one with an initialize request");
    if (request.method !== "POST") {
      if (!session) return errorResponse(400, -32000, "Bad Request: no mcp-session-id header");
      session.lastSeen = Date.now();
      return session.handle(request);
    }
    const body = await readMessage(request, limit);
    if (!body.ok) return body.refusal;
    const { message } = body;
    if (session) {
      session.lastSeen = Date.now();
      return session.handle(request, message);
    }
    // No server exists yet to check an initialize's params: checked here, as it would be.
    const invalid = isJSONRPCRequest(message) && message.method === "initialize" ? invalidParams(message)?.reply(message.id) : undefined;
    if (invalid) return Response.json(invalid, { status: 400 });
    if (!isInitializeRequest(message)) return errorResponse(400, -32000, "Bad Request: the first request of a session must be initialize");
    return openStreamable(request, message);
  };

  const sse = async (request: Request, url: URL): Promise<Response> => {
    if (request.method === "GET" && url.pathname === SSE_PATH) {
      const session = openSseSession(MESSAGES_PATH, keepAlive);
      const { sessionId } = session.transport;
      session.transport.onclose = () => forget(sessionId);
      sessions.set(sessionId, { close: () => session.transport.close(), handle: session.post, lastSeen: Date.now() });
      await options.createServer().connect(session.transport);
      log.debug(`MCP session ${sessionId} opened (SSE)`);
      return session.response;
    }
    if (request.method === "POST" && url.pathname === MESSAGES_PATH) {
      const session = sessions.get(url.searchParams.get("sessionId") ?? "");
      if (!session) return new Response("Session not found: open GET /sse first\n", { status: 404 });
      const body = await readMessage(request, limit);
      return body.ok ? session.handle(request, body.message) : body.refusal;
    }
    const allow = [...(SSE_METHODS[url.pathname] ?? []), "OPTIONS"].join(", ");
    return new Response(`Method not allowed: ${url.pathname} takes ${allow}\n`, { status: 405, headers: { allow } });
  };

  const notFound = () =>
    new Response(
      options.transport === "sse"
        ? `Not found: the SSE transport serves GET ${SSE_PATH} and POST ${MESSAGES_PATH}\n`
        : `Not found: the MCP endpoint is ${options.path}\n`,
      { status: 404 },
    );

  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: options.host,
      port: options.port,
      // Bun closes quiet connections after 10 s by default: long shell calls stay silent longer.
      idleTimeout: 0,
      async fetch(request, bound) {
        // The bound port, not the option: --port 0 lets the system choose.
        const refusal = checkAddress(request, { host: options.host, port: bound.port ?? options.port });
        if (refusal) return refusal;
        const url = new URL(request.url);
        const methods = options.transport === "sse" ? SSE_METHODS[url.pathname] : url.pathname === options.path ? STREAMABLE_METHODS : undefined;
        // Before the token: a client probing for OAuth (/.well-known/oauth-protected-resource…)
        // must learn there is none, not be told to log in.
        if (!methods) return withCors(request, notFound());
        // A browser's preflight never carries the token.
        if (request.method === "OPTIONS") return preflight(request, methods);
        const unauthorized = checkToken(request, options.token);
        if (unauthorized) return withCors(request, unauthorized);
        return withCors(request, opened(options.transport === "sse" ? await sse(request, url) : await streamable(request)));
      },
      error(error) {
        log.error(`HTTP request failed: ${error.message}`);
        return new Response("Internal server error\n", { status: 500 });
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new ConfigError(`port ${options.port} on ${options.host} is already in use; pass another --port`);
    throw new ConfigError(`cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
  }

  const idleMs = options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
  const sweeper = setInterval(
    () => {
      const cutoff = Date.now() - idleMs;
      for (const [id, session] of sessions) {
        if (options.transport === "http" && session.lastSeen < cutoff && !options.isBusy(id)) void session.close().then(() => forget(id));
      }
    },
    Math.max(100, Math.min(idleMs / 2, 60_000)),
  );
  sweeper.unref();

  const endpoint = options.transport === "sse" ? SSE_PATH : options.path;
  return {
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${server.port}${endpoint}`,
    async stop() {
      clearInterval(sweeper);
      await Promise.all([...sessions.values()].map((session) => session.close().catch(() => undefined)));
      await server.stop(true);
    },
  };
}
