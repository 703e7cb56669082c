import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { createActivity } from "../../src/activity.ts";
import type { DjangoService } from "../../src/django/service.ts";
import type { Redactor } from "../../src/mcp/redact.ts";
import { createServer } from "../../src/server.ts";
import { cleanupAfterEach } from "./cleanup.ts";

export interface InProcess {
  client: Client;
  close(): Promise<void>;
}

/** createServer() over the SDK's in-memory transport: the MCP adapters without any process (`redactor`: hiding secrets, as the CLI does). */
export async function connectInProcess(django: DjangoService, redactor?: Redactor): Promise<InProcess> {
  const server = createServer({ django, activity: createActivity(), redactor });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "in-process-tests", version: "0.0.0" });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    client,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

/** Calls one tool on a fresh in-process server, closed after the test. Call at the top of a test file. */
export function inProcessToolCaller(): (django: DjangoService, name: string, args?: Record<string, unknown>) => Promise<CallToolResult> {
  const defer = cleanupAfterEach();
  return async (django, name, args = {}) => {
    const connected = await connectInProcess(django);
    defer(() => connected.close());
    return (await connected.client.callTool({ name, arguments: args })) as CallToolResult;
  };
}
