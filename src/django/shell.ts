/**
 * The shell's policy over the sidecar: one namespace per MCP session, named after this server,
 * and telling each session when its state was lost (its sidecar ended or was replaced).
 */
import { SESSION_SEPARATOR } from "../contract/constants.ts";
import type { Execution } from "../contract/payloads.ts";
import { SidecarLostError } from "../errors.ts";
import { log } from "../log.ts";
import type { CallOutcome, Supervisor } from "../sidecar/supervisor.ts";

export interface ShellResult extends Execution {
  /** Something the caller should know, e.g. that the session state was reset. */
  notice?: string;
}

export interface ExecuteOptions {
  timeoutSeconds: number;
  signal?: AbortSignal;
}

export interface Shell {
  /** Runs `code` in the MCP session's namespace (stdio has one session: `undefined`). */
  execute(mcpSession: string | undefined, code: string, options: ExecuteOptions): Promise<ShellResult>;
  /** Clears the session's variables and imports. */
  reset(mcpSession: string | undefined): Promise<ShellResult>;
  /** Frees the session's namespace when its MCP session ends; never starts a sidecar for it. */
  close(mcpSession: string | undefined): Promise<void>;
}

const RESET_TEXT = "Shell session reset: all variables and imports were cleared.";

/** An exception-shaped result for a sidecar that died under the call: the client sees why, in the usual place. */
function lostResult(error: SidecarLostError): ShellResult {
  const message = `${error.message}. The shell session state was lost; the next call starts afresh.`;
  return { status: "error", output: { exception: { exc_type: "SidecarExited", message, traceback: [] } }, stdout: "", stderr: "" };
}

export function createShell(supervisor: Supervisor, client: string): Shell {
  const key = (mcpSession: string | undefined) => `${client}${SESSION_SEPARATOR}${mcpSession ?? "stdio"}`;
  // Which sidecar each session last ran in: when it changes, the session's variables are gone.
  const generations = new Map<string, number>();
  const restartNotice = (session: string, { generation, replaced }: CallOutcome<unknown>): string | undefined => {
    const previous = generations.get(session);
    generations.set(session, generation);
    if (previous === undefined || previous === generation) return undefined;
    const why = replaced ? ` (the previous one ended: ${replaced})` : "";
    return `A new Python sidecar was started${why}; the shell session state was reset.`;
  };

  return {
    async execute(mcpSession, code, { timeoutSeconds, signal }) {
      const session = key(mcpSession);
      try {
        const outcome = await supervisor.call("shell.execute", { session, code, timeout: timeoutSeconds }, { timeoutMs: timeoutSeconds * 1000, signal });
        const notice = restartNotice(session, outcome);
        return notice ? { ...outcome.result, notice } : outcome.result;
      } catch (error) {
        if (error instanceof SidecarLostError) return lostResult(error);
        throw error;
      }
    },
    async reset(mcpSession) {
      const session = key(mcpSession);
      const outcome = await supervisor.call("shell.reset", { session });
      return { status: "success", output: {}, stdout: "", stderr: "", notice: restartNotice(session, outcome) ?? RESET_TEXT };
    },
    async close(mcpSession) {
      const session = key(mcpSession);
      generations.delete(session);
      if (!supervisor.active()) return;
      await supervisor.call("shell.reset", { session }).catch((error: Error) => log.debug(`could not free session ${session}: ${error.message}`));
    },
  };
}
