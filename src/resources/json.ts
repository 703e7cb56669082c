import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";

/** Every resource of this server is JSON. */
export const JSON_MIME = "application/json";

export function jsonContents(uri: URL, payload: unknown): ReadResourceResult {
  return { contents: [{ uri: uri.href, mimeType: JSON_MIME, text: JSON.stringify(payload) }] };
}
