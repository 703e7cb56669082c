import type {
  McpServer,
  ReadResourceCallback,
  ReadResourceTemplateCallback,
  ResourceMetadata,
  ResourceTemplate,
} from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError, type ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";

export type ResourceRequestExtra = Parameters<ReadResourceCallback>[1];

/**
 * Registers resources with an McpServer and remembers them, so that the `read_resource` tool
 * can read any of them by URI for clients that cannot read resources themselves. Every
 * resource of this server is registered through it.
 */
export interface ResourceRegistry {
  resource(name: string, uri: string, metadata: ResourceMetadata, read: ReadResourceCallback): void;
  template(name: string, template: ResourceTemplate, metadata: ResourceMetadata, read: ReadResourceTemplateCallback): void;
  /** Reads like `resources/read` does: an exact URI first, then the first matching template. */
  read(uri: string, extra: ResourceRequestExtra): Promise<ReadResourceResult>;
  /** Every fixed URI and URI template, in registration order. */
  uris(): string[];
}

export function createResourceRegistry(server: McpServer): ResourceRegistry {
  const fixed = new Map<string, ReadResourceCallback>();
  const templates: { template: ResourceTemplate; read: ReadResourceTemplateCallback }[] = [];
  const uris = () => [...fixed.keys(), ...templates.map(({ template }) => template.uriTemplate.toString())];

  return {
    resource(name, uri, metadata, read) {
      server.registerResource(name, uri, metadata, read);
      fixed.set(new URL(uri).toString(), read);
    },
    template(name, template, metadata, read) {
      server.registerResource(name, template, metadata, read);
      templates.push({ template, read });
    },
    async read(uri, extra) {
      let url: URL;
      try {
        url = new URL(uri);
      } catch {
        throw new McpError(ErrorCode.InvalidParams, `"${uri}" is not a URI. This server's resources: ${uris().join(", ")}`);
      }
      const exact = fixed.get(url.toString());
      if (exact) return exact(url, extra);
      for (const { template, read } of templates) {
        const variables = template.uriTemplate.match(url.toString());
        if (variables) return read(url, variables, extra);
      }
      throw new McpError(ErrorCode.InvalidParams, `No resource ${uri}. This server's resources: ${uris().join(", ")}`);
    },
    uris,
  };
}
