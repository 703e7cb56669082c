import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { executionSchema } from "../contract/payloads.ts";
import { runLong, timeoutSecondsInput } from "../mcp/long-calls.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolError, toolErrorFrom } from "../mcp/tool-results.ts";
import { validated } from "../mcp/validated.ts";

export const DEFAULT_TIMEOUT_SECONDS = 30;

export const shellInput = {
  action: z
    .enum(["execute", "reset", "history"])
    .default("execute")
    .describe(
      '"execute" runs `code`; "reset" clears the session\'s variables, imports and history; "history" returns the session\'s successful steps as a script.',
    ),
  code: z.string().optional().describe("Python to run in the Django project. If the last statement is an expression, its repr() is returned."),
  timeout_seconds: timeoutSecondsInput(DEFAULT_TIMEOUT_SECONDS, "Interrupt the code after this many seconds; the session survives the interruption."),
};

export const shellOutput = executionSchema.extend({
  notice: z
    .string()
    .optional()
    .describe("Something the caller should know, e.g. that the code changed and this call ran on the new code, with what was restored and what to re-run."),
  script: z.string().optional().describe('action "history": the session\'s successful steps as a runnable script, imports first, steps numbered.'),
});

export function registerShellTool(server: StrictMcpServer, context: ServerContext): void {
  const { shell } = context.django;
  server.registerTool(
    "shell",
    {
      title: "Django shell",
      description:
        "Execute Python code in a persistent Django shell session (Django is set up, the ORM works). " +
        "Imports and variables persist between calls; the last expression's repr() is returned with " +
        'stdout and stderr. Exceptions come back as status "error" with the traceback. ' +
        "Edits to the project's code are picked up by the next call: it runs on the new code, with the " +
        "session's imports and definitions restored; its notice names what changed and what to re-run. " +
        'action="history" returns the session as a script; action="reset" clears it. Runs with full access to the ' +
        "project and its database: development only.",
      inputSchema: shellInput,
      outputSchema: shellOutput,
      annotations: { title: "Django shell", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    async ({ action, code, timeout_seconds }, extra): Promise<CallToolResult> => {
      if (action !== "execute" && code !== undefined) {
        return toolError(`action "${action}" takes no code: call it alone, then run your code with action "execute".`);
      }
      if (action === "history") {
        const result = shell.history(extra.sessionId);
        return structuredResult(result, result.script);
      }
      if (action === "reset") {
        try {
          const result = await shell.reset(extra.sessionId);
          return structuredResult(result, result.notice);
        } catch (error) {
          return toolErrorFrom(error, "Resetting the shell");
        }
      }
      if (code === undefined || code.trim() === "") {
        return toolError('action "execute" needs code: pass the Python to run in `code` (or use action "reset" to clear the session).');
      }
      try {
        const options = { timeoutSeconds: timeout_seconds, signal: extra.signal };
        // Built by typed code from the run the contract parsed: the SDK need not parse it again.
        return structuredResult(validated(await runLong(extra, context.activity, () => shell.execute(extra.sessionId, code, options))));
      } catch (error) {
        return toolErrorFrom(error, "Running the code");
      }
    },
  );
}
