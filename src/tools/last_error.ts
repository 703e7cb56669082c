import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ServerContext } from "../context.ts";
import { type LastError, lastErrorSchema } from "../contract/payloads.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

/** One line before the JSON: the error in brief, or that there was none. */
export function describeLastError({ error, note }: LastError): string {
  if (!error) return note ?? "No unhandled request exception recorded.";
  const where = error.exception.origin ? ` at ${error.exception.origin.file}:${error.exception.origin.line}` : "";
  return `${error.time}: ${error.method} ${error.path} raised ${error.exception.exc_type}: ${error.exception.message.split("\n")[0]}${where}`;
}

export function registerLastErrorTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "last_error",
    {
      title: "Last request error",
      description:
        "The most recent unhandled exception of a request to the project, in full: when, the method, path and user, and the " +
        "traceback with the project's frames marked and library frames collapsed (origin is the project's line where it " +
        "happened). Attached to your runserver, that is the error the browser just hit; otherwise only the request tool's " +
        "probes are seen. When none was recorded the result says since when (not an error). Same as django://errors/last.",
      outputSchema: lastErrorSchema,
      annotations: { title: "Last request error", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (extra): Promise<CallToolResult> => {
      try {
        const found = await context.django.requests.lastError(extra.signal);
        return structuredResult(found, describeLastError(found));
      } catch (error) {
        return toolErrorFrom(error, "Reading the last error");
      }
    },
  );
}
