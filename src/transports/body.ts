import { errorResponse, INVALID_REQUEST, PARSE_ERROR } from "./jsonrpc.ts";
import { tooLargeMessage } from "./limits.ts";

/** A POST body parsed as JSON, or the response that refuses it. */
export type Body = { ok: true; json: unknown } | { ok: false; refusal: Response };

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

/** Reads a POST body of at most `limit` bytes as JSON: 413 past the limit, a JSON-RPC parse error when it is not JSON. */
export async function readJsonBody(request: Request, limit: number): Promise<Body> {
  const bytes = await readBounded(request, limit);
  if (!bytes) return { ok: false, refusal: errorResponse(413, INVALID_REQUEST, tooLargeMessage(limit)) };
  try {
    return { ok: true, json: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch (error) {
    return { ok: false, refusal: errorResponse(400, PARSE_ERROR, `Parse error: the body is not JSON (${(error as Error).message})`) };
  }
}
