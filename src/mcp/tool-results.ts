import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { deepFreeze, isDeeplyFrozen } from "../frozen.ts";
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

const answers = new WeakMap<object, Map<string, CallToolResult>>();
/** Pages of one list kept: a client paging through it asks for each once. */
const ANSWERS_KEPT_PER_SOURCE = 16;

/**
 * The answer `build` makes from `source`, made once per `key` while `source` is deeply frozen (an
 * answer of the introspection cache, src/django/cache.ts), and frozen itself: a large list asked
 * for again is not rebuilt, and the parts of it the SDK passes on unchanged are not redacted again
 * (src/mcp/redact.ts).
 */
export function answerFrom(source: object, key: string, build: () => CallToolResult): CallToolResult {
  if (!isDeeplyFrozen(source)) return build();
  let byKey = answers.get(source);
  if (!byKey) {
    byKey = new Map();
    answers.set(source, byKey);
  }
  let answer = byKey.get(key);
  if (!answer) {
    answer = deepFreeze(build());
    if (byKey.size >= ANSWERS_KEPT_PER_SOURCE) byKey.delete(byKey.keys().next().value as string);
    byKey.set(key, answer);
  }
  return answer;
}
