import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { McpError, type CallToolResult, type ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { JSON_MIME } from "../resources/json.ts";
import type { ResourceRegistry } from "../resources/registry.ts";
import { structuredResult, toolError } from "./results.ts";

export const readResourceInput = {
  uri: z.string().describe('A resource URI, e.g. "django://models" or "django://model/auth/Group".'),
};

export const readResourceOutput = z.object({
  uri: z.string(),
  mimeType: z.string().optional(),
  content: z.unknown().describe("The resource: parsed JSON for application/json, else its text"),
});
export type ReadResourceToolResult = z.infer<typeof readResourceOutput>;

/** McpError prefixes its message with the code, which means nothing to the model. */
function plainMessage(error: unknown): string {
  const message = (error as Error).message;
  return error instanceof McpError ? message.replace(/^MCP error -?\d+: /, "") : message;
}

/**
 * For clients that can't read resources. Register it after every resource: its description
 * lists the URIs known at that point.
 */
export function registerReadResourceTool(server: McpServer, registry: ResourceRegistry): void {
  server.registerTool(
    "read_resource",
    {
      title: "Read a resource",
      description:
        "Read one of this server's resources by URI, for clients that cannot read MCP resources. " +
        `Resources: ${registry.uris().join(", ")}.`,
      inputSchema: readResourceInput,
      outputSchema: readResourceOutput,
      annotations: { title: "Read a resource", readOnlyHint: true, idempotentHint: true },
    },
    async ({ uri }, extra): Promise<CallToolResult> => {
      let contents: ReadResourceResult["contents"];
      try {
        ({ contents } = await registry.read(uri, extra));
      } catch (error) {
        return toolError(plainMessage(error));
      }
      const [item] = contents;
      if (!item) return toolError(`The resource ${uri} is empty.`);
      const content: unknown = "text" in item ? (item.mimeType === JSON_MIME ? JSON.parse(item.text) : item.text) : item.blob;
      const result: ReadResourceToolResult = { uri: item.uri, mimeType: item.mimeType, content };
      return structuredResult(result);
    },
  );
}
