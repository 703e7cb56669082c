import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { commandSummarySchema } from "../contract/payloads.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

export const listCommandsOutput = {
  commands: z.array(commandSummarySchema).describe("By name"),
  count: z.number().int(),
};

export function registerListCommandsTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "list_commands",
    {
      title: "List management commands",
      description:
        "List the project's Django management commands (Django's own and every installed app's), each with its app and the first " +
        "line of its help. A command whose module fails to import is listed with its error. Nothing is run: " +
        "use command_help for a command's arguments, and run_command to run one.",
      outputSchema: listCommandsOutput,
      annotations: { title: "List management commands", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (extra): Promise<CallToolResult> => {
      try {
        const commands = await context.django.commands.list(extra.signal);
        return structuredResult({ commands, count: commands.length });
      } catch (error) {
        return toolErrorFrom(error, "Listing the management commands");
      }
    },
  );
}
