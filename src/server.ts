import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv-provider.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import type { ServerContext } from "./context.ts";
import { INSTRUCTIONS } from "./instructions.ts";
import { createResourceRegistry } from "./mcp/resources.ts";
import { StrictMcpServer } from "./mcp/strict-server.ts";
import { registerDjangoResources } from "./resources/django.ts";
import { registerDjangoPackagesResources } from "./resources/djangopackages.ts";
import { registerErrorResources } from "./resources/errors.ts";
import { registerCheckTool } from "./tools/check.ts";
import { registerCommandHelpTool } from "./tools/command_help.ts";
import { registerFindTemplateTool } from "./tools/find_template.ts";
import { registerGetSettingTool } from "./tools/get_setting.ts";
import { registerLastErrorTool } from "./tools/last_error.ts";
import { registerListCommandsTool } from "./tools/list_commands.ts";
import { registerListRoutesTool } from "./tools/list_routes.ts";
import { registerListTemplatesTool } from "./tools/list_templates.ts";
import { registerLogsTool } from "./tools/logs.ts";
import { registerMigrationsTool } from "./tools/migrations.ts";
import { registerReadResourceTool } from "./tools/read_resource.ts";
import { registerRequestTool } from "./tools/request.ts";
import { registerResolveUrlTool } from "./tools/resolve_url.ts";
import { registerReverseUrlTool } from "./tools/reverse_url.ts";
import { registerRunCommandTool } from "./tools/run_command.ts";
import { registerSearchDjangoPackagesTool } from "./tools/search_djangopackages.ts";
import { registerShellTool } from "./tools/shell.ts";
import { registerSqlmigrateTool } from "./tools/sqlmigrate.ts";
import { VERSION } from "./version.ts";

let ajv: AjvJsonSchemaValidator | undefined;
/**
 * The SDK checks only elicitation answers with it (no tool elicits), yet builds an Ajv instance
 * per McpServer, so per HTTP session: built on first use here, once per process.
 */
const lazyValidator: jsonSchemaValidator = {
  getValidator(schema) {
    ajv ??= new AjvJsonSchemaValidator();
    return ajv.getValidator(schema);
  },
};

/** One McpServer per transport connection; they share the context (and so the sidecar). */
export function createServer(context: ServerContext): StrictMcpServer {
  const server = new StrictMcpServer(
    { name: "mcp-django", title: "Django", version: VERSION },
    { instructions: INSTRUCTIONS, jsonSchemaValidator: lazyValidator },
    context.redactor,
  );
  const resources = createResourceRegistry(server);
  registerDjangoResources(resources, context);
  registerDjangoPackagesResources(resources);
  registerErrorResources(resources, context);
  registerShellTool(server, context);
  registerListRoutesTool(server, context);
  registerSearchDjangoPackagesTool(server);
  registerListCommandsTool(server, context);
  registerCommandHelpTool(server, context);
  registerRunCommandTool(server, context);
  registerMigrationsTool(server, context);
  registerSqlmigrateTool(server, context);
  registerCheckTool(server, context);
  registerGetSettingTool(server, context);
  registerResolveUrlTool(server, context);
  registerReverseUrlTool(server, context);
  registerFindTemplateTool(server, context);
  registerListTemplatesTool(server, context);
  registerRequestTool(server, context);
  registerLogsTool(server, context);
  registerLastErrorTool(server, context);
  // Last: it reads, and lists in its description, every resource registered before it.
  registerReadResourceTool(server, resources);
  resources.serveReads();
  // The SDK advertises listChanged for tools and resources, but these lists never change while
  // the server runs and no list_changed is ever sent: advertise only what is used.
  server.server.registerCapabilities({ tools: { listChanged: undefined }, resources: { listChanged: undefined } });
  return server;
}
