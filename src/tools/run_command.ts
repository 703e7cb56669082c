import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { commandRunSchema } from "../contract/payloads.ts";
import { runLong, timeoutSecondsInput } from "../mcp/long-calls.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

/** Commands (migrations, data loads) tend to take longer than a shell snippet. */
export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 60;

export const runCommandInput = {
  name: z.string().min(1).describe('The command\'s name, e.g. "migrate" (list_commands lists them).'),
  args: z.array(z.string()).default([]).describe('Its arguments and options, one string each, as on the command line: ["catalog", "--plan"], ["--noinput"].'),
  timeout_seconds: timeoutSecondsInput(
    DEFAULT_COMMAND_TIMEOUT_SECONDS,
    "Interrupt the command after this many seconds; the server and the shell sessions survive the interruption.",
  ),
};

export function registerRunCommandTool(server: StrictMcpServer, context: ServerContext): void {
  const { commands } = context.django;
  server.registerTool(
    "run_command",
    {
      title: "Run a management command",
      description:
        "Run a Django management command as `python manage.py <name> <args…>` would, inside the project's Python process " +
        "(on the code as it is now), and return its exit status, stdout, stderr and duration. Status 0 is success, 1 a " +
        "CommandError (its message is in `error`), 2 a usage error (the usage is in stderr), 130 an interruption. " +
        "There is no terminal: prompts get end of file, so pass --noinput where the command has it. runserver, shell, " +
        "dbshell, test and testserver are refused, saying what to use instead. Prefer it to the shell for management " +
        "commands; command_help gives a command's arguments. Commands can change the database and files: development only.",
      inputSchema: runCommandInput,
      outputSchema: commandRunSchema,
      annotations: { title: "Run a management command", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    async ({ name, args, timeout_seconds }, extra): Promise<CallToolResult> => {
      try {
        const options = { timeoutSeconds: timeout_seconds, signal: extra.signal };
        return structuredResult(await runLong(extra, context.activity, () => commands.run(name, args, options)));
      } catch (error) {
        return toolErrorFrom(error, `Running the ${name} command`);
      }
    },
  );
}
