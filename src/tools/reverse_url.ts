import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { reversedUrlSchema } from "../contract/payloads.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolError, toolErrorFrom } from "../mcp/tool-results.ts";

const urlArgument = z.union([z.string(), z.number()]);

export const reverseUrlInput = {
  name: z.string().min(1).describe("The route's name with its namespaces, e.g. \"catalog:book-detail\" (or a view's dotted path)."),
  args: z.array(urlArgument).optional().describe("Positional URL parameters, in order."),
  kwargs: z.record(z.string(), urlArgument).optional().describe('Named URL parameters, e.g. {"pk": 3}. Give args or kwargs, not both.'),
};

export function registerReverseUrlTool(server: StrictMcpServer, context: ServerContext): void {
  server.registerTool(
    "reverse_url",
    {
      title: "Reverse a URL name",
      description:
        "The path of a named route with its parameters, as Django's reverse() builds it (what {% url %} and redirect() give), and the " +
        "route's pattern. An unknown name is an error naming close names; arguments the route doesn't take are an error saying the " +
        "parameters it expects.",
      inputSchema: reverseUrlInput,
      outputSchema: reversedUrlSchema,
      annotations: { title: "Reverse a URL name", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ name, args, kwargs }, extra): Promise<CallToolResult> => {
      if (args?.length && kwargs && Object.keys(kwargs).length) {
        return toolError("Give the route's parameters either as args or as kwargs, not both: Django's reverse() refuses a mix.");
      }
      try {
        return structuredResult(await context.django.reverseUrl({ name, args, kwargs }, extra.signal));
      } catch (error) {
        return toolErrorFrom(error, "Reversing the URL name");
      }
    },
  );
}
