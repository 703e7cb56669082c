import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { LOG_LEVELS, LOG_SOURCES, logListSchema } from "../contract/payloads.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

export const MAX_LOG_LIMIT = 1000;

export const logsInput = {
  source: z
    .enum(LOG_SOURCES)
    .default("memory")
    .describe('"memory": the records kept in memory by the project\'s process; "files": the last lines of the files the project\'s LOGGING writes to.'),
  level: z.enum(LOG_LEVELS).optional().describe("Only records at this level or above."),
  logger: z.string().optional().describe('Only this logger and those below it: "django" covers "django.request".'),
  contains: z.string().optional().describe("Only records whose message or exception contains this text (any case); with files, lines."),
  since: z
    .union([z.string(), z.number().nonnegative()])
    .optional()
    .describe('Only records from then on: an ISO 8601 time ("2026-05-01T12:00:00Z") or seconds ago (300).'),
  limit: z.number().int().min(1).max(MAX_LOG_LIMIT).default(100).describe("The most records returned (per file, lines): the newest."),
};

export function registerLogsTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "logs",
    {
      title: "Log records",
      description:
        "The log records of the project's Python process, newest last: level, logger, message, time and the exception logged with " +
        "it. They are kept in memory (the last 1,000, each message capped) as the project's logging configuration lets them " +
        "through (levels are the project's; django.request is included, and django.db.backends when the project turns it on). " +
        "Attached to your runserver they are the dev server's, so they include what the browser's requests logged; otherwise " +
        "they are mcp-django's own process's (shell code, commands, request probes), and start empty after an edit of the " +
        'code. Filter by level (a minimum), logger (a prefix), contains and since. source="files" tails the files the ' +
        "project's LOGGING writes to instead.",
      inputSchema: logsInput,
      outputSchema: logListSchema,
      annotations: { title: "Log records", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ source, level, logger, contains, since, limit }, extra): Promise<CallToolResult> => {
      try {
        return structuredResult(await context.django.requests.logs({ source, level, logger, contains, since, limit }, extra.signal));
      } catch (error) {
        return toolErrorFrom(error, "Reading the log records");
      }
    },
  );
}
