import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ServerContext } from "./context.ts";
import { INSTRUCTIONS } from "./instructions.ts";
import { registerShellTool } from "./tools/shell.ts";
import { VERSION } from "./version.ts";

/** One McpServer per transport connection; they share the context (and so the sidecar). */
export function createServer(context: ServerContext): McpServer {
  const server = new McpServer({ name: "mcp-django", title: "Django", version: VERSION }, { instructions: INSTRUCTIONS });
  registerShellTool(server, context);
  return server;
}
