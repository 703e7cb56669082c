import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { checkResultSchema } from "../contract/payloads.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

export const checkInput = {
  deploy: z.boolean().optional().describe("Also run the deployment checks (manage.py check --deploy). Default: false."),
  tags: z
    .array(z.string().min(1))
    .optional()
    .describe('Only the checks with one of these tags, e.g. ["models", "urls"]. An unknown tag is an error listing the tags.'),
  app_labels: z.array(z.string().min(1)).optional().describe("Only these apps' checks."),
  databases: z
    .array(z.string().min(1))
    .optional()
    .describe('Also run the checks that query these database aliases (the "database" tag, like check --database). Default: none.'),
};

export function registerCheckTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "check",
    {
      title: "System checks",
      description:
        "Run Django's system checks framework (manage.py check) and return each message: level (DEBUG, INFO, WARNING, ERROR, CRITICAL), " +
        "id (e.g. fields.E304), msg, hint and the object it is about, most serious first, with counts per level. Checks silenced by " +
        "SILENCED_SYSTEM_CHECKS are left out and counted. Run it after changing models, settings or URLs; deploy adds the deployment checks.",
      inputSchema: checkInput,
      outputSchema: checkResultSchema,
      annotations: { title: "System checks", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args, extra): Promise<CallToolResult> => {
      try {
        return structuredResult(await context.django.checks(args, extra.signal));
      } catch (error) {
        return toolErrorFrom(error, "Running the system checks");
      }
    },
  );
}
