import type { Activity } from "./activity.ts";
import type { DjangoService } from "./django/service.ts";

/** What every MCP server instance (one per transport connection) shares. */
export interface ServerContext {
  /** The project, through the sidecar (or a fake, in the in-process tests). */
  django: DjangoService;
  /** Tool calls running per MCP session. */
  activity: Activity;
}
