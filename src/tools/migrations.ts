import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { migrationsSchema } from "../contract/payloads.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

export const migrationsInput = {
  database: z.string().min(1).optional().describe('Only this database alias, e.g. "default". Default: every alias in DATABASES.'),
  app_label: z.string().min(1).optional().describe('Only this app, e.g. "catalog".'),
};

export function registerMigrationsTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "migrations",
    {
      title: "Migration status",
      description:
        "The state of the project's migrations, read-only (nothing is applied or written). Per database alias: each app's migrations, " +
        "oldest first, applied or not and when (as showmigrations), and the plan migrate would run next. For the code: conflicts " +
        "(apps with several leaf migrations, which migrate refuses), and model_changes: what makemigrations would create now for " +
        'models changed without a migration (the migration\'s name and its operations, e.g. "Add field subtitle to book"). ' +
        "Use it before and after changing models; sqlmigrate shows a migration's SQL.",
      inputSchema: migrationsInput,
      outputSchema: migrationsSchema,
      annotations: { title: "Migration status", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ database, app_label }, extra): Promise<CallToolResult> => {
      try {
        return structuredResult(await context.django.migrations({ database, app_label }, extra.signal));
      } catch (error) {
        return toolErrorFrom(error, "Reading the migrations");
      }
    },
  );
}
