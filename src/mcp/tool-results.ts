import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describeFailure } from "./failures.ts";

/** A tool error the model can act on: `isError`, and a message saying what to do. */
export function toolError(text: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text }] };
}

/**
 * A structured result, mirrored as JSON text: some clients show the model only one of the two.
 * `summary`, when given, is a line of plain text before the JSON.
 */
export function structuredResult<T extends object>(payload: T, summary?: string): CallToolResult {
  const json = JSON.stringify(payload);
  return { structuredContent: payload as Record<string, unknown>, content: [{ type: "text", text: summary ? `${summary}\n${json}` : json }] };
}

/** Every tool's failures, mapped once: `isError` with a message that says what happened and what to do. */
export function toolErrorFrom(error: unknown, doing: string): CallToolResult {
  return toolError(describeFailure(error, doing));
}
