import { randomUUID } from "node:crypto";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { ConfigError } from "../errors.ts";
import { log } from "../log.ts";
import { readJsonBody } from "./body.ts";
import { type GuardOptions, guardRequest } from "./guard.ts";
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
  /** Serves a request; `body` is a POST's body, already read within the size limit and parsed. */
  handle(request: Request, body?: unknown): Promise<Response>;
  lastSeen: number;
}

export function validatePath(path: string): string {
  if (!/^\/[\w\-./~]*$/.test(path) || path.includes("//")) {
    throw new ConfigError(`--path ${path}: must be a URL path such as /mcp (letters, digits, - _ . / ~)`);
  }
  return path;
}

/**
 * Serves MCP over Streamable HTTP (at `path`) or legacy SSE (GET /sse, POST /messages), one
 * McpServer per MCP session. Every request passes the guard (Host, Origin, token) first; every
 * POST body is read here, within MCP_DJANGO_MAX_MESSAGE_BYTES, before a transport sees it.
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

  const openStreamable = async (request: Request, body: unknown): Promise<Response> => {
    const server = options.createServer();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      keepAliveMs: keepAlive,
      onsessioninitialized: (id) => {
        sessions.set(id, { close: () => transport.close(), handle: (r, body) => transport.handleRequest(r, { parsedBody: body }), lastSeen: Date.now() });
        log.debug(`MCP session ${id} opened`);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) forget(transport.sessionId);
    };
    await server.connect(transport);
    return transport.handleRequest(request, { parsedBody: body });
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
    const body = await readJsonBody(request, limit);
    if (!body.ok) return body.refusal;
    if (session) {
      session.lastSeen = Date.now();
      return session.handle(request, body.json);
    }
    if (!isInitializeRequest(body.json)) return errorResponse(400, -32000, "Bad Request: the first request of a session must be initialize");
    return openStreamable(request, body.json);
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
      const body = await readJsonBody(request, limit);
      return body.ok ? session.handle(request, body.json) : body.refusal;
    }
    return new Response(`Not found: the SSE transport serves GET ${SSE_PATH} and POST ${MESSAGES_PATH}\n`, { status: 404 });
  };

  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: options.host,
      port: options.port,
      // Bun closes quiet connections after 10 s by default: long shell calls stay silent longer.
      idleTimeout: 0,
      async fetch(request, bound) {
        // The bound port, not the option: --port 0 lets the system choose.
        const refusal = guardRequest(request, { host: options.host, port: bound.port ?? options.port, token: options.token });
        if (refusal) return refusal;
        const url = new URL(request.url);
        if (options.transport === "sse") return sse(request, url);
        if (url.pathname !== options.path) return new Response(`Not found: the MCP endpoint is ${options.path}\n`, { status: 404 });
        return streamable(request);
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
