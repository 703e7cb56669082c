import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { cliEnv } from "./client.ts";
import { BUN, CLI, EXAMPLE, VENV_PYTHON } from "./paths.ts";

export interface HttpServerProcess {
  proc: Bun.Subprocess<"ignore", "ignore", "pipe">;
  /** The endpoint the server printed (with the port it got). */
  url: URL;
  token: string;
  stderr(): string;
  stop(): Promise<void>;
}

export const TEST_TOKEN = "test-token-0123456789";

/** The real CLI serving HTTP or SSE on a free port; resolves once it printed its address. */
export async function startHttp(transport: "http" | "sse", args: string[] = [], env: Record<string, string> = {}, cwd = EXAMPLE): Promise<HttpServerProcess> {
  const proc = Bun.spawn([BUN, CLI, "--python", VENV_PYTHON, "--transport", transport, "--port", "0", ...args], {
    cwd,
    env: cliEnv({ MCP_DJANGO_TOKEN: TEST_TOKEN, ...env }),
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  let stderr = "";
  const address = new Promise<URL>((resolve, reject) => {
    void (async () => {
      // Keep reading after the address shows up: a closed pipe would end the server.
      for await (const chunk of proc.stderr) {
        stderr += new TextDecoder().decode(chunk);
        const match = stderr.match(/ at (http:\/\/\S+)/);
        if (match) resolve(new URL(match[1]!));
      }
      reject(new Error(`the server exited before listening:\n${stderr}`));
    })();
  });
  const url = await address;
  return {
    proc,
    url,
    token: TEST_TOKEN,
    stderr: () => stderr,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

export function authHeaders(token = TEST_TOKEN): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

export interface HttpClient {
  client: Client;
  /** The MCP session the server gave this client. */
  sessionId(): string | undefined;
  /** Ends the MCP session the way its transport does (DELETE for Streamable HTTP, closing the stream for SSE). */
  end(): Promise<void>;
}

/** An SDK client over the transport the server speaks. */
export async function connectHttp(server: HttpServerProcess): Promise<HttpClient> {
  const requestInit = { headers: authHeaders(server.token) };
  const client = new Client({ name: "http-tests", version: "0" });
  if (server.url.pathname === "/sse") {
    // The SSE client keeps its session private: it shows in the URL the client POSTs to.
    let sessionId: string | undefined;
    const fetchNoting = (url: string | URL, init?: RequestInit) => {
      sessionId ??= new URL(url).searchParams.get("sessionId") ?? undefined;
      return fetch(url, init);
    };
    await client.connect(new SSEClientTransport(server.url, { requestInit, fetch: fetchNoting }));
    return { client, sessionId: () => sessionId, end: () => client.close() };
  }
  const transport = new StreamableHTTPClientTransport(server.url, { requestInit });
  await client.connect(transport);
  return {
    client,
    sessionId: () => transport.sessionId,
    async end() {
      await transport.terminateSession();
      await client.close();
    },
  };
}
