import type { Activity } from "./activity.ts";
import type { Supervisor } from "./sidecar/supervisor.ts";

/** What every MCP server instance (one per transport connection) shares. */
export interface ServerContext {
  supervisor: Supervisor;
  /** The shell namespace for an MCP session: one per HTTP session, one for stdio. */
  sessionKey(mcpSessionId: string | undefined): string;
  /** Tool calls running per MCP session. */
  activity: Activity;
}
