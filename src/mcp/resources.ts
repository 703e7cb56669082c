import type {
  McpServer,
  ReadResourceCallback,
  ReadResourceTemplateCallback,
  ResourceMetadata,
  ResourceTemplate,
} from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError, ReadResourceRequestSchema, type ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { InvalidArgumentError, NotFoundError } from "../errors.ts";
import { describeFailure } from "./failures.ts";
import { RequestError } from "./requests.ts";

export type ResourceRequestExtra = Parameters<ReadResourceCallback>[1];

/** Every resource of this server is JSON. */
export const JSON_MIME = "application/json";

/** MCP's code for "resource not found" (the SDK has no constant for it). */
export const RESOURCE_NOT_FOUND = -32002;

export function jsonContents(uri: URL, payload: unknown): ReadResourceResult {
  return { contents: [{ uri: uri.href, mimeType: JSON_MIME, text: JSON.stringify(payload) }] };
}

/** Every resource failure as the JSON-RPC error it is, mapped once: not found is -32002 with the URI in `data`. */
function resourceError(error: unknown, uri: string): McpError | RequestError {
  if (error instanceof McpError) return error;
  if (error instanceof NotFoundError) return new RequestError(RESOURCE_NOT_FOUND, error.message, { uri });
  if (error instanceof InvalidArgumentError) return new RequestError(ErrorCode.InvalidParams, error.message, { uri });
  return new RequestError(ErrorCode.InternalError, describeFailure(error, `Reading ${uri}`), { uri });
}

/**
 * Registers resources with an McpServer and remembers them, so that one `read` serves both
 * `resources/read` and the `read_resource` tool (for clients that cannot read resources), with
 * the same errors. Every resource of this server is registered through it.
 */
export interface ResourceRegistry {
  /**
   * A resource at a fixed URI; with `query`, the names of the query parameters it also takes
   * (`django://models?offset=500`): `read` gets them in its URI, and any other name is an invalid argument.
   */
  resource(name: string, uri: string, metadata: ResourceMetadata, read: ReadResourceCallback, query?: readonly string[]): void;
  template(name: string, template: ResourceTemplate, metadata: ResourceMetadata, read: ReadResourceTemplateCallback): void;
  /** Reads an exact URI first, then the first matching template; failures are domain errors (src/errors.ts). */
  read(uri: string, extra: ResourceRequestExtra): Promise<ReadResourceResult>;
  /** Every fixed URI and URI template, in registration order. */
  uris(): string[];
  /** Answers `resources/read` with `read`: call once every resource is registered. */
  serveReads(): void;
}

export function createResourceRegistry(server: McpServer): ResourceRegistry {
  const fixed = new Map<string, ReadResourceCallback>();
  /** Query parameter names, per fixed URI that takes some. */
  const queries = new Map<string, readonly string[]>();
  const templates: { template: ResourceTemplate; read: ReadResourceTemplateCallback }[] = [];
  const uris = () => [...fixed.keys(), ...templates.map(({ template }) => template.uriTemplate.toString())];

  const read = async (uri: string, extra: ResourceRequestExtra): Promise<ReadResourceResult> => {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new InvalidArgumentError(`"${uri}" is not a URI. This server's resources: ${uris().join(", ")}`);
    }
    const exact = fixed.get(url.toString());
    if (exact) return exact(url, extra);
    const queried = url.search ? withQuery(url) : undefined;
    if (queried) return queried(url, extra);
    for (const { template, read } of templates) {
      const variables = template.uriTemplate.match(url.toString());
      if (variables) return read(url, variables, extra);
    }
    throw new NotFoundError(`No resource ${uri}. This server's resources: ${uris().join(", ")}`);
  };

  /** The fixed resource `url` names with a query, once its parameter names are checked. */
  const withQuery = (url: URL): ReadResourceCallback | undefined => {
    const base = new URL(url);
    base.search = "";
    const names = queries.get(base.toString());
    if (!names) return undefined;
    const unknown = [...new Set(url.searchParams.keys())].filter((name) => !names.includes(name));
    if (unknown.length) throw new InvalidArgumentError(`${base} takes the query parameters ${names.join(", ")}, not ${unknown.join(", ")}`);
    return fixed.get(base.toString());
  };

  return {
    resource(name, uri, metadata, callback, query) {
      server.registerResource(name, uri, metadata, callback);
      fixed.set(new URL(uri).toString(), callback);
      if (query?.length) queries.set(new URL(uri).toString(), query);
    },
    template(name, template, metadata, callback) {
      server.registerResource(name, template, metadata, callback);
      templates.push({ template, read: callback });
    },
    read,
    uris,
    serveReads() {
      // The SDK's own handler answers an unknown URI with -32602 and passes our errors through
      // unmapped: ours replaces it, so both ways of reading behave the same.
      server.server.setRequestHandler(ReadResourceRequestSchema, (request, extra) =>
        read(request.params.uri, extra).catch((error: unknown) => {
          throw resourceError(error, request.params.uri);
        }),
      );
    },
  };
}
