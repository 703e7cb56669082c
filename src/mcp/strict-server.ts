import { McpServer, type RegisteredTool, type ToolCallback } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { AnySchema, ZodRawShapeCompat } from "@modelcontextprotocol/sdk/server/zod-compat.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, JSONRPCRequest, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { log } from "../log.ts";
import { checkRequest } from "./requests.ts";

/** Every hint a client may act on, always said: a missing hint means its worst-case default to a client. */
export type CompleteAnnotations = Required<Pick<ToolAnnotations, "title" | "readOnlyHint" | "destructiveHint" | "idempotentHint" | "openWorldHint">>;

export interface ToolConfig<InputArgs, OutputArgs> {
  title: string;
  description: string;
  inputSchema?: InputArgs;
  outputSchema?: OutputArgs;
  annotations: CompleteAnnotations;
  _meta?: Record<string, unknown>;
}

/** Transports deliver only well-formed JSON-RPC: a request is what has both a method and an id. */
const isRequest = (message: JSONRPCMessage): message is JSONRPCRequest => "method" in message && "id" in message;

/**
 * `transport` as the server sees it, with every request first put to `checkRequest`: one it
 * refuses is answered here and never reaches the SDK. Handlers and the session id pass through,
 * so what the transport's owner set on it before (an `onclose`) still runs.
 */
function gated(inner: Transport, tools: ReadonlySet<string>): Transport {
  let deliver: Transport["onmessage"];
  return {
    start: () => inner.start(),
    send: (message, options) => inner.send(message, options),
    close: () => inner.close(),
    get sessionId() {
      return inner.sessionId;
    },
    get onclose() {
      return inner.onclose;
    },
    set onclose(handler) {
      inner.onclose = handler;
    },
    get onerror() {
      return inner.onerror;
    },
    set onerror(handler) {
      inner.onerror = handler;
    },
    get onmessage() {
      return deliver;
    },
    set onmessage(handler) {
      deliver = handler;
      inner.onmessage = (message: JSONRPCMessage, extra) => {
        const refusal = isRequest(message) ? checkRequest(message, tools)?.reply(message.id) : undefined;
        if (!refusal) return handler?.(message, extra);
        log.debug(`refused a request: ${refusal.error.message}`);
        void inner.send(refusal).catch((error: Error) => inner.onerror?.(error));
      };
    },
  };
}

/**
 * The SDK's McpServer, held to JSON-RPC 2.0 and MCP 2025-11-25 at its edge: requests it would
 * answer wrongly are answered by `checkRequest` before it sees them, on every transport it is
 * connected to. Tools must say every annotation.
 */
export class StrictMcpServer extends McpServer {
  readonly #tools = new Set<string>();

  override registerTool<OutputArgs extends ZodRawShapeCompat | AnySchema, InputArgs extends undefined | ZodRawShapeCompat | AnySchema = undefined>(
    name: string,
    config: ToolConfig<InputArgs, OutputArgs>,
    cb: ToolCallback<InputArgs>,
  ): RegisteredTool {
    const tool = super.registerTool(name, config, cb);
    this.#tools.add(name);
    return tool;
  }

  override async connect(transport: Transport): Promise<void> {
    // Transport trouble (a client gone mid-reply, a refused header) is the client's business, not an error of ours.
    this.server.onerror = (error) => log.debug(`MCP transport: ${error.message}`);
    await super.connect(gated(transport, this.#tools));
  }
}
