/** Structured results the contract parsed already are not parsed again against the tool's output schema (src/mcp/validated.ts). */
import { afterEach, describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { type CallToolResult, CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { StrictMcpServer } from "../../src/mcp/strict-server.ts";
import { structuredResult } from "../../src/mcp/tool-results.ts";
import { validated } from "../../src/mcp/validated.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A server with one tool whose output schema wants `count` to be a number; the tool answers `payload()`. */
/** tools/call as a plain request: callTool() would check the structured content against the schema too, on the client's side. */
async function callCount(client: Client): Promise<CallToolResult> {
  return client.request({ method: "tools/call", params: { name: "count", arguments: {} } }, CallToolResultSchema);
}

async function toolAnswering(payload: () => Record<string, unknown>): Promise<Client> {
  const server = new StrictMcpServer({ name: "test", version: "0" });
  server.registerTool(
    "count",
    {
      title: "Count",
      description: "Counts",
      outputSchema: z.object({ count: z.number() }),
      annotations: { title: "Count", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async () => structuredResult(payload()),
  );
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "test", version: "0" });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  closers.push(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

describe("the output schema check", () => {
  test("checks a structured result that is not marked validated", async () => {
    const client = await toolAnswering(() => ({ count: "three" }));
    const result = await callCount(client);
    expect(result.isError).toBe(true);
  });

  test("skips a structured result marked validated (so a payload the contract parsed is parsed once)", async () => {
    const client = await toolAnswering(() => validated({ count: "three" }));
    const result = await callCount(client);
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toEqual({ count: "three" });
  });
});
