import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** A tool error the model can act on: `isError`, and a message saying what to do. */
export function toolError(text: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text }] };
}

/**
 * A structured result, mirrored as JSON text: some clients show the model only one of the two.
 * `summary`, when given, is a line of plain text before the JSON.
 */
export function structuredResult<T extends Record<string, unknown>>(payload: T, summary?: string): CallToolResult {
  const json = JSON.stringify(payload);
  return { structuredContent: payload, content: [{ type: "text", text: summary ? `${summary}\n${json}` : json }] };
}
