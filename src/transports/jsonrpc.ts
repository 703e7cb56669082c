/** JSON-RPC error replies for messages the SDK never sees: unparseable, invalid or over the size limit. */
import { type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;

/** A request's id; null when it cannot be known (JSON-RPC 2.0, section 5). */
export type MessageId = string | number | null;

export interface ErrorReply {
  jsonrpc: "2.0";
  id: MessageId;
  error: { code: number; message: string };
}

export function errorReply(code: number, message: string, id: MessageId = null): ErrorReply {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

/** The same as an HTTP response. */
export function errorResponse(status: number, code: number, message: string): Response {
  return Response.json(errorReply(code, message), { status });
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Why a parsed value is not one JSON-RPC 2.0 message as MCP allows it, in words a client's author can act on. */
function invalidBecause(value: unknown): string {
  if (Array.isArray(value)) return "a message is one JSON object: MCP 2025-11-25 has no batches";
  if (!isObject(value)) return "a message is a JSON object";
  if (value.jsonrpc !== "2.0") return `"jsonrpc" must be "2.0"`;
  if ("id" in value && !(typeof value.id === "string" || Number.isInteger(value.id))) return `"id" must be a string or an integer`;
  if (!("method" in value || "result" in value || "error" in value)) return `a message needs a "method" (or, as a response, a "result" or an "error")`;
  if ("method" in value && typeof value.method !== "string") return `"method" must be a string`;
  if ("params" in value && !isObject(value.params)) return `"params" must be an object`;
  return "not a JSON-RPC 2.0 request, notification or response";
}

/** A parsed JSON value as a JSON-RPC message, or the -32600 reply that refuses it (with its id when it has a usable one). */
export function toMessage(value: unknown): { ok: true; message: JSONRPCMessage } | { ok: false; reply: ErrorReply } {
  const parsed = JSONRPCMessageSchema.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, reply: errorReply(INVALID_REQUEST, `Invalid Request: ${invalidBecause(value)}`, idOf(value)) };
}

/** The id of a parsed message that is not valid JSON-RPC, when it has a usable one. */
export function idOf(value: unknown): MessageId {
  if (typeof value !== "object" || value === null || !("id" in value)) return null;
  const { id } = value;
  return typeof id === "string" || Number.isInteger(id) ? (id as string | number) : null;
}

/** A JSON string as JSON spells it (no raw control characters, only JSON's escapes). */
const STRING = String.raw`"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`;
const ID = String.raw`${STRING}|-?\d+`;
const SCALAR = String.raw`${STRING}|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null`;
/** "id" among the scalar members that open the object, as most clients write it ({"jsonrpc":"2.0","id":1,...}). */
const LEADING_ID = new RegExp(String.raw`^\s*\{(?:\s*${STRING}\s*:\s*(?:${SCALAR})\s*,)*?\s*"id"\s*:\s*(${ID})\s*[,}]`);
/** "id" as the object's last member, as the TypeScript SDK writes it ({"method":...,"params":...,"jsonrpc":"2.0","id":1}). */
const TRAILING_ID = new RegExp(String.raw`[{,]\s*"id"\s*:\s*(${ID})\s*\}\s*$`);

/**
 * The id of a message too large to parse, from its first and last bytes, so that the client's
 * request fails at once instead of waiting for its timeout. Only a top-level "id" can match.
 */
export function idFromEdges(head: string, tail: string): MessageId {
  const found = LEADING_ID.exec(head)?.[1] ?? TRAILING_ID.exec(tail)?.[1];
  if (found === undefined) return null;
  try {
    return JSON.parse(found) as string | number;
  } catch {
    return null; // not JSON after all: the refusal goes out without an id
  }
}
