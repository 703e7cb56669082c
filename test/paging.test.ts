/**
 * Long lists in pages: list_routes (offset, limit, summary) and django://models (?offset, ?limit,
 * ?summary). In process over a fake service with made-up lists, then end to end on a generated
 * project and on the example: the pages put together are the whole list.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type CallToolResult, ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import type { ModelInfo, Route, RouteList } from "../src/contract/payloads.ts";
import { PAGE_SIZE } from "../src/mcp/paging.ts";
import { RESOURCE_NOT_FOUND } from "../src/mcp/resources.ts";
import type { RoutePage } from "../src/tools/list_routes.ts";
import { type GeneratedProject, generateProject } from "./bench/generated-project.ts";
import { cleanupAfterEach } from "./support/cleanup.ts";
import { type Connected, connect, readResourceError, textOf } from "./support/client.ts";
import { fakeDjango } from "./support/fake-django.ts";
import { connectInProcess } from "./support/in-process.ts";

const defer = cleanupAfterEach();

function fakeRoute(index: number): Route {
  const app = `app_${Math.floor(index / 25)}`;
  return {
    pattern: `${app}/r${index}/`,
    name: index % 5 === 4 ? null : `route-${index}`,
    namespace: index < 25 ? null : app,
    parameters: [],
    view: { name: `${app}.views.view_${index}`, type: "function", source_path: null, line: null, methods: [], class_bases: [] },
  };
}

function fakeModel(index: number): ModelInfo {
  const app = `app_${Math.floor(index / 10)}`;
  return {
    model_class: `Model${index}`,
    import_path: `${app}.models.Model${index}`,
    source_path: null,
    line: null,
    app_label: app,
    label: `${app}.Model${index}`,
    db_table: `${app}_model${index}`,
    fields: { id: "BigAutoField" },
    relations: [],
  };
}

const routeList = (count: number): RouteList => {
  const routes = Array.from({ length: count }, (_, index) => fakeRoute(index));
  return { routes, count, total: count };
};

/** A client of the MCP server in process, over a fake service with `routes` routes and `models` models. */
async function inProcess({ routes = 3, models = 3 } = {}) {
  const django = fakeDjango({
    routes: async (filters) => {
      django.calls.routes.push(filters);
      return routeList(routes);
    },
    models: async () => Array.from({ length: models }, (_, index) => fakeModel(index)),
  });
  const connected = await connectInProcess(django);
  defer(() => connected.close());
  return { client: connected.client, django };
}

