import { ConfigError } from "../errors.ts";

/** How often, by default, a comment line keeps an open event stream alive through proxies and idle timers. */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;

/**
 * MCP_DJANGO_KEEPALIVE_SECONDS: the interval between keep-alive comments on every event stream the
 * HTTP server holds open (legacy SSE and Streamable HTTP alike); 0 sends none.
 */
export function keepAliveMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MCP_DJANGO_KEEPALIVE_SECONDS;
  if (raw === undefined || raw === "") return DEFAULT_KEEP_ALIVE_MS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new ConfigError(`MCP_DJANGO_KEEPALIVE_SECONDS=${raw}: not a number of seconds (0 turns keep-alives off)`);
  }
  return Math.round(seconds * 1000);
}
