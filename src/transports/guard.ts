export interface GuardOptions {
  /** The address the server is bound to, as given to --host. */
  host: string;
  port: number;
  /** Required bearer token; undefined only with --no-auth. */
  token?: string;
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
const WILDCARDS = new Set(["0.0.0.0", "::", "[::]"]);

/** A loopback name or address literal; "127.attacker.example" is a name that can rebind, not loopback. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

function hostAllowed(hostHeader: string, options: GuardOptions): boolean {
  const url = URL.parse(`http://${hostHeader}`);
  if (!url) return false;
  const port = url.port === "" ? 80 : Number(url.port);
  if (port !== options.port) return false;
  // Bound to every interface (--allow-remote): any name may reach us; the token still guards.
  if (WILDCARDS.has(options.host)) return true;
  return isLoopback(url.hostname) || url.hostname === options.host || url.hostname === `[${options.host}]`;
}

function originAllowed(origin: string | null, hostHeader: string): boolean {
  if (origin === null) return true; // not a browser, or a same-origin request
  const url = URL.parse(origin);
  if (!url) return false;
  return isLoopback(url.hostname) || url.host === hostHeader;
}

function tokenMatches(header: string | null, token: string): boolean {
  const presented = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  // Bun's global crypto has it (a Bun extension to Web Crypto): no node:crypto on the start-up path.
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function refuse(status: 400 | 401 | 403, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
}

/**
 * Checks where a request comes from, before anything else sees it: Host (against DNS rebinding)
 * and Origin (against other web pages). Returns the refusal, or undefined to let it through.
 */
export function checkAddress(request: Request, options: Omit<GuardOptions, "token">): Response | undefined {
  const hostHeader = request.headers.get("host");
  // Bun answers an HTTP/1.1 request without Host itself (400, no body); HTTP/1.0 ones get here.
  if (!hostHeader) return refuse(400, "Bad Request: the request has no Host header");
  if (!hostAllowed(hostHeader, options)) return refuse(403, `Forbidden: Host ${hostHeader} is not this server`);
  const origin = request.headers.get("origin");
  if (!originAllowed(origin, hostHeader)) return refuse(403, `Forbidden: Origin ${origin} is not local`);
  return undefined;
}

/** Checks the bearer token (none needed with --no-auth). Returns the 401, or undefined to let the request through. */
export function checkToken(request: Request, token: string | undefined): Response | undefined {
  if (!token || tokenMatches(request.headers.get("authorization"), token)) return undefined;
  return refuse(401, "Unauthorized: send Authorization: Bearer <token> (printed when the server started)", {
    "www-authenticate": 'Bearer realm="mcp-django"',
  });
}
