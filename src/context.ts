import type { Activity } from "./activity.ts";
import type { DjangoService } from "./django/service.ts";
import type { Redactor } from "./mcp/redact.ts";

/** What every MCP server instance (one per transport connection) shares. */
export interface ServerContext {
  /** The project, through the sidecar (or a fake, in the in-process tests). */
  django: DjangoService;
  /** Tool calls running per MCP session. */
  activity: Activity;
  /** Hides the project's secret values in every message sent to a client; absent, nothing is hidden (the in-process tests' fakes have no secrets). */
  redactor?: Redactor;
}
