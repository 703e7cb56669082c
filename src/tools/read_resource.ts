import type { CallToolResult, ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { JSON_MIME, type ResourceRegistry } from "../mcp/resources.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolError, toolErrorFrom } from "../mcp/tool-results.ts";

export const readResourceInput = {
  uri: z.string().describe('A resource URI, e.g. "django://models" or "django://model/auth/Group".'),
};

export const readResourceOutput = z.object({
  uri: z.string(),
  mimeType: z.string().optional(),
  content: z.unknown().describe("The resource: parsed JSON for application/json, else its text"),
});

/**
 * For clients that can't read resources. Register it after every resource: its description
 * lists the URIs known at that point.
 */
export function registerReadResourceTool(server: StrictMcpServer, registry: ResourceRegistry): void {
  server.registerTool(
    "read_resource",
    {
      title: "Read a resource",
      description: `Read one of this server's resources by URI, for clients that cannot read MCP resources. Resources: ${registry.uris().join(", ")}.`,
      inputSchema: readResourceInput,
      outputSchema: readResourceOutput,
      // Open world: djangopackages.org:// resources come from the internet.
      annotations: { title: "Read a resource", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async ({ uri }, extra): Promise<CallToolResult> => {
      let contents: ReadResourceResult["contents"];
      try {
        ({ contents } = await registry.read(uri, extra));
      } catch (error) {
        return toolErrorFrom(error, `Reading ${uri}`);
      }
      const [item] = contents;
      if (!item) return toolError(`The resource ${uri} is empty.`);
      const content: unknown = "text" in item ? (item.mimeType === JSON_MIME ? JSON.parse(item.text) : item.text) : item.blob;
      return structuredResult({ uri: item.uri, mimeType: item.mimeType, content });
    },
  );
}
