import { McpServer, type McpServerOptions, type RegisteredTool, type ToolCallback } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { AnySchema, ZodRawShapeCompat } from "@modelcontextprotocol/sdk/server/zod-compat.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult, Implementation, JSONRPCMessage, JSONRPCRequest, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { log } from "../log.ts";
import type { Redactor } from "./redact.ts";
import { checkRequest } from "./requests.ts";
import { isValidated } from "./validated.ts";

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

/** What every message to the client goes through on its way out. */
type Outgoing = (message: JSONRPCMessage) => JSONRPCMessage;

/**
 * `transport` as the server sees it, with every request first put to `checkRequest`: one it
 * refuses is answered here and never reaches the SDK. Handlers and the session id pass through,
 * so what the transport's owner set on it before (an `onclose`) still runs. Every message sent,
 * answers, errors and notifications alike, goes through `outgoing` first.
 */
function gated(inner: Transport, tools: ReadonlySet<string>, outgoing: Outgoing): Transport {
  let deliver: Transport["onmessage"];
  return {
    start: () => inner.start(),
    send: (message, options) => inner.send(outgoing(message), options),
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
        void inner.send(outgoing(refusal)).catch((error: Error) => inner.onerror?.(error));
      };
    },
  };
}

type OutputCheck = (tool: unknown, result: CallToolResult, toolName: string) => Promise<void>;

/**
 * Skips the SDK's check of a structured result against its tool's output schema for a payload
 * marked `validated()` (./validated.ts): it was parsed by the contract already. This reaches into
 * McpServer's private validateToolOutput; should the SDK rename it, everything is checked, as before.
 */
function skipCheckOfValidatedResults(server: McpServer): void {
  const check = Reflect.get(server, "validateToolOutput") as OutputCheck | undefined;
  if (typeof check !== "function") return;
  const skipping: OutputCheck = (tool, result, toolName) =>
    isValidated(result?.structuredContent) ? Promise.resolve() : check.call(server, tool, result, toolName);
  Reflect.set(server, "validateToolOutput", skipping);
}

/**
 * The SDK's McpServer, held to JSON-RPC 2.0 and MCP 2025-11-25 at its edge: requests it would
 * answer wrongly are answered by `checkRequest` before it sees them, on every transport it is
 * connected to. Tools must say every annotation.
 */
export class StrictMcpServer extends McpServer {
  readonly #tools = new Set<string>();
  readonly #outgoing: Outgoing;

  /** `redactor` hides the project's secrets in every message this server sends (src/mcp/redact.ts). */
  constructor(serverInfo: Implementation, options?: McpServerOptions, redactor?: Redactor) {
    super(serverInfo, options);
    skipCheckOfValidatedResults(this);
    this.#outgoing = redactor ? (message) => redactor.value(message) : (message) => message;
  }

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
    await super.connect(gated(transport, this.#tools, this.#outgoing));
  }
}
