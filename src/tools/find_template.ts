import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { templateLookupSchema } from "../contract/payloads.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

export const findTemplateInput = {
  name: z.string().min(1).describe('A template name as views and {% extends %} use it, e.g. "catalog/book_detail.html" or "admin/base_site.html".'),
};

export function registerFindTemplateTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "find_template",
    {
      title: "Find a template's file",
      description:
        "Which file Django loads for a template name: the winner (path, engine, loader, app), and every candidate each engine and " +
        'loader tried, in order, with its status: "winner", "lost" (it exists but is overridden by an earlier one, e.g. an app\'s ' +
        'template overridden in the project\'s templates folder) or "not found". Use it to know which file to edit, or where to put ' +
        "an override. An unknown name is an error naming close names.",
      inputSchema: findTemplateInput,
      outputSchema: templateLookupSchema,
      annotations: { title: "Find a template's file", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ name }, extra): Promise<CallToolResult> => {
      try {
        return structuredResult(await context.django.findTemplate(name, extra.signal));
      } catch (error) {
        return toolErrorFrom(error, "Finding the template");
      }
    },
  );
}
