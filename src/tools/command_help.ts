import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { commandHelpSchema } from "../contract/payloads.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

export const commandHelpInput = {
  name: z.string().min(1).describe('The command\'s name, as list_commands gives it, e.g. "migrate".'),
};

export function registerCommandHelpTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "command_help",
    {
      title: "Management command help",
      description:
        "A management command's usage line, description and arguments, from its own parser (what `manage.py help <name>` shows, " +
        "as data): for each argument its flags, help, whether it is required, default, choices, nargs, type and action " +
        "(store_true…), and whether it is one of the options every command has. Nothing is run. An unknown name is an " +
        "error naming close ones.",
      inputSchema: commandHelpInput,
      outputSchema: commandHelpSchema,
      annotations: { title: "Management command help", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ name }, extra): Promise<CallToolResult> => {
      try {
        return structuredResult(await context.django.commands.help(name, extra.signal));
      } catch (error) {
        return toolErrorFrom(error, `Reading the ${name} command's help`);
      }
    },
  );
}
