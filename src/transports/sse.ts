import { randomUUID } from "node:crypto";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { DEFAULT_KEEP_ALIVE_MS } from "./keepalive.ts";

export interface SseSession {
  transport: Transport & { sessionId: string };
  /** The event stream to return for GET /sse. */
  response: Response;
  /** Feeds one POSTed message (the body, read and checked); resolves to the HTTP response for the POST. */
  post(request: Request, message: JSONRPCMessage): Promise<Response>;
}

/**
 * The legacy HTTP+SSE transport (protocol 2024-11-05) on web-standard Request/Response: GET opens
 * an event stream whose first event names the POST endpoint; each POST carries one message.
 * The SDK's SSEServerTransport needs Node's ServerResponse, so this small one serves Bun.serve.
 * A comment line every `keepAliveMs` (none when 0) keeps the stream alive through proxies and idle timers.
 */
export function openSseSession(messagesPath: string, keepAliveMs = DEFAULT_KEEP_ALIVE_MS): SseSession {
  const sessionId = randomUUID();
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let closed = false;
  let keepAlive: ReturnType<typeof setInterval> | undefined;

  const write = (text: string) => {
    if (!closed) controller?.enqueue(encoder.encode(text));
  };

  const transport: SseSession["transport"] = {
    sessionId,
    async start() {
      write(`event: endpoint\ndata: ${messagesPath}?sessionId=${sessionId}\n\n`);
      if (keepAliveMs > 0) keepAlive = setInterval(() => write(": keep-alive\n\n"), keepAliveMs);
    },
    async send(message: JSONRPCMessage) {
      if (closed) throw new Error("SSE stream is closed");
      write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(keepAlive);
      try {
        controller?.close();
      } catch {
        // The client already went away.
      }
      transport.onclose?.();
    },
  };

  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      void transport.close();
    },
  });

  const post = async (request: Request, message: JSONRPCMessage): Promise<Response> => {
    transport.onmessage?.(message, { requestInfo: { headers: Object.fromEntries(request.headers) } });
    return new Response("Accepted\n", { status: 202 });
  };

  const response = new Response(stream, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", connection: "keep-alive" },
  });
  return { transport, response, post };
}
