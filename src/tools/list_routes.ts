import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { introspect, IntrospectionError } from "../resources/introspect.ts";
import { structuredResult, toolError } from "./results.ts";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"] as const;

export const listRoutesInput = {
  method: z
    .enum(HTTP_METHODS)
    .optional()
    .describe("Only routes whose view accepts this HTTP method. Routes whose methods are unknown are kept."),
  name: z.string().optional().describe('Only routes whose name contains this text, e.g. "detail".'),
  pattern: z.string().optional().describe('Only routes whose full URL pattern contains this text, e.g. "api/v1/".'),
};

const viewSchema = z.object({
  name: z.string().describe("Module-qualified name of the view function or class"),
  type: z.enum(["function", "class", "method", "instance", "unknown"]),
  source_path: z.string().nullable(),
  line: z.number().int().nullable().describe("Line of the def or class statement"),
  methods: z.array(z.string()).describe("HTTP methods the view accepts; empty when unknown"),
  class_bases: z.array(z.string()).describe("Direct base classes of a class-based view"),
  actions: z.record(z.string(), z.string()).optional().describe("DRF viewsets: HTTP method → viewset action"),
});

export const routeSchema = z.object({
  pattern: z.string().describe("The full URL pattern, as written in path() or as re_path regex pieces without anchors"),
  name: z.string().nullable(),
  namespace: z.string().nullable().describe('Colon-joined, e.g. "api:v1"; reverse() with "namespace:name"'),
  parameters: z.array(z.string()),
  view: viewSchema,
});
export type Route = z.infer<typeof routeSchema>;

export const listRoutesOutput = z.object({
  routes: z.array(routeSchema).describe("Depth-first, in URLconf order"),
  count: z.number().int().describe("Routes returned"),
  total: z.number().int().describe("Routes in the project before filtering"),
});
export type ListRoutesResult = z.infer<typeof listRoutesOutput>;

export function registerListRoutesTool(server: McpServer, context: ServerContext): void {
  server.registerTool(
    "list_routes",
    {
      title: "List URL routes",
      description:
        "List the project's URL routes from its URLconf, depth-first in URLconf order: full pattern, name, namespace, " +
        "parameters and the view (module-qualified name, type, source file and line, class bases, accepted HTTP methods). " +
        "Filters combine: method (routes with unknown methods always match), name (substring of the route name), " +
        "pattern (substring of the full pattern). Use it to find which view handles a URL or where to add one.",
      inputSchema: listRoutesInput,
      outputSchema: listRoutesOutput,
      annotations: { title: "List URL routes", readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ method, name, pattern }, extra): Promise<CallToolResult> => {
      try {
        const { result } = await introspect(context, "routes.list", { method, name, pattern }, extra.signal);
        const routes = listRoutesOutput.parse(result);
        return structuredResult(routes);
      } catch (error) {
        if (error instanceof IntrospectionError) return toolError(error.message);
        throw error;
      }
    },
  );
}
