import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { log } from "../log.ts";
import { collectAfterLargeWrite } from "./collect.ts";
import { type ErrorReply, errorReply, INVALID_REQUEST, idFromEdges, PARSE_ERROR, toMessage } from "./jsonrpc.ts";
import { maxMessageBytes, tooLargeMessage } from "./limits.ts";
import { BoundedLines, type Line } from "./lines.ts";

/**
 * Newline-delimited JSON-RPC on a pair of streams, in place of the SDK's StdioServerTransport:
 * that one buffers a line whole and, past its 10 MiB cap, stops reading stdin for good. Here a
 * line over `limit` bytes is dropped as it streams in, and every line that is not a message
 * (too large, not JSON, not JSON-RPC) is answered with a JSON-RPC error; reading goes on.
 */
export function stdioTransport(limit: number, stdin: NodeJS.ReadableStream = process.stdin, stdout: NodeJS.WritableStream = process.stdout): Transport {
  const lines = new BoundedLines(limit);

  const write = (value: unknown) =>
    new Promise<void>((resolve) => {
      const line = `${JSON.stringify(value)}\n`;
      collectAfterLargeWrite(line.length);
      if (stdout.write(line)) resolve();
      else stdout.once("drain", resolve);
    });

  const refuse = (reply: ErrorReply) => {
    log.warn(`refused a message from the client: ${reply.error.message}`);
    void write(reply);
  };

  const receive = (line: Line) => {
    if (line.kind === "oversized") {
      const id = idFromEdges(line.head, line.tail);
      return refuse(errorReply(INVALID_REQUEST, `${tooLargeMessage(limit)}; this one has ${line.bytes} bytes`, id));
    }
    if (line.text.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (error) {
      return refuse(errorReply(PARSE_ERROR, `Parse error: the line is not JSON (${(error as Error).message})`));
    }
    const message = toMessage(value);
    if (!message.ok) return refuse(message.reply);
    try {
      transport.onmessage?.(message.message);
    } catch (error) {
      transport.onerror?.(error as Error);
    }
  };

  // Whatever one line does, reading goes on: a throw here would end the process.
  const ondata = (chunk: Buffer) => {
    for (const line of lines.push(chunk)) {
      try {
        receive(line);
      } catch (error) {
        transport.onerror?.(error as Error);
      }
    }
  };
  const onerror = (error: Error) => transport.onerror?.(error);

  const transport: Transport = {
    async start() {
      stdin.on("data", ondata);
      stdin.on("error", onerror);
    },
    send: write,
    async close() {
      stdin.off("data", ondata);
      stdin.off("error", onerror);
      transport.onclose?.();
    },
  };
  return transport;
}

/**
 * Serves one McpServer on stdin/stdout. Resolves when the client goes away (stdin ends): the
 * SDK itself does not notice that.
 */
export async function serveStdio(server: McpServer): Promise<void> {
  const limit = maxMessageBytes();
  const ended = new Promise<void>((resolve) => {
    process.stdin.once("end", resolve);
    process.stdin.once("close", resolve);
  });
  await server.connect(stdioTransport(limit));
  await ended;
}
