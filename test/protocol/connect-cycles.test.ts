/**
 * An SDK client connects, lists and uses everything the server offers, and disconnects, 20 times
 * in a row over each transport: normal comings and goings (and the server's own shutdown) are
 * never logged as errors, also when they come before the Python sidecar is ready.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { connect as connectSocket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { cleanupAfterEach } from "../support/cleanup.ts";
import { connect, textOf } from "../support/client.ts";
import { type FakeDjangoPackages, startFakeDjangoPackages } from "../support/fake-djangopackages.ts";
import { connectHttp, startHttp } from "../support/http.ts";

const defer = cleanupAfterEach();

const CYCLES = 20;

/** A consola error line, or an error Bun printed for something uncaught. */
const ERROR_LINE = /^\s*ERROR\s|^error:/m;

/** One URI per resource template, with values the example project and the fake Django Packages have. */
const TEMPLATE_URIS = [
  "django://app/catalog",
  "django://model/catalog/Book",
  "djangopackages.org://packages/django-rest-framework",
  "djangopackages.org://grids/rest-frameworks",
  "djangopackages.org://categories/apps",
  "django://setting/DEBUG",
];

const TOOL_CALLS: Record<string, Record<string, unknown>> = {
  shell: { code: "1 + 1" },
  list_routes: {},
  search_djangopackages: { query: "rest" },
  read_resource: { uri: "django://apps" },
  list_commands: {},
  command_help: { name: "check" },
  run_command: { name: "check", args: [] },
  migrations: {},
  sqlmigrate: { app_label: "catalog", migration_name: "0001" },
  check: {},
  get_setting: { name: "DEBUG" },
  resolve_url: { path: "/catalog/books/1/" },
  reverse_url: { name: "catalog:book-detail", kwargs: { pk: 1 } },
  find_template: { name: "base.html" },
  list_templates: {},
  request: { method: "GET", path: "/" },
  logs: {},
  last_error: {},
};

/** Lists and uses every tool, resource, template and completion the server offers; fails on any error. */
async function useEverything(client: Client): Promise<void> {
  await client.ping();
  // No prompts here: the server must not claim them.
  expect(client.getServerCapabilities()?.prompts).toBeUndefined();
  const { tools } = await client.listTools();
  expect(tools.map((tool) => tool.name).sort()).toEqual(Object.keys(TOOL_CALLS).sort());
  for (const [name, args] of Object.entries(TOOL_CALLS)) {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    if (result.isError) throw new Error(`${name}: ${textOf(result)}`);
  }
  const { resources } = await client.listResources();
  for (const { uri } of resources) await client.readResource({ uri });
  const { resourceTemplates } = await client.listResourceTemplates();
  expect(resourceTemplates).toHaveLength(TEMPLATE_URIS.length);
  for (const uri of TEMPLATE_URIS) await client.readResource({ uri });
  const { completion } = await client.complete({
    ref: { type: "ref/resource", uri: "django://app/{app_label}" },
    argument: { name: "app_label", value: "cat" },
  });
  expect(completion.values).toContain("catalog");
}

let fake: FakeDjangoPackages;
let cacheDir: string;
/** Django Packages as the tools and resources reach it: the fake, with a cache of this file's own. */
let packagesEnv: Record<string, string>;
beforeAll(() => {
  fake = startFakeDjangoPackages();
  cacheDir = mkdtempSync(join(tmpdir(), "mcp-django-cycles-"));
  packagesEnv = { MCP_DJANGO_DJANGOPACKAGES_URL: fake.url, MCP_DJANGO_CACHE_DIR: cacheDir };
});
afterAll(async () => {
  await fake.stop();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe("connect, use everything, disconnect: 20 times", () => {
  test("over stdio, a new server each time, with no ERROR on stderr", async () => {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const connected = await connect({ env: packagesEnv });
      defer(() => connected.close());
      await useEverything(connected.client);
      await connected.close();
      expect(connected.stderr()).not.toMatch(ERROR_LINE);
    }
  });

  for (const kind of ["http", "sse"] as const) {
    test(`over ${kind === "http" ? "Streamable HTTP" : "legacy SSE"}, one server, with no ERROR on stderr up to its shutdown`, async () => {
      const server = await startHttp(kind, [], packagesEnv);
      defer(() => server.stop());
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const connected = await connectHttp(server);
        defer(() => connected.client.close());
        await useEverything(connected.client);
        await connected.end();
      }
      await server.stop();
      expect(server.stderr()).not.toMatch(ERROR_LINE);
    });
  }
});

describe("leaving early", () => {
  test("over stdio, 20 clients that list the tools and leave at once, before the sidecar is ready: no ERROR on stderr", async () => {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const connected = await connect();
      defer(() => connected.close());
      await connected.client.listTools();
      await connected.close();
      expect(connected.stderr()).not.toMatch(ERROR_LINE);
    }
  });

  test("over Streamable HTTP, a client gone in the middle of sending a POST body: no ERROR on stderr, and the server serves on", async () => {
    const server = await startHttp("http");
    defer(() => server.stop());
    await new Promise<void>((resolve, reject) => {
      const socket = connectSocket(Number(server.url.port), server.url.hostname);
      socket.on("error", reject);
      socket.on("connect", () => {
        const head = [`POST ${server.url.pathname} HTTP/1.1`, `Host: ${server.url.host}`, `Authorization: Bearer ${server.token}`, "Content-Length: 1000"];
        socket.write(`${head.join("\r\n")}\r\n\r\n{"jsonrpc":`);
        // Once the server is waiting for the rest of the body.
        setTimeout(() => {
          socket.resetAndDestroy();
          resolve();
        }, 200);
      });
    });
    const connected = await connectHttp(server);
    defer(() => connected.client.close());
    await connected.client.listTools();
    await connected.end();
    expect(server.stderr()).not.toMatch(ERROR_LINE);
  });

  for (const kind of ["http", "sse"] as const) {
    test(`over ${kind === "http" ? "Streamable HTTP" : "legacy SSE"}, a server stopped right after a client listed the tools, before its sidecar is ready: no ERROR on stderr`, async () => {
      const server = await startHttp(kind);
      defer(() => server.stop());
      const connected = await connectHttp(server);
      defer(() => connected.client.close());
      await connected.client.listTools();
      await server.stop();
      expect(server.stderr()).not.toMatch(ERROR_LINE);
    });
  }
});
