import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { resolvedUrlSchema } from "../contract/payloads.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

export const resolveUrlInput = {
  path: z.string().min(1).describe('A URL path, e.g. "/catalog/books/3/". A query string or fragment is ignored, and so are a scheme and host.'),
};

export function registerResolveUrlTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "resolve_url",
    {
      title: "Resolve a URL",
      description:
        "Which route and view handle a URL path, as Django's resolve() finds them: the view (dotted name, type, source file and line, " +
        'HTTP methods), url_name, view_name for reverse() (e.g. "catalog:book-detail"), namespaces, the route pattern, and the args and ' +
        'kwargs the view gets, converted (e.g. {"pk": 3}). A path that resolves nowhere is an error naming the closest routes.',
      inputSchema: resolveUrlInput,
      outputSchema: resolvedUrlSchema,
      annotations: { title: "Resolve a URL", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ path }, extra): Promise<CallToolResult> => {
      try {
        return structuredResult(await context.django.resolveUrl(path, extra.signal));
      } catch (error) {
        return toolErrorFrom(error, "Resolving the URL");
      }
    },
  );
}
