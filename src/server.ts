import type { ServerContext } from "./context.ts";
import { INSTRUCTIONS } from "./instructions.ts";
import { createResourceRegistry } from "./mcp/resources.ts";
import { StrictMcpServer } from "./mcp/strict-server.ts";
import { registerDjangoResources } from "./resources/django.ts";
import { registerDjangoPackagesResources } from "./resources/djangopackages.ts";
import { registerListRoutesTool } from "./tools/list_routes.ts";
import { registerReadResourceTool } from "./tools/read_resource.ts";
import { registerSearchDjangoPackagesTool } from "./tools/search_djangopackages.ts";
import { registerShellTool } from "./tools/shell.ts";
import { VERSION } from "./version.ts";

/** One McpServer per transport connection; they share the context (and so the sidecar). */
export function createServer(context: ServerContext): StrictMcpServer {
  const server = new StrictMcpServer({ name: "mcp-django", title: "Django", version: VERSION }, { instructions: INSTRUCTIONS });
  const resources = createResourceRegistry(server);
  registerDjangoResources(resources, context);
  registerDjangoPackagesResources(resources);
  registerShellTool(server, context);
  registerListRoutesTool(server, context);
  registerSearchDjangoPackagesTool(server);
  // Last: it reads, and lists in its description, every resource registered before it.
  registerReadResourceTool(server, resources);
  resources.serveReads();
  // The SDK advertises listChanged for tools and resources, but these lists never change while
  // the server runs and no list_changed is ever sent: advertise only what is used.
  server.server.registerCapabilities({ tools: { listChanged: undefined }, resources: { listChanged: undefined } });
  return server;
}
