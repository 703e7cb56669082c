/** HTTP access to the djangopackages.org API: where it is, and one GET of JSON with a deadline. */
import { NetworkError, UpstreamError } from "../errors.ts";
import { VERSION } from "../version.ts";

const DEFAULT_API_URL = "https://djangopackages.org/api/v4/";
const DEFAULT_TIMEOUT_SECONDS = 10;

type Env = Record<string, string | undefined>;

/** The API base, always ending in "/" so relative endpoint paths resolve under it. */
export function apiBaseUrl(env: Env = process.env): string {
  const configured = env.MCP_DJANGO_DJANGOPACKAGES_URL?.trim() || DEFAULT_API_URL;
  return configured.endsWith("/") ? configured : `${configured}/`;
}

/** Per-request deadline; `MCP_DJANGO_DJANGOPACKAGES_TIMEOUT_SECONDS` overrides it (tests use short ones). */
export function requestTimeoutMs(env: Env = process.env): number {
  const seconds = Number(env.MCP_DJANGO_DJANGOPACKAGES_TIMEOUT_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_TIMEOUT_SECONDS) * 1000;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === "TimeoutError") return `no response within ${timeoutMs / 1000} s`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** GETs `url` and parses JSON. Never hangs: the timeout covers connecting and reading the body. */
export async function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: "application/json", "user-agent": `mcp-django/${VERSION}` },
    });
    text = await response.text();
  } catch (error) {
    throw new NetworkError(url, describeFailure(error, timeoutMs));
  }
  if (!response.ok) throw new UpstreamError(url, `HTTP ${response.status} ${response.statusText}`.trim(), response.status);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UpstreamError(url, "the response is not JSON");
  }
}
