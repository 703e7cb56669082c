import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { HTTP_METHODS } from "../contract/constants.ts";
import { type Route, type RouteList, routeListSchema, routeSchema } from "../contract/payloads.ts";
import { describePage, PAGE_SIZE, pageInput, pageOf, pageOutput, summarize } from "../mcp/paging.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { answerFrom, structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";
import { validated } from "../mcp/validated.ts";

export const listRoutesInput = {
  method: z.enum(HTTP_METHODS).optional().describe("Only routes whose view accepts this HTTP method. Routes whose methods are unknown are kept."),
  name: z.string().optional().describe('Only routes whose name contains this text, e.g. "detail".'),
  pattern: z.string().optional().describe('Only routes whose full URL pattern contains this text, e.g. "api/v1/".'),
  ...pageInput,
  summary: z
    .boolean()
    .optional()
    .describe("Instead of the routes: per namespace, how many routes match and their names. An overview of a large project, to narrow down from."),
};

const namespaceSummarySchema = z.object({
  namespace: z.string().nullable().describe("null for routes outside any namespace"),
  count: z.number().int().describe("Matching routes in it, named or not"),
  names: z.array(z.string()).describe("Their names, in URLconf order (unnamed routes are only counted)"),
});
type NamespaceSummary = z.infer<typeof namespaceSummarySchema>;

export const routePageSchema = routeListSchema.extend({
  routes: z.array(routeSchema).describe("This page of the matching routes, depth-first in URLconf order; empty with summary"),
  count: z.number().int().describe("Routes in this answer"),
  total: z.number().int().describe("Routes in the project before filtering"),
  matched: z.number().int().describe("Routes that pass the filters, over all pages"),
  ...pageOutput,
  namespaces: z.array(namespaceSummarySchema).optional().describe("With summary: the matching routes per namespace, in URLconf order"),
  note: z.string().optional().describe("How to get the rest, when this is not everything"),
});
export type RoutePage = z.infer<typeof routePageSchema>;

/** The matching routes per namespace, in order of first appearance. */
export function summarizeRoutes(routes: readonly Route[]): NamespaceSummary[] {
  return summarize(
    routes,
    (route) => route.namespace,
    (route) => route.name,
  ).map(({ key, count, names }) => ({ namespace: key, count, names }));
}

/** What list_routes answers for `list` (the routes passing the filters): a page of them, or the summary. */
export function routePage(list: RouteList, request: { offset?: number; limit?: number; summary?: boolean }): RoutePage {
  const matched = list.routes.length;
  if (request.summary) {
    return { routes: [], count: 0, total: list.total, matched, offset: 0, next_offset: null, has_more: false, namespaces: summarizeRoutes(list.routes) };
  }
  const page = pageOf(list.routes, request);
  const result: RoutePage = {
    routes: page.items,
    count: page.items.length,
    total: list.total,
    matched,
    offset: page.offset,
    next_offset: page.next_offset,
    has_more: page.has_more,
  };
  if (page.has_more) {
    result.note =
      `This is ${describePage(page, matched, "routes")}: call list_routes again with offset=${page.next_offset} (and the same filters) for the next page, ` +
      "with summary=true for the route names per namespace, or narrow it down with pattern, name or method.";
  }
  return result;
}

export function registerListRoutesTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "list_routes",
    {
      title: "List URL routes",
      description:
        "List the project's URL routes from its URLconf, depth-first in URLconf order: full pattern, name, namespace, " +
        "parameters and the view (module-qualified name, type, source file and line, class bases, accepted HTTP methods). " +
        "Filters combine: method (routes with unknown methods always match), name (substring of the route name), " +
        `pattern (substring of the full pattern). More than ${PAGE_SIZE} matching routes come in pages: pass the answer's ` +
        "next_offset as offset for the next one; summary=true gives the route names per namespace instead. " +
        "Use it to find which view handles a URL or where to add one.",
      inputSchema: listRoutesInput,
      outputSchema: routePageSchema,
      annotations: { title: "List URL routes", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ method, name, pattern, offset, limit, summary }, extra): Promise<CallToolResult> => {
      try {
        const list = await context.django.routes({ method, name, pattern }, extra.signal);
        // Built from routes the contract parsed: not parsed again against the output schema.
        return answerFrom(list, `${offset} ${limit} ${summary}`, () => structuredResult(validated(routePage(list, { offset, limit, summary }))));
      } catch (error) {
        return toolErrorFrom(error, "Listing the routes");
      }
    },
  );
}
