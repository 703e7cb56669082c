/** JSON-RPC error replies for messages the SDK never sees: unparseable, invalid or over the size limit. */

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;

/** A request's id; null when it cannot be known (JSON-RPC 2.0, section 5). */
export type MessageId = string | number | null;

interface ErrorReply {
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
