import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { HTTP_METHODS } from "../contract/constants.ts";
import { routeListSchema } from "../contract/payloads.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

export const listRoutesInput = {
  method: z.enum(HTTP_METHODS).optional().describe("Only routes whose view accepts this HTTP method. Routes whose methods are unknown are kept."),
  name: z.string().optional().describe('Only routes whose name contains this text, e.g. "detail".'),
  pattern: z.string().optional().describe('Only routes whose full URL pattern contains this text, e.g. "api/v1/".'),
};

export function registerListRoutesTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "list_routes",
    {
      title: "List URL routes",
      description:
        "List the project's URL routes from its URLconf, depth-first in URLconf order: full pattern, name, namespace, " +
        "parameters and the view (module-qualified name, type, source file and line, class bases, accepted HTTP methods). " +
        "Filters combine: method (routes with unknown methods always match), name (substring of the route name), " +
        "pattern (substring of the full pattern). Use it to find which view handles a URL or where to add one.",
      inputSchema: listRoutesInput,
      outputSchema: routeListSchema,
      annotations: { title: "List URL routes", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (filters, extra): Promise<CallToolResult> => {
      try {
        return structuredResult(await context.django.routes(filters, extra.signal));
      } catch (error) {
        return toolErrorFrom(error, "Listing the routes");
      }
    },
  );
}
