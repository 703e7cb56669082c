/**
 * The shell's policy over the sidecar: one namespace per MCP session, named after this server;
 * each session's history, carried over to a new sidecar (fresh code, or the old one died) by
 * re-running its imports and definitions; and telling the session what that kept and lost.
 */
import { SESSION_SEPARATOR } from "../contract/constants.ts";
import type { Execution, ShellRun } from "../contract/payloads.ts";
import { SidecarLostError, StateMissingError } from "../errors.ts";
import { log } from "../log.ts";
import { type CallOutcome, describeFiles, type Replacement, type Supervisor } from "../sidecar/supervisor.ts";
import { type CarryOver, SessionHistory } from "./history.ts";

export interface ShellResult extends Execution {
  /** Something the caller should know, e.g. that the session moved to fresh code and what was restored. */
  notice?: string;
  /** `history`: the session as a runnable script. */
  script?: string;
}

export interface ExecuteOptions {
  timeoutSeconds: number;
  signal?: AbortSignal;
}

export interface Shell {
  /** Runs `code` in the MCP session's namespace (stdio has one session: `undefined`). */
  execute(mcpSession: string | undefined, code: string, options: ExecuteOptions): Promise<ShellResult>;
  /** Clears the session's variables, imports and history. */
  reset(mcpSession: string | undefined): Promise<ShellResult>;
  /** The session's successful steps as a script that recreates it. */
  history(mcpSession: string | undefined): ShellResult;
  /** Frees the session's namespace when its MCP session ends; never starts a sidecar for it. */
  close(mcpSession: string | undefined): Promise<void>;
}

const RESET_TEXT = "Shell session reset: all variables, imports and history were cleared.";
/** Names listed in a notice before "and N more". */
const NAMES_SHOWN = 12;

/** An exception-shaped result for a sidecar that died under the call: the client sees why, in the usual place. */
function lostResult(error: SidecarLostError): ShellResult {
  const message = `${error.message}. The shell session state was lost; the next call starts afresh and restores its imports and definitions.`;
  return { status: "error", output: { exception: { exc_type: "SidecarExited", message, traceback: [] } }, stdout: "", stderr: "" };
}

function listNames(names: { name: string; step: number }[]): string {
  const shown = names.slice(0, NAMES_SHOWN).map(({ name, step }) => `${name} (step ${step})`);
  return names.length > NAMES_SHOWN ? `${shown.join(", ")} and ${names.length - NAMES_SHOWN} more` : shown.join(", ");
}

/** Why this call ran in another sidecar than the session's previous one. */
function headline({ why, changedFiles }: Replacement = { why: "" }): string {
  if (changedFiles?.length) return `The project's code changed (${describeFiles(changedFiles, 5)}): this call ran on the new code, in a fresh process.`;
  return `A new Python sidecar was started${why ? ` (the previous one ended: ${why})` : ""}; the shell session state was reset.`;
}

/** What was restored and what to re-run, or that nothing was there to restore. */
function carryOverText({ restored, failed, lost }: CarryOver): string {
  const parts = [restored.length ? `Restored imports and definitions: ${listNames(restored)}.` : "No imports or definitions to restore."];
  for (const failure of failed) parts.push(`Restoring step ${failure.step} failed (${failure.error}): ${failure.source.split("\n")[0]}`);
  if (lost.length) parts.push(`Not restored (re-run those steps if you need them): ${listNames(lost)}.`);
  return parts.join(" ");
}

/** Every result says so while read-only mode is on: a write fails, and how to allow writes. */
function readOnlyText(why: string): string {
  return `Read-only mode: the database refuses writes from this session (${why}); restart mcp-django with --allow-writes to write.`;
}

export function createShell(supervisor: Supervisor, client: string): Shell {
  const key = (mcpSession: string | undefined) => `${client}${SESSION_SEPARATOR}${mcpSession ?? "stdio"}`;
  const histories = new Map<string, SessionHistory>();
  const historyOf = (session: string): SessionHistory => {
    const history = histories.get(session) ?? new SessionHistory();
    histories.set(session, history);
    return history;
  };
  // Which sidecar each session last ran in: when it changes, the session moved.
  const generations = new Map<string, number>();

  const moved = (session: string, { generation }: CallOutcome<unknown>): boolean => {
    const previous = generations.get(session);
    generations.set(session, generation);
    return previous !== undefined && previous !== generation;
  };

  /** Runs the code; where the session has state the sidecar lacks, runs it again with the state restored first. */
  const run = async (session: string, code: string, { timeoutSeconds, signal }: ExecuteOptions): Promise<CallOutcome<ShellRun>> => {
    const history = historyOf(session);
    const args = { session, code, timeout: timeoutSeconds };
    const options = { timeoutMs: timeoutSeconds * 1000, signal };
    try {
      return await supervisor.call("shell.execute", { ...args, has_state: history.hasState() }, options);
    } catch (error) {
      if (!(error instanceof StateMissingError)) throw error;
      return supervisor.call("shell.execute", { ...args, restore: history.restoreSteps() }, options);
    }
  };

  return {
    async execute(mcpSession, code, options) {
      const session = key(mcpSession);
      let outcome: CallOutcome<ShellRun>;
      try {
        outcome = await run(session, code, options);
      } catch (error) {
        if (error instanceof SidecarLostError) return lostResult(error);
        throw error;
      }
      const { record, restore_failures, read_only, ...execution } = outcome.result;
      const history = historyOf(session);
      const carried = restore_failures && history.carryOver(restore_failures);
      history.add(execution.status === "success", record);
      const readOnly = read_only?.on ? readOnlyText(read_only.why) : undefined;
      if (!moved(session, outcome) && !carried) return readOnly ? { ...execution, notice: readOnly } : execution;
      const notice = carried ? `${headline(outcome.replaced)} ${carryOverText(carried)}` : headline(outcome.replaced);
      return { ...execution, notice: readOnly ? `${notice}\n${readOnly}` : notice };
    },
    async reset(mcpSession) {
      const session = key(mcpSession);
      histories.delete(session);
      const outcome = await supervisor.call("shell.reset", { session });
      return { status: "success", output: {}, stdout: "", stderr: "", notice: moved(session, outcome) ? headline(outcome.replaced) : RESET_TEXT };
    },
    history(mcpSession) {
      const script = histories.get(key(mcpSession))?.script() ?? new SessionHistory().script();
      return { status: "success", output: {}, stdout: "", stderr: "", script };
    },
    async close(mcpSession) {
      const session = key(mcpSession);
      generations.delete(session);
      histories.delete(session);
      if (!supervisor.active()) return;
      await supervisor.call("shell.reset", { session }).catch((error: Error) => log.debug(`could not free session ${session}: ${error.message}`));
    },
  };
}
