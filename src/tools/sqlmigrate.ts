import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { migrationSqlSchema } from "../contract/payloads.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

export const sqlmigrateInput = {
  app_label: z.string().min(1).describe('The app, e.g. "catalog".'),
  migration_name: z.string().min(1).describe('The migration\'s name or a unique prefix of it, e.g. "0002".'),
  database: z.string().min(1).optional().describe('The database alias whose SQL dialect to use. Default: "default".'),
  backwards: z.boolean().optional().describe("The SQL that unapplies the migration instead. Default: false."),
};

export function registerSqlmigrateTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "sqlmigrate",
    {
      title: "A migration's SQL",
      description:
        "The SQL statements of one migration, as manage.py sqlmigrate prints them (inside BEGIN/COMMIT when the migration is atomic " +
        "and the database can roll DDL back); nothing is run. Operations that can't be written as SQL (RunPython) appear as comments. " +
        "An unknown app or migration is an error listing the ones there are.",
      inputSchema: sqlmigrateInput,
      outputSchema: migrationSqlSchema,
      annotations: { title: "A migration's SQL", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args, extra): Promise<CallToolResult> => {
      try {
        const result = await context.django.migrationSql(args, extra.signal);
        return structuredResult(result, result.sql || "-- no SQL: this migration's operations have none");
      } catch (error) {
        return toolErrorFrom(error, "Getting the migration's SQL");
      }
    },
  );
}
