import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { SidecarLostError, SidecarRequestError } from "../errors.ts";
import { exceptionSchema } from "../sidecar/protocol.ts";
import type { ServerContext } from "../context.ts";
import type { CallOutcome } from "../sidecar/supervisor.ts";
import { structuredResult, toolError } from "./results.ts";

export const DEFAULT_TIMEOUT_SECONDS = 30;

type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

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

function lostResult(error: SidecarLostError): CallToolResult {
  return structuredResult({
    status: "error",
    output: { exception: { exc_type: "SidecarExited", message: error.message, traceback: [] } },
    stdout: "",
    stderr: "",
  });
}

const PROGRESS_INTERVAL_MS = 5_000;

/**
 * While a call runs, tell a client that asked for progress that it is still running: long calls
 * are otherwise silent, and clients may give up on them.
 */
function startProgress(extra: ToolExtra): ReturnType<typeof setInterval> | undefined {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  const started = Date.now();
  return setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    void extra
      .sendNotification({ method: "notifications/progress", params: { progressToken, progress: seconds, message: `still running after ${seconds} s` } })
      .catch(() => undefined);
  }, PROGRESS_INTERVAL_MS);
}

/**
 * Remembers which sidecar each shell session last ran in: when it changes, the session's
 * variables are gone, and the result must say so.
 */
function createRestartNotices(): (session: string, outcome: CallOutcome) => string | undefined {
  const generations = new Map<string, number>();
  return (session, { generation, replaced }) => {
    const previous = generations.get(session);
    generations.set(session, generation);
    if (previous === undefined || previous === generation) return undefined;
    const why = replaced ? ` (the previous one ended: ${replaced})` : "";
    return `A new Python sidecar was started${why}; the shell session state was reset.`;
  };
}

export function registerShellTool(server: McpServer, context: ServerContext): void {
  const restartNotice = createRestartNotices();
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
        const outcome = await context.supervisor.call("shell.reset", { session });
        const text = "Shell session reset: all variables and imports were cleared.";
        return structuredResult({ status: "success", output: {}, stdout: "", stderr: "", notice: restartNotice(session, outcome) ?? text }, text);
      }
      if (code === undefined || code.trim() === "") {
        return toolError('action "execute" needs code: pass the Python to run in `code` (or use action "reset" to clear the session).');
      }
      const heartbeat = startProgress(extra);
      const done = context.activity.begin(extra.sessionId);
      try {
        const outcome = await context.supervisor.call(
          "shell.execute",
          { session, code, timeout: timeout_seconds },
          { timeoutMs: timeout_seconds * 1000, signal: extra.signal },
        );
        const parsed = shellOutput.parse(outcome.result);
        const notice = restartNotice(session, outcome);
        return structuredResult(notice ? { ...parsed, notice } : parsed);
      } catch (error) {
        if (error instanceof SidecarLostError) return lostResult(error);
        if (error instanceof SidecarRequestError) return toolError(error.describe("The sidecar failed"));
        return toolError(`The shell could not run: ${(error as Error).message}`);
      } finally {
        clearInterval(heartbeat);
        done();
      }
    },
  );
}
