import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { log } from "../log.ts";
import { errorResponse, INVALID_REQUEST, PARSE_ERROR, toMessage } from "./jsonrpc.ts";
import { tooLargeMessage } from "./limits.ts";

/** A POST body as the JSON-RPC message it carries, or the response that refuses it. */
export type Body = { ok: true; message: JSONRPCMessage } | { ok: false; refusal: Response };

/**
 * The body's bytes, or undefined when there are more than `limit`: a declared Content-Length is
 * judged before reading anything, a chunked body is counted as it streams and dropped at the limit.
 */
async function readBounded(request: Request, limit: number): Promise<Uint8Array | undefined> {
  if (Number(request.headers.get("content-length")) > limit) return undefined;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
}

/**
 * Reads a POST body of at most `limit` bytes as one JSON-RPC message: 413 past the limit, 400 with
 * a -32700 parse error when it is not JSON, or with a -32600 invalid request when it is not a message.
 */
export async function readMessage(request: Request, limit: number): Promise<Body> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readBounded(request, limit);
  } catch (error) {
    // The client went away while sending: nobody reads the answer, and nothing failed here.
    log.debug(`a POST body could not be read: ${(error as Error).message}`);
    return { ok: false, refusal: errorResponse(400, INVALID_REQUEST, "Invalid Request: the body could not be read") };
  }
  if (!bytes) return { ok: false, refusal: errorResponse(413, INVALID_REQUEST, tooLargeMessage(limit)) };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    return { ok: false, refusal: errorResponse(400, PARSE_ERROR, `Parse error: the body is not JSON (${(error as Error).message})`) };
  }
  const message = toMessage(json);
  return message.ok ? message : { ok: false, refusal: Response.json(message.reply, { status: 400 }) };
}