async function listRoutes(client: Client, args: Record<string, unknown> = {}): Promise<RoutePage> {
  const result = (await client.callTool({ name: "list_routes", arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(textOf(result));
  return result.structuredContent as unknown as RoutePage;
}

async function readJson(client: Client, uri: string): Promise<unknown> {
  const { contents } = await client.readResource({ uri });
  return JSON.parse((contents[0] as { text: string }).text);
}

interface ModelPage {
  models: ModelInfo[];
  count: number;
  total: number;
  offset: number;
  next_offset: number | null;
  has_more: boolean;
  note?: string;
}

/** Every route, page by page of `limit`, following next_offset; and how many pages it took. */
async function everyRoutePage(client: Client, limit: number, filters: Record<string, unknown> = {}): Promise<{ routes: Route[]; pages: number }> {
  const routes: Route[] = [];
  let offset: number | null = 0;
  let pages = 0;
  while (offset !== null) {
    const page: RoutePage = await listRoutes(client, { ...filters, offset, limit });
    expect(page.offset).toBe(offset);
    expect(page.count).toBe(page.routes.length);
    routes.push(...page.routes);
    offset = page.next_offset;
    expect(page.has_more).toBe(offset !== null);
    pages++;
  }
  return { routes, pages };
}

/** Every model, page by page of `limit` through django://models?offset=&limit=. */
async function everyModelPage(client: Client, limit: number): Promise<{ models: ModelInfo[]; pages: number }> {
  const models: ModelInfo[] = [];
  let offset: number | null = 0;
  let pages = 0;
  while (offset !== null) {
    const page = (await readJson(client, `django://models?offset=${offset}&limit=${limit}`)) as ModelPage;
    expect(page.offset).toBe(offset);
    models.push(...page.models);
    offset = page.next_offset;
    pages++;
  }
  return { models, pages };
}

describe("list_routes in pages", () => {
  test(`${PAGE_SIZE} routes or fewer come whole, with nothing more to get`, async () => {
    const { client } = await inProcess({ routes: PAGE_SIZE });
    const page = await listRoutes(client);
    expect(page.routes).toEqual(routeList(PAGE_SIZE).routes);
    expect([page.count, page.total, page.matched, page.offset, page.next_offset, page.has_more]).toEqual([PAGE_SIZE, PAGE_SIZE, PAGE_SIZE, 0, null, false]);
    expect(page.note).toBeUndefined();
  });

  test(`more than ${PAGE_SIZE} routes: the first ${PAGE_SIZE}, where the next page starts, and a note saying how to get it`, async () => {
    const { client } = await inProcess({ routes: 1234 });
    const page = await listRoutes(client);
    expect(page.routes).toEqual(routeList(1234).routes.slice(0, PAGE_SIZE));
    expect([page.count, page.matched, page.next_offset, page.has_more]).toEqual([PAGE_SIZE, 1234, PAGE_SIZE, true]);
    expect(page.note).toContain(`routes 1–${PAGE_SIZE} of 1234`);
    expect(page.note).toContain(`offset=${PAGE_SIZE}`);
    expect(page.note).toContain("summary=true");
  });

  test("pages by offset and limit, put together, are the whole list in order", async () => {
    const { client } = await inProcess({ routes: 1234 });
    const { routes, pages } = await everyRoutePage(client, 300);
    expect(pages).toBe(5);
    expect(routes).toEqual(routeList(1234).routes);
  });

  test("an offset past the end is an empty last page", async () => {
    const { client } = await inProcess({ routes: 10 });
    const page = await listRoutes(client, { offset: 50 });
    expect([page.routes, page.count, page.matched, page.next_offset, page.has_more]).toEqual([[], 0, 10, null, false]);
  });

  test("summary gives, per namespace in order, how many routes match and their names, instead of the routes", async () => {
    const { client } = await inProcess({ routes: 60 });
    const page = await listRoutes(client, { summary: true });
    expect(page.routes).toEqual([]);
    expect(page.matched).toBe(60);
    expect(page.namespaces?.map(({ namespace, count }) => [namespace, count])).toEqual([
      [null, 25],
      ["app_1", 25],
      ["app_2", 10],
    ]);
    expect(page.namespaces?.[2]?.names).toEqual(["route-50", "route-51", "route-52", "route-53", "route-55", "route-56", "route-57", "route-58"]);
  });

  test("the paging arguments are not passed to the service as filters", async () => {
    const { client, django } = await inProcess();
    await listRoutes(client, { pattern: "app_0/", offset: 1, limit: 1, summary: false });
    expect(django.calls.routes).toEqual([{ pattern: "app_0/" }]);
  });

  test("a negative offset or a limit of 0 is refused before the service is asked", async () => {
    const { client, django } = await inProcess();
    for (const args of [{ offset: -1 }, { limit: 0 }]) {
      const result = (await client.callTool({ name: "list_routes", arguments: args })) as CallToolResult;
      expect(result.isError).toBe(true);
    }
    expect(django.calls.routes).toEqual([]);
  });
});

describe("django://models in pages", () => {
  test(`${PAGE_SIZE} models or fewer are the list of them, as always`, async () => {
    const { client } = await inProcess({ models: PAGE_SIZE });
    const models = (await readJson(client, "django://models")) as ModelInfo[];
    expect(models).toHaveLength(PAGE_SIZE);
  });

  test(`more than ${PAGE_SIZE} models: the first ${PAGE_SIZE}, where the next page starts, and a note saying how to read it`, async () => {
    const { client } = await inProcess({ models: 1001 });
    const page = (await readJson(client, "django://models")) as ModelPage;
    expect(page.models.map((model) => model.model_class)).toEqual(Array.from({ length: PAGE_SIZE }, (_, index) => `Model${index}`));
    expect([page.count, page.total, page.offset, page.next_offset, page.has_more]).toEqual([PAGE_SIZE, 1001, 0, PAGE_SIZE, true]);
    expect(page.note).toContain(`django://models?offset=${PAGE_SIZE}`);
  });

  test("pages read with ?offset=&limit=, put together, are the whole list in order", async () => {
    const { client } = await inProcess({ models: 1001 });
    const { models, pages } = await everyModelPage(client, 250);
    expect(pages).toBe(5);
    expect(models.map((model) => model.model_class)).toEqual(Array.from({ length: 1001 }, (_, index) => `Model${index}`));
  });

  test("?summary=true gives, per app in order, how many models it has and their class names", async () => {
    const { client } = await inProcess({ models: 25 });
    const summary = (await readJson(client, "django://models?summary=true")) as {
      apps: { app_label: string; count: number; models: string[] }[];
      total: number;
    };
    expect(summary.total).toBe(25);
    expect(summary.apps.map(({ app_label, count }) => [app_label, count])).toEqual([
      ["app_0", 10],
      ["app_1", 10],
      ["app_2", 5],
    ]);
    expect(summary.apps[2]?.models).toEqual(["Model20", "Model21", "Model22", "Model23", "Model24"]);
  });

  test("a query, even on a short list, gives the page shape", async () => {
    const { client } = await inProcess({ models: 3 });
    const page = (await readJson(client, "django://models?offset=1")) as ModelPage;
    expect([page.count, page.total, page.offset, page.next_offset, page.has_more]).toEqual([2, 3, 1, null, false]);
  });

  test("an unknown query parameter is invalid params (-32602) naming the ones it takes", async () => {
    const { client } = await inProcess();
    const error = await readResourceError(client, "django://models?page=2");
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain("offset, limit, summary");
  });

  test("an offset that is not a whole number is invalid params (-32602)", async () => {
    const { client } = await inProcess();
    const error = await readResourceError(client, "django://models?offset=-5");
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain("offset must be a whole number");
  });

  test("a query on a resource that takes none is not found", async () => {
    const { client } = await inProcess();
    expect((await readResourceError(client, "django://apps?offset=1")).code).toBe(RESOURCE_NOT_FOUND);
  });

  test("read_resource reads a page by its query too", async () => {
    const { client } = await inProcess({ models: 1001 });
    const result = (await client.callTool({ name: "read_resource", arguments: { uri: "django://models?offset=1000" } })) as CallToolResult;
    const { content } = result.structuredContent as { content: ModelPage };
    expect(content.models.map((model) => model.model_class)).toEqual(["Model1000"]);
    expect(content.has_more).toBe(false);
  });
});

describe("on a generated project of 60 apps (1,500 routes, 604 models)", () => {
  let project: GeneratedProject;
  let server: Connected;
  beforeAll(async () => {
    project = generateProject(60);
    server = await connect({ cwd: project.root, args: ["--settings", project.settingsModule, "--pythonpath", project.root] });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(project.root, { recursive: true, force: true });
  });

  test("list_routes pages, put together, are every route, as one call with a large limit gives them", async () => {
    const whole = await listRoutes(server.client, { limit: 100_000 });
    expect(whole.count).toBe(project.routes);
    const { routes, pages } = await everyRoutePage(server.client, 400);
    expect(pages).toBe(4);
    expect(routes).toEqual(whole.routes);
  });

  test("filtered list_routes pages, put together, are every matching route", async () => {
    const whole = await listRoutes(server.client, { name: "detail", limit: 100_000 });
    expect(whole.matched).toBe(project.apps * 10);
    expect((await everyRoutePage(server.client, 250, { name: "detail" })).routes).toEqual(whole.routes);
  });

  test("the summary counts every route once, per namespace", async () => {
    const summary = await listRoutes(server.client, { summary: true });
    expect(summary.namespaces).toHaveLength(project.apps);
    expect(summary.namespaces?.reduce((sum, { count }) => sum + count, 0)).toBe(project.routes);
    expect(summary.namespaces?.[0]).toMatchObject({ namespace: "section0:app_000", count: 25 });
  });

  test("django://models pages, put together, are every model", async () => {
    const whole = (await readJson(server.client, `django://models?limit=100000`)) as ModelPage;
    expect(whole.total).toBe(project.models);
    const { models, pages } = await everyModelPage(server.client, 200);
    expect(pages).toBe(4);
    expect(models).toEqual(whole.models);
  });
});

describe("on the example project", () => {
  let server: Connected;
  beforeAll(async () => {
    server = await connect();
  });
  afterAll(() => server?.close());

  test("list_routes pages of 3, put together, are the whole list it gives by default", async () => {
    const whole = await listRoutes(server.client);
    expect(whole.has_more).toBe(false);
    expect((await everyRoutePage(server.client, 3)).routes).toEqual(whole.routes);
  });

  test("django://models pages of 2, put together, are the list it gives by default", async () => {
    const whole = (await readJson(server.client, "django://models")) as ModelInfo[];
    expect((await everyModelPage(server.client, 2)).models).toEqual(whole);
  });
});
