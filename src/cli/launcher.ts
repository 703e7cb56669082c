/** A command line that starts this server, for a client's configuration. */
export interface Launcher {
  command: string;
  args: string[];
}

/**
 * How a client should start this server: the way this process was started. The Node entry
 * (bin/mcp-django.mjs) says how it was run in MCP_DJANGO_LAUNCHER; run straight from a
 * package cache (npx, bunx), the cache may be cleared, so the package is named instead.
 */
export function launcher(env: NodeJS.ProcessEnv = process.env): Launcher {
  const started = startedAs(env);
  if (started.some((part) => /[/\\](_npx|\.bun[/\\]install[/\\]cache|bunx-\d+-)/.test(part))) return { command: "npx", args: ["-y", "mcp-django"] };
  const [command = "mcp-django", ...args] = started;
  return { command, args };
}

function startedAs(env: NodeJS.ProcessEnv): string[] {
  try {
    const parsed: unknown = JSON.parse(env.MCP_DJANGO_LAUNCHER ?? "");
    if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((part) => typeof part === "string")) return parsed;
  } catch {
    // Not started by the Node entry: this process's own command line.
  }
  return [process.execPath, process.argv[1] ?? "mcp-django"];
}
