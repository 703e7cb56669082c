/**
 * Read-only mode as asked for on the command line or in the environment: --read-only
 * (MCP_DJANGO_READ_ONLY=1), --allow-writes (MCP_DJANGO_ALLOW_WRITES=1), else "auto", which the
 * sidecar decides from the project's settings (read-only when DEBUG is False or a database is on
 * another machine). The sidecar enforces it (py/mcp_django_bun/sidecar/readonly_db.py) and says
 * in its hello what is in force and why.
 */
import { ConfigError } from "../errors.ts";
import { log } from "../log.ts";
import type { Hello, ReadOnlyRequest } from "../sidecar/protocol.ts";

const YES = /^(1|true|yes|on)$/i;

export function readOnlyRequest(flags: { "read-only"?: boolean; "allow-writes"?: boolean }, env: NodeJS.ProcessEnv = process.env): ReadOnlyRequest {
  if (flags["read-only"] && flags["allow-writes"]) throw new ConfigError("--read-only and --allow-writes contradict each other: pass one of them");
  if (flags["read-only"]) return { mode: "on", why: "--read-only was given" };
  if (flags["allow-writes"]) return { mode: "off", why: "--allow-writes was given" };
  const readOnly = YES.test(env.MCP_DJANGO_READ_ONLY ?? "");
  const allowWrites = YES.test(env.MCP_DJANGO_ALLOW_WRITES ?? "");
  if (readOnly && allowWrites) throw new ConfigError("MCP_DJANGO_READ_ONLY and MCP_DJANGO_ALLOW_WRITES are both set: unset one of them");
  if (readOnly) return { mode: "on", why: `MCP_DJANGO_READ_ONLY=${env.MCP_DJANGO_READ_ONLY} is set` };
  if (allowWrites) return { mode: "off", why: `MCP_DJANGO_ALLOW_WRITES=${env.MCP_DJANGO_ALLOW_WRITES} is set` };
  return { mode: "auto", why: "" };
}

/** The start-up line: which mode the first sidecar put in force, and why. */
export function logReadOnly({ read_only }: Hello): void {
  if (!read_only) return;
  if (read_only.on) log.info(`read-only mode: the database refuses writes from the shell, tools and commands (${read_only.why})`);
  else log.info(`writes allowed: ${read_only.why}`);
}
