import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { templateListSchema } from "../contract/payloads.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

export const listTemplatesInput = {
  prefix: z.string().optional().describe('Only names starting with this, e.g. "catalog/" or "admin/".'),
  limit: z.number().int().min(1).max(2000).optional().describe("At most this many names (default 200); total says how many match."),
};

export function registerListTemplatesTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "list_templates",
    {
      title: "List template names",
      description:
        "Every template name the project's template engines can load (its template folders, every app's templates folder, " +
        "installed packages' included), sorted, filtered by prefix. A name found in several places is listed once: find_template " +
        "says which file wins.",
      inputSchema: listTemplatesInput,
      outputSchema: templateListSchema,
      annotations: { title: "List template names", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args, extra): Promise<CallToolResult> => {
      try {
        return structuredResult(await context.django.templates(args, extra.signal));
      } catch (error) {
        return toolErrorFrom(error, "Listing the templates");
      }
    },
  );
}
