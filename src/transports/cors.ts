/**
 * CORS for the origins the guard lets through (local pages such as the MCP Inspector): a browser
 * may call the endpoint, send MCP's headers and read the session id. Other origins never get
 * here: the guard answers them 403.
 */

/** What a browser client sends: the token, JSON, and MCP's session, version and resumption headers. */
const ALLOWED_HEADERS = "authorization, content-type, accept, mcp-session-id, mcp-protocol-version, last-event-id";
/** What a browser client must read from a response: the session to send back, and why a request was refused. */
const EXPOSED_HEADERS = "mcp-session-id, mcp-protocol-version, www-authenticate";
/** How long a browser may reuse a preflight answer. */
const MAX_AGE_SECONDS = "600";

/** `response` with the CORS headers for the request's Origin; unchanged when it has none (not a cross-origin browser request). */
export function withCors(request: Request, response: Response): Response {
  const origin = request.headers.get("origin");
  if (origin === null) return response;
  const headers = new Headers(response.headers);
  headers.set("access-control-allow-origin", origin);
  headers.set("access-control-expose-headers", EXPOSED_HEADERS);
  headers.append("vary", "Origin");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The answer to OPTIONS on an endpoint that takes `methods`: a CORS preflight when a browser asks, else just what is allowed. */
export function preflight(request: Request, methods: readonly string[]): Response {
  const allow = [...methods, "OPTIONS"].join(", ");
  const headers: Record<string, string> = { allow };
  if (request.headers.get("origin") !== null) {
    headers["access-control-allow-methods"] = allow;
    headers["access-control-allow-headers"] = ALLOWED_HEADERS;
    headers["access-control-max-age"] = MAX_AGE_SECONDS;
  }
  return withCors(request, new Response(null, { status: 204, headers }));
}
