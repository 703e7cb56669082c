/**
 * Checks on MCP requests that the SDK gets wrong, made before it sees them: params that don't fit
 * their method (the SDK answers -32603 with a zod dump), a pagination cursor (the SDK ignores it),
 * an unknown tool (the SDK answers with an `isError` result). JSON-RPC 2.0 and MCP 2025-11-25
 * want -32602 for all three.
 */
import { ClientRequestSchema, ErrorCode, type JSONRPCErrorResponse, type RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";

/**
 * A JSON-RPC error to answer a request with. Unlike the SDK's McpError its message is only what
 * it says: McpError prefixes "MCP error <code>: ", and the client's McpError adds it again.
 */
export class RequestError extends Error {
  override name = "RequestError";
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }

  reply(id: RequestId): JSONRPCErrorResponse {
    const error = { code: this.code, message: this.message, ...(this.data === undefined ? {} : { data: this.data }) };
    return { jsonrpc: "2.0", id, error };
  }
}

/** The request schema of each method a client may call, from the SDK's own union. */
const SCHEMAS = new Map<string, z.ZodType>(ClientRequestSchema.options.map((schema) => [schema.shape.method.value, schema]));

type Issue = z.core.$ZodIssue;

const plain = (message: string) => message.replace(/^Invalid input: /, "");

function describeIssue(issue: Issue): string {
  const where = issue.path.length ? issue.path.join(".") : "the request";
  if (issue.code !== "invalid_union") return `${where}: ${plain(issue.message)}`;
  // Every form failing for the same reason (e.g. "expected object, received undefined") says it best.
  const reasons = [...new Set(issue.errors.flatMap((form) => form.filter((inner) => inner.path.length === 0).map((inner) => plain(inner.message))))];
  return `${where}: ${reasons.length === 1 ? reasons[0] : "matches none of the forms this method takes"}`;
}

/** The params of `method` as one readable line, or undefined when they fit. Unknown methods are the SDK's (-32601). */
function paramsProblem(request: { method: string }): string | undefined {
  const parsed = SCHEMAS.get(request.method)?.safeParse(request);
  if (!parsed || parsed.success) return undefined;
  return parsed.error.issues.map(describeIssue).join("; ");
}

interface Request {
  method: string;
  params?: Record<string, unknown>;
}

/** -32602 for params that don't fit the method, or a cursor (every list fits in one page here, so no cursor is one this server gave). */
export function invalidParams(request: Request): RequestError | undefined {
  const problem = paramsProblem(request);
  if (problem) return new RequestError(ErrorCode.InvalidParams, `Invalid params for ${request.method}: ${problem}`);
  if (request.method.endsWith("/list") && request.params?.cursor !== undefined) {
    return new RequestError(
      ErrorCode.InvalidParams,
      `Invalid cursor for ${request.method}: this server returns every item in one page and never gives a cursor`,
    );
  }
  return undefined;
}

/** What the SDK would answer wrongly for this request to a server with `tools`, as the error to answer instead; undefined to let it through. */
export function checkRequest(request: Request, tools: ReadonlySet<string>): RequestError | undefined {
  const invalid = invalidParams(request);
  if (invalid) return invalid;
  const name = request.params?.name;
  if (request.method === "tools/call" && !tools.has(name as string)) {
    return new RequestError(ErrorCode.InvalidParams, `Unknown tool "${String(name)}". This server's tools: ${[...tools].join(", ")}`);
  }
  return undefined;
}
