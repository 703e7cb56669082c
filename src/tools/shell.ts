import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { SidecarLostError, SidecarRequestError } from "../errors.ts";
import type { ServerContext } from "../context.ts";

export const DEFAULT_TIMEOUT_SECONDS = 30;

export const shellInput = {
  action: z
    .enum(["execute", "reset"])
    .default("execute")
    .describe('"execute" runs `code`; "reset" clears the session\'s variables and imports.'),
  code: z
    .string()
    .optional()
    .describe("Python to run in the Django project. If the last statement is an expression, its repr() is returned."),
  timeout_seconds: z
    .number()
    .positive()
    .max(3600)
    .default(DEFAULT_TIMEOUT_SECONDS)
    .describe("Interrupt the code after this many seconds; the session survives the interruption."),
};

const exceptionSchema = z.object({
  exc_type: z.string(),
  message: z.string(),
  traceback: z.array(z.string()),
});

export const shellOutput = z.object({
  status: z.enum(["success", "error"]),
  output: z.union([
    z.object({ value: z.string(), value_type: z.string() }),
    z.object({ exception: exceptionSchema }),
    z.object({}).strict(),
  ]),
  stdout: z.string(),
  stderr: z.string(),
  notice: z.string().optional().describe("Something the caller should know, e.g. that the session state was reset."),
});
export type ShellResult = z.infer<typeof shellOutput>;

function toolError(text: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text }] };
}

function shellResult(result: ShellResult, summary?: string): CallToolResult {
  const json = JSON.stringify(result);
  return {
    structuredContent: result,
    content: [{ type: "text", text: summary ? `${summary}\n${json}` : json }],
  };
}

function lostResult(error: SidecarLostError): CallToolResult {
  return shellResult({
    status: "error",
    output: { exception: { exc_type: "SidecarExited", message: error.message, traceback: [] } },
    stdout: "",
    stderr: "",
  });
}

export function registerShellTool(server: McpServer, context: ServerContext): void {
  server.registerTool(
    "shell",
    {
      title: "Django shell",
      description:
        "Execute Python code in a persistent Django shell session (Django is set up, the ORM works). " +
        "Imports and variables persist between calls; the last expression's repr() is returned with " +
        "stdout and stderr. Exceptions come back as status \"error\" with the traceback. " +
        'Use action="reset" to clear the session when things get weird. Runs with full access to the ' +
        "project and its database: development only.",
      inputSchema: shellInput,
      outputSchema: shellOutput,
      annotations: { title: "Django shell", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    async ({ action, code, timeout_seconds }, extra): Promise<CallToolResult> => {
      const session = context.sessionKey(extra.sessionId);
      if (action === "reset") {
        if (code !== undefined) {
          return toolError('action "reset" takes no code: call reset alone, then run your code with action "execute".');
        }
        const { notice } = await context.supervisor.call("shell.reset", { session });
        const text = "Shell session reset: all variables and imports were cleared.";
        return shellResult({ status: "success", output: {}, stdout: "", stderr: "", notice: notice ?? text }, text);
      }
      if (code === undefined || code.trim() === "") {
        return toolError('action "execute" needs code: pass the Python to run in `code` (or use action "reset" to clear the session).');
      }
      try {
        const { result, notice } = await context.supervisor.call(
          "shell.execute",
          { session, code, timeout: timeout_seconds },
          { timeoutMs: timeout_seconds * 1000, signal: extra.signal },
        );
        const parsed = shellOutput.parse(result);
        return shellResult(notice ? { ...parsed, notice } : parsed);
      } catch (error) {
        if (error instanceof SidecarLostError) return lostResult(error);
        if (error instanceof SidecarRequestError) {
          const trace = error.traceback.length ? `\nTraceback (most recent call last):\n${error.traceback.join("\n")}` : "";
          const prefix = error.type === "DjangoSetupError" ? "Django could not be set up for this project" : `The sidecar failed (${error.type})`;
          return toolError(`${prefix}: ${error.message}${trace}`);
        }
        return toolError(`The shell could not run: ${(error as Error).message}`);
      }
    },
  );
}
