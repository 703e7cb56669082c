import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ServerContext } from "./context.ts";
import { INSTRUCTIONS } from "./instructions.ts";
import { createResourceRegistry } from "./mcp/resources.ts";
import { registerDjangoResources } from "./resources/django.ts";
import { registerDjangoPackagesResources } from "./resources/djangopackages.ts";
import { registerListRoutesTool } from "./tools/list_routes.ts";
import { registerReadResourceTool } from "./tools/read_resource.ts";
import { registerSearchDjangoPackagesTool } from "./tools/search_djangopackages.ts";
import { registerShellTool } from "./tools/shell.ts";
import { VERSION } from "./version.ts";

/** One McpServer per transport connection; they share the context (and so the sidecar). */
export function createServer(context: ServerContext): McpServer {
  const server = new McpServer({ name: "mcp-django", title: "Django", version: VERSION }, { instructions: INSTRUCTIONS });
  const resources = createResourceRegistry(server);
  registerDjangoResources(resources, context);
  registerDjangoPackagesResources(resources);
  registerShellTool(server, context);
  registerListRoutesTool(server, context);
  registerSearchDjangoPackagesTool(server);
  // Last: it reads, and lists in its description, every resource registered before it.
  registerReadResourceTool(server, resources);
  resources.serveReads();
  return server;
}
