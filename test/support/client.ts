import { expect } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { type CallToolResult, McpError } from "@modelcontextprotocol/sdk/types.js";
import { BUN, CLI, EXAMPLE, VENV_PYTHON } from "./paths.ts";

export interface Connected {
  client: Client;
  transport: StdioClientTransport;
  /** The CLI's stderr, as written so far. */
  stderr(): string;
  close(): Promise<void>;
}

export interface LaunchOptions {
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
}

/** The environment a test's CLI process gets: explicit, since the SDK passes only a few variables. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  return { ...env, ...extra };
}

/** The real CLI over stdio, in the example project, with the repo's virtualenv. */
export async function connect(options: LaunchOptions = {}): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: BUN,
    args: [CLI, "--python", VENV_PYTHON, ...(options.args ?? [])],
    cwd: options.cwd ?? EXAMPLE,
    env: cliEnv(options.env),
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: "mcp-django-tests", version: "0.0.0" });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr, close: () => client.close() };
}

export interface ShellPayload {
  status: "success" | "error";
  output: { value?: string; value_type?: string; exception?: { exc_type: string; message: string; traceback: string[] } };
  stdout: string;
  stderr: string;
  notice?: string;
}

export async function shell(client: Client, code: string, extra: Record<string, unknown> = {}): Promise<ShellPayload> {
  const result = (await client.callTool({ name: "shell", arguments: { code, ...extra } })) as CallToolResult;
  if (result.isError) throw new Error(`shell tool error: ${JSON.stringify(result.content)}`);
  return result.structuredContent as unknown as ShellPayload;
}

export function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

/** The JSON-RPC error a `resources/read` of `uri` fails with; throws when it does not fail that way. */
export async function readResourceError(client: Client, uri: string): Promise<McpError> {
  const error: unknown = await client.readResource({ uri }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof McpError)) throw new Error(`${uri}: expected an MCP error, got ${String(error)}`);
  return error;
}

/** The shell's core behaviour, as every way of starting the server must pass it. */
export async function expectCoreShellCases(client: Client): Promise<void> {
  expect((await shell(client, "2 + 2")).output).toEqual({ value: "4", value_type: "int" });
  await shell(client, "x = 42");
  expect((await shell(client, "x + 8")).output.value).toBe("50");
  expect((await shell(client, "print('hi')")).stdout).toBe("hi\n");
  expect((await shell(client, "1/0")).output.exception?.exc_type).toBe("ZeroDivisionError");
  expect((await shell(client, "from catalog.models import Book\nBook.objects.count()")).status).toBe("success");
  await client.callTool({ name: "shell", arguments: { action: "reset" } });
  expect((await shell(client, "x")).output.exception?.exc_type).toBe("NameError");
}
