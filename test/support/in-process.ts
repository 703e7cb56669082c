import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createActivity } from "../../src/activity.ts";
import type { DjangoService } from "../../src/django/service.ts";
import { createServer } from "../../src/server.ts";

export interface InProcess {
  client: Client;
  close(): Promise<void>;
}

/** createServer() over the SDK's in-memory transport: the MCP adapters without any process. */
export async function connectInProcess(django: DjangoService): Promise<InProcess> {
  const server = createServer({ django, activity: createActivity() });
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
