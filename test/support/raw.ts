import { cliEnv } from "./client.ts";
import { BUN, CLI, EXAMPLE, VENV_PYTHON } from "./paths.ts";

export interface RawServer {
  proc: Bun.Subprocess<"pipe", "pipe", "pipe">;
  send(message: unknown): void;
  /** Writes one line as it is, valid JSON-RPC or not; the newline is added. */
  sendLine(line: string): void;
  /** Waits for the JSON-RPC response with this id; every stdout line seen is kept in `lines`. */
  response(id: number): Promise<Record<string, unknown>>;
  lines: string[];
  stderr(): string;
}

/**
 * The CLI (or another command serving MCP on stdio) driven over raw stdio, to check the bytes
 * on stdout rather than what an SDK client tolerates.
 */
export function startRaw(args: string[] = [], cwd = EXAMPLE, command = [BUN, CLI, "--python", VENV_PYTHON], env: Record<string, string> = {}): RawServer {
  const proc = Bun.spawn([...command, ...args], {
    cwd,
    env: cliEnv(env),
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: string[] = [];
  const waiting = new Map<number, (message: Record<string, unknown>) => void>();
  const seen = new Map<number, Record<string, unknown>>();
  let stderr = "";
  void (async () => {
    for await (const chunk of proc.stderr) stderr += new TextDecoder().decode(chunk);
  })();
  void (async () => {
    const decoder = new TextDecoder();
    let carry = "";
    for await (const chunk of proc.stdout) {
      const parts = (carry + decoder.decode(chunk, { stream: true })).split("\n");
      carry = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        const message = JSON.parse(line) as Record<string, unknown>;
        if (typeof message.id === "number") {
          seen.set(message.id, message);
          waiting.get(message.id)?.(message);
        }
      }
    }
    if (carry) lines.push(carry);
  })();
  const sendLine = (line: string) => {
    proc.stdin.write(`${line}\n`);
    proc.stdin.flush();
  };
  return {
    proc,
    lines,
    stderr: () => stderr,
    send: (message) => sendLine(JSON.stringify(message)),
    sendLine,
    response(id) {
      const known = seen.get(id);
      if (known) return Promise.resolve(known);
      return new Promise((resolve) => waiting.set(id, resolve));
    },
  };
}

export async function initialize(server: RawServer): Promise<void> {
  server.send({
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
  });
  await server.response(0);
  server.send({ jsonrpc: "2.0", method: "notifications/initialized" });
}

export function callShell(server: RawServer, id: number, code: string): Promise<Record<string, unknown>> {
  server.send({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "shell", arguments: { code } } });
  return server.response(id);
}

/** Whether the process exists and is not a zombie waiting for a slow init to reap it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = Bun.spawnSync(["ps", "-o", "stat=", "-p", String(pid)])
    .stdout.toString()
    .trim();
  return stat !== "" && !stat.startsWith("Z");
}
