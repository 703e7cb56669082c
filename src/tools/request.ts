import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { HTTP_METHODS } from "../contract/constants.ts";
import { formDataSchema, type Probe, probeSchema } from "../contract/payloads.ts";
import { runLong, timeoutSecondsInput } from "../mcp/long-calls.ts";
import type { StrictMcpServer } from "../mcp/strict-server.ts";
import { structuredResult, toolErrorFrom } from "../mcp/tool-results.ts";

/** A request is a page load: a view slower than this is worth a larger timeout on purpose. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
export const DEFAULT_BODY_LIMIT = 20_000;
export const MAX_BODY_LIMIT = 1_000_000;

export const requestInput = {
  method: z.enum(HTTP_METHODS).default("GET"),
  path: z
    .string()
    .min(1)
    .describe('The path, with its query string: "/catalog/search/?q=maps". A full URL\'s scheme and host are dropped (https makes a secure request).'),
  headers: z
    .record(z.string(), z.string())
    .optional()
    .describe('Request headers by name, e.g. {"Accept": "application/json"}. A Host header replaces the one chosen from ALLOWED_HOSTS.'),
  data: formDataSchema
    .optional()
    .describe(
      "Form fields (a string, number or boolean each, or a list for a repeated field): the query string of a GET, HEAD, OPTIONS or TRACE, the body of the others (multipart for POST). Not with json.",
    ),
  json: z.unknown().optional().describe("A JSON body (any JSON value), sent as application/json with POST, PUT, PATCH or DELETE. Not with data."),
  user: z
    .union([z.string(), z.number().int()])
    .nullish()
    .describe("Sign the request in as this user: a username (the user model's USERNAME_FIELD) or a primary key. Absent or null: anonymous."),
  follow: z.boolean().default(false).describe("Follow redirects (the chain comes back in redirect_chain; the rest describes the last response)."),
  commit: z.boolean().default(false).describe("Keep what the request writes to the database. By default everything is rolled back."),
  html_as_text: z.boolean().default(false).describe("Reduce an HTML body to the text a reader sees (no tags, scripts or styles)."),
  body_limit: z.number().int().min(0).max(MAX_BODY_LIMIT).default(DEFAULT_BODY_LIMIT).describe("The most characters of the body returned."),
  timeout_seconds: timeoutSecondsInput(
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    "Interrupt the request after this many seconds; what it wrote is rolled back, and the result shows what it did until then.",
  ),
};

/** One line before the JSON: what came back, for clients that show the text. */
function summary(probe: Probe): string {
  const { method, path } = probe.request;
  const status = probe.status === null ? `interrupted (${probe.interrupted ?? "cancelled"})` : `${probe.status} ${probe.reason ?? ""}`.trim();
  const parts = [`${method} ${path} → ${status}`];
  if (probe.view) parts.push(`view ${probe.view.view.name}`);
  if (probe.exception) parts.push(`${probe.exception.exc_type}: ${probe.exception.message.split("\n")[0]}`);
  parts.push(`${probe.sql.count} quer${probe.sql.count === 1 ? "y" : "ies"}`);
  const loops = probe.sql.repeated.filter((group) => group.likely_n_plus_one).length;
  if (loops) parts.push(`${loops} likely N+1`);
  return parts.join(", ");
}

export function registerRequestTool(server: StrictMcpServer, context: ServerContext): void {
  const { requests } = context.django;
  server.registerTool(
    "request",
    {
      title: "Send a request through the project",
      description:
        "Send one HTTP request through the project with Django's test client, in its own process (no server needed; CSRF " +
        "checks off, as in tests) and see what happened: the final status and the redirects, the view that answered (source " +
        "file and line, route), the templates rendered in order with their files, the SQL (count, time, each statement " +
        "with its parameters, repeated statements grouped and flagged likely_n_plus_one at 5 or more), the response's " +
        "headers and body (JSON parsed; HTML as text on request), the exception a failing view raised with its traceback " +
        "(the project's frames marked, library frames collapsed), and notes (a path that resolves nowhere, with the closest " +
        "routes). Nothing is kept by default: the view runs inside a transaction on every database that is rolled back " +
        "afterwards (commit=true keeps the writes; transaction says how many statements wrote), and email goes to memory, " +
        "reported in mail, never sent. user signs the request in (force_login). The view's code really runs, and may call " +
        "out (APIs, caches, files): development only.",
      inputSchema: requestInput,
      outputSchema: probeSchema,
      annotations: { title: "Send a request through the project", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async ({ method, path, headers, data, json, user, follow, commit, html_as_text, body_limit, timeout_seconds }, extra): Promise<CallToolResult> => {
      try {
        const request = { method, path, headers, data, json, user, follow, commit, htmlAsText: html_as_text, bodyLimit: body_limit };
        const options = { timeoutSeconds: timeout_seconds, signal: extra.signal };
        const probe = await runLong(extra, context.activity, () => requests.probe(request, options));
        return structuredResult(probe, summary(probe));
      } catch (error) {
        return toolErrorFrom(error, `The ${method} ${path} request`);
      }
    },
  );
}
