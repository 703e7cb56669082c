import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { RouteList as ListRoutesResult, Route } from "../src/contract/payloads.ts";
import { type Connected, connect, textOf } from "./support/client.ts";
import { EXAMPLE } from "./support/paths.ts";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"] as const;
type Method = (typeof METHODS)[number];

let server: Connected;
let all: ListRoutesResult;
beforeAll(async () => {
  server = await connect();
  all = await listRoutes({});
});
afterAll(async () => {
  await server.close();
});

async function callListRoutes(args: Record<string, unknown>): Promise<CallToolResult> {
  return (await server.client.callTool({ name: "list_routes", arguments: args })) as CallToolResult;
}

async function listRoutes(args: { method?: Method; name?: string; pattern?: string }): Promise<ListRoutesResult> {
  const result = await callListRoutes(args);
  if (result.isError) throw new Error(`list_routes failed: ${textOf(result)}`);
  return result.structuredContent as unknown as ListRoutesResult;
}

/** The route with this full pattern (patterns are unique in the example). */
function route(pattern: string): Route {
  const found = all.routes.filter((candidate) => candidate.pattern === pattern);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const example = (file: string) => `${EXAMPLE}/${file}`;
const patternsOf = (routes: Route[]) => routes.map((candidate) => candidate.pattern);
const unknownMethods = () => all.routes.filter((candidate) => candidate.view.methods.length === 0);

/** The source line a view points at: its `def` or `class` statement. */
async function lineAt(path: string, line: number): Promise<string> {
  return ((await Bun.file(path).text()).split("\n")[line - 1] ?? "").trim();
}

describe("list_routes: the tool", () => {
  test("is read-only and describes its filters", async () => {
    const { tools } = await server.client.listTools();
    const tool = tools.find((candidate) => candidate.name === "list_routes");
    expect(tool?.annotations?.readOnlyHint).toBe(true);
    expect(Object.keys(tool?.inputSchema.properties ?? {}).sort()).toEqual(["limit", "method", "name", "offset", "pattern", "summary"]);
    expect(tool?.inputSchema.required ?? []).toEqual([]);
    expect(tool?.outputSchema).toBeDefined();
  });

  test("returns structured content mirrored as JSON text, with counts", async () => {
    const result = await callListRoutes({});
    expect(JSON.parse(textOf(result))).toEqual(result.structuredContent!);
    expect(all.count).toBe(all.routes.length);
    expect(all.total).toBe(all.routes.length);
  });

  test("walks the URLconf depth-first in order: admin first, then the project's routes as written", async () => {
    expect(all.routes[0]).toMatchObject({ pattern: "admin/", name: "index", namespace: "admin" });
    expect(patternsOf(all.routes.filter((candidate) => candidate.namespace !== "admin"))).toEqual([
      "",
      "about/",
      "old-catalog/",
      "health/",
      "ping/",
      "archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/",
      "catalog/",
      "catalog/books/<int:pk>/",
      "catalog/books/<int:pk>/edit/",
      "catalog/authors/<slug:slug>/",
      "catalog/search/",
      "catalog/tags/<slug:tag>/",
      "orders/",
      "orders/<int:order_id>/",
      "orders/<int:order_id>/cancel/",
      "orders/checkout/",
      "orders/webhook/",
      "api/v1/users/<int:user_id>/",
      "api/v1/users/me/",
      "api/v1/books/",
      "api/v1/books\\.(?P<format>[a-z0-9]+)/?",
      "api/v1/books/(?P<pk>[^/.]+)/",
      "api/v1/books/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?",
      "api/v1/",
      "api/v1/<drf_format_suffix:format>",
      "debug/boom/",
      "shelf/",
      "tags/new/",
      "contact/",
      "account/",
    ]);
  });

  test("every view with a source file points at the line of its def or class", async () => {
    for (const { view } of all.routes) {
      if (view.source_path === null || view.line === null) continue;
      const shortName = view.name.split(".").at(-1)!;
      expect(await lineAt(view.source_path, view.line)).toMatch(new RegExp(`^(async def|def|class) ${shortName}\\b`));
    }
  });
});

describe("list_routes: function views", () => {
  test("a plain function: unknown methods", () => {
    expect(route("")).toEqual({
      pattern: "",
      name: "home",
      namespace: null,
      parameters: [],
      view: { name: "bookshop.views.home", type: "function", source_path: example("bookshop/views.py"), line: 12, methods: [], class_bases: [] },
    });
  });

  test("require_GET", () => {
    expect(route("catalog/authors/<slug:slug>/")).toEqual({
      pattern: "catalog/authors/<slug:slug>/",
      name: "author-detail",
      namespace: "catalog",
      parameters: ["slug"],
      view: { name: "catalog.views.author_detail", type: "function", source_path: example("catalog/views.py"), line: 27, methods: ["GET"], class_bases: [] },
    });
  });

  test("require_GET under cache_page: found through the stack of decorators", () => {
    expect(route("catalog/search/")).toEqual({
      pattern: "catalog/search/",
      name: "search",
      namespace: "catalog",
      parameters: [],
      view: { name: "catalog.views.search", type: "function", source_path: example("catalog/views.py"), line: 34, methods: ["GET"], class_bases: [] },
    });
  });

  test("require_http_methods under login_required", () => {
    expect(route("orders/<int:order_id>/")).toEqual({
      pattern: "orders/<int:order_id>/",
      name: "order-detail",
      namespace: "orders",
      parameters: ["order_id"],
      view: {
        name: "orders.views.order_detail",
        type: "function",
        source_path: example("orders/views.py"),
        line: 28,
        methods: ["GET", "POST"],
        class_bases: [],
      },
    });
  });

  test("require_POST", () => {
    expect(route("orders/<int:order_id>/cancel/")).toEqual({
      pattern: "orders/<int:order_id>/cancel/",
      name: "order-cancel",
      namespace: "orders",
      parameters: ["order_id"],
      view: { name: "orders.views.cancel_order", type: "function", source_path: example("orders/views.py"), line: 38, methods: ["POST"], class_bases: [] },
    });
  });

  test("require_safe on a re_path: regex pieces joined without anchors, named groups as parameters", () => {
    expect(route("archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/")).toEqual({
      pattern: "archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/",
      name: "archive",
      namespace: null,
      parameters: ["year", "month"],
      view: {
        name: "bookshop.views.archive",
        type: "function",
        source_path: example("bookshop/views.py"),
        line: 35,
        methods: ["GET", "HEAD"],
        class_bases: [],
      },
    });
  });

  test("a nested include without a namespace keeps its parent's", () => {
    expect(route("catalog/tags/<slug:tag>/")).toEqual({
      pattern: "catalog/tags/<slug:tag>/",
      name: "books-by-tag",
      namespace: "catalog",
      parameters: ["tag"],
      view: {
        name: "catalog.views.books_by_tag",
        type: "function",
        source_path: example("catalog/views.py"),
        line: 41,
        methods: ["GET", "POST"],
        class_bases: [],
      },
    });
  });

  test("a functools.partial view is reported as the function it wraps", () => {
    expect(route("health/")).toEqual({
      pattern: "health/",
      name: "health",
      namespace: null,
      parameters: [],
      view: { name: "bookshop.views.health", type: "function", source_path: example("bookshop/views.py"), line: 19, methods: [], class_bases: [] },
    });
  });

  test("a callable instance is reported by its class", () => {
    expect(route("ping/")).toEqual({
      pattern: "ping/",
      name: "ping",
      namespace: null,
      parameters: [],
      view: { name: "bookshop.views.Ping", type: "instance", source_path: example("bookshop/views.py"), line: 27, methods: [], class_bases: [] },
    });
  });
});

describe("list_routes: class views", () => {
  test("a ListView", () => {
    expect(route("catalog/")).toEqual({
      pattern: "catalog/",
      name: "book-list",
      namespace: "catalog",
      parameters: [],
      view: {
        name: "catalog.views.BookListView",
        type: "class",
        source_path: example("catalog/views.py"),
        line: 9,
        methods: ["GET", "HEAD", "OPTIONS"],
        class_bases: ["ListView"],
      },
    });
  });

  test("a DetailView: its get and options handlers, and HEAD that View.setup() serves with get", () => {
    expect(route("catalog/books/<int:pk>/")).toEqual({
      pattern: "catalog/books/<int:pk>/",
      name: "book-detail",
      namespace: "catalog",
      parameters: ["pk"],
      view: {
        name: "catalog.views.BookDetailView",
        type: "class",
        source_path: example("catalog/views.py"),
        line: 17,
        methods: ["GET", "HEAD", "OPTIONS"],
        class_bases: ["DetailView"],
      },
    });
  });

  test("an UpdateView: get, post and put", () => {
    expect(route("catalog/books/<int:pk>/edit/").view).toMatchObject({
      name: "catalog.views.BookUpdateView",
      line: 21,
      methods: ["GET", "POST", "PUT", "HEAD", "OPTIONS"],
      class_bases: ["UpdateView"],
    });
  });

  test("a view with a mixin lists both bases", () => {
    expect(route("orders/").view).toEqual({
      name: "orders.views.OrderListView",
      type: "class",
      source_path: example("orders/views.py"),
      line: 19,
      methods: ["GET", "HEAD", "OPTIONS"],
      class_bases: ["LoginRequiredMixin", "ListView"],
    });
  });

  test("http_method_names limits the handlers: no HEAD or OPTIONS when they are not allowed", () => {
    expect(route("orders/checkout/")).toEqual({
      pattern: "orders/checkout/",
      name: "checkout",
      namespace: "orders",
      parameters: [],
      view: {
        name: "orders.views.CheckoutView",
        type: "class",
        source_path: example("orders/views.py"),
        line: 47,
        methods: ["GET", "POST"],
        class_bases: ["View"],
      },
    });
  });

  test("http_method_names drops a handler the class defines (get), under method_decorator", () => {
    expect(route("orders/webhook/").view).toEqual({
      name: "orders.views.StatusWebhookView",
      type: "class",
      source_path: example("orders/views.py"),
      line: 70,
      methods: ["POST", "PUT"],
      class_bases: ["View"],
    });
  });

  test("as_view() of Django's own TemplateView and RedirectView", async () => {
    const about = route("about/");
    expect(about).toMatchObject({ name: "about", namespace: null, parameters: [] });
    expect(about.view).toMatchObject({ name: "django.views.generic.base.TemplateView", type: "class", methods: ["GET", "HEAD", "OPTIONS"] });
    expect(about.view.class_bases).toEqual(["TemplateResponseMixin", "ContextMixin", "View"]);
    expect(about.view.source_path).toEndWith("/django/views/generic/base.py");
    expect(await lineAt(about.view.source_path!, about.view.line!)).toStartWith("class TemplateView(");

    const redirect = route("old-catalog/");
    expect(redirect.view).toMatchObject({
      name: "django.views.generic.base.RedirectView",
      type: "class",
      methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
      class_bases: ["View"],
    });
    expect(await lineAt(redirect.view.source_path!, redirect.view.line!)).toStartWith("class RedirectView(");
  });

  test("a DetailView three namespaces deep: namespaces joined through the nested includes", () => {
    expect(route("api/v1/users/<int:user_id>/")).toEqual({
      pattern: "api/v1/users/<int:user_id>/",
      name: "user-detail",
      namespace: "api:v1:users",
      parameters: ["user_id"],
      view: {
        name: "api.views.UserDetail",
        type: "class",
        source_path: example("api/views.py"),
        line: 7,
        methods: ["GET", "HEAD", "OPTIONS"],
        class_bases: ["DetailView"],
      },
    });
  });
});

describe("list_routes: Django REST framework and the admin", () => {
  test("an @api_view function is reported under its own name and def, with the methods it allows", () => {
    expect(route("api/v1/users/me/")).toEqual({
      pattern: "api/v1/users/me/",
      name: "me",
      namespace: "api:v1:users",
      parameters: [],
      view: {
        name: "api.views.current_user",
        type: "class",
        source_path: example("api/views.py"),
        line: 15,
        methods: ["GET", "OPTIONS"],
        class_bases: ["APIView"],
      },
    });
  });

  test("a router's viewset list route: methods from the route's actions, in the router's un-namespaced include", () => {
    expect(route("api/v1/books/")).toEqual({
      pattern: "api/v1/books/",
      name: "book-list",
      namespace: "api:v1",
      parameters: [],
      view: {
        name: "api.viewsets.BookViewSet",
        type: "class",
        source_path: example("api/viewsets.py"),
        line: 8,
        methods: ["GET", "POST", "HEAD", "OPTIONS"],
        class_bases: ["ModelViewSet"],
        actions: { GET: "list", POST: "create" },
      },
    });
  });

  test("a router's viewset detail route: a regex parameter", () => {
    expect(route("api/v1/books/(?P<pk>[^/.]+)/")).toEqual({
      pattern: "api/v1/books/(?P<pk>[^/.]+)/",
      name: "book-detail",
      namespace: "api:v1",
      parameters: ["pk"],
      view: {
        name: "api.viewsets.BookViewSet",
        type: "class",
        source_path: example("api/viewsets.py"),
        line: 8,
        methods: ["GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        class_bases: ["ModelViewSet"],
        actions: { GET: "retrieve", PUT: "update", PATCH: "partial_update", DELETE: "destroy" },
      },
    });
    expect(route("api/v1/books/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?").parameters).toEqual(["pk", "format"]);
  });

  test("the router's API root view", () => {
    expect(route("api/v1/")).toMatchObject({ name: "api-root", namespace: "api:v1", parameters: [] });
    expect(route("api/v1/").view).toMatchObject({
      name: "rest_framework.routers.APIRootView",
      type: "class",
      methods: ["GET", "HEAD", "OPTIONS"],
      class_bases: ["APIView"],
    });
  });

  test("admin routes are bound methods of the site and model admins", () => {
    expect(route("admin/").view).toMatchObject({ name: "django.contrib.admin.sites.AdminSite.index", type: "method", methods: [], class_bases: [] });
    expect(route("admin/catalog/book/").view).toMatchObject({ name: "django.contrib.admin.options.ModelAdmin.changelist_view", type: "method" });
    expect(route("admin/catalog/book/")).toMatchObject({ name: "catalog_book_changelist", namespace: "admin" });
    expect(route("admin/catalog/book/<path:object_id>/change/").parameters).toEqual(["object_id"]);
  });
});

describe("list_routes: filters", () => {
  test("no filter returns every route", async () => {
    expect((await listRoutes({})).count).toBe(all.total);
  });

  test.each(METHODS)("method %s: routes that accept it, and every route whose methods are unknown", async (method) => {
    const result = await listRoutes({ method });
    const expected = all.routes.filter((candidate) => candidate.view.methods.length === 0 || candidate.view.methods.includes(method));
    expect(result.routes).toEqual(expected);
    expect(result.count).toBe(expected.length);
    expect(result.total).toBe(all.total);
    // Unknown methods match any method filter.
    expect(patternsOf(result.routes)).toEqual(expect.arrayContaining(patternsOf(unknownMethods())));
  });

  test("method POST keeps POST views and drops GET-only ones", async () => {
    const patterns = patternsOf((await listRoutes({ method: "POST" })).routes);
    expect(patterns).toEqual(
      expect.arrayContaining(["orders/<int:order_id>/cancel/", "orders/checkout/", "orders/webhook/", "api/v1/books/", "", "health/", "ping/"]),
    );
    for (const dropped of [
      "catalog/authors/<slug:slug>/",
      "catalog/search/",
      "catalog/books/<int:pk>/",
      "api/v1/users/me/",
      "archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/",
    ]) {
      expect(patterns).not.toContain(dropped);
    }
  });

  test("method TRACE: no view accepts it, so only the unknown ones remain", async () => {
    expect((await listRoutes({ method: "TRACE" })).routes).toEqual(unknownMethods());
  });

  test("name: a substring of the route name; unnamed routes never match", async () => {
    const result = await listRoutes({ name: "detail" });
    expect(result.routes.length).toBeGreaterThan(0);
    for (const candidate of result.routes) expect(candidate.name).toContain("detail");
    expect(result.routes).toEqual(all.routes.filter((candidate) => candidate.name?.includes("detail")));
    expect(patternsOf(result.routes)).toEqual(
      expect.arrayContaining([
        "catalog/books/<int:pk>/",
        "catalog/authors/<slug:slug>/",
        "orders/<int:order_id>/",
        "api/v1/users/<int:user_id>/",
        "api/v1/books/(?P<pk>[^/.]+)/",
      ]),
    );
  });

  test("name is matched against the name only, not the namespace", async () => {
    expect((await listRoutes({ name: "api:v1" })).routes).toEqual([]);
    expect((await listRoutes({ name: "user-detail" })).routes.map((candidate) => candidate.namespace)).toEqual(["api:v1:users"]);
  });

  test("pattern: a substring of the full pattern", async () => {
    const result = await listRoutes({ pattern: "books/" });
    expect(result.routes).toEqual(all.routes.filter((candidate) => candidate.pattern.includes("books/")));
    expect(patternsOf(result.routes)).toEqual(
      expect.arrayContaining(["catalog/books/<int:pk>/", "catalog/books/<int:pk>/edit/", "api/v1/books/", "api/v1/books/(?P<pk>[^/.]+)/"]),
    );
    expect(patternsOf((await listRoutes({ pattern: "api/v1/users/" })).routes)).toEqual(["api/v1/users/<int:user_id>/", "api/v1/users/me/"]);
  });

  test("method and pattern combined", async () => {
    expect(patternsOf((await listRoutes({ method: "POST", pattern: "<int:order_id>" })).routes)).toEqual([
      "orders/<int:order_id>/",
      "orders/<int:order_id>/cancel/",
    ]);
    expect(patternsOf((await listRoutes({ method: "GET", pattern: "<int:order_id>" })).routes)).toEqual(["orders/<int:order_id>/"]);
    // The admin's views mostly have unknown methods, so they stay.
    const admin = all.routes.filter(
      (candidate) => candidate.pattern.startsWith("admin/orders/") && (candidate.view.methods.length === 0 || candidate.view.methods.includes("POST")),
    );
    expect(admin.length).toBeGreaterThan(0);
    const result = await listRoutes({ method: "POST", pattern: "orders/" });
    expect(patternsOf(result.routes)).toEqual([
      ...patternsOf(admin),
      "orders/<int:order_id>/",
      "orders/<int:order_id>/cancel/",
      "orders/checkout/",
      "orders/webhook/",
    ]);
  });

  test("method and name combined", async () => {
    const result = await listRoutes({ method: "DELETE", name: "book-" });
    expect(patternsOf(result.routes)).toEqual(["api/v1/books/(?P<pk>[^/.]+)/", "api/v1/books/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?"]);
  });

  test("all three filters combined", async () => {
    const post = await listRoutes({ method: "POST", name: "book", pattern: "catalog/books/" });
    expect(post.routes.map((candidate) => candidate.name)).toEqual(["book-edit"]);
    expect(post.count).toBe(1);
    expect(post.total).toBe(all.total);
    const put = await listRoutes({ method: "PUT", name: "book", pattern: "books" });
    expect(patternsOf(put.routes)).toEqual([
      "catalog/books/<int:pk>/edit/",
      "api/v1/books/(?P<pk>[^/.]+)/",
      "api/v1/books/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?",
    ]);
  });

  test("all three filters with an unknown-method route: kept by the method filter", async () => {
    const result = await listRoutes({ method: "DELETE", name: "health", pattern: "health" });
    expect(patternsOf(result.routes)).toEqual(["health/"]);
  });

  test("nothing matching is an empty list, not an error", async () => {
    const result = await listRoutes({ name: "no-such-route" });
    expect(result as unknown).toEqual({ routes: [], count: 0, total: all.total, matched: 0, offset: 0, next_offset: null, has_more: false });
  });

  test("a method outside the enum is rejected", async () => {
    const result = await callListRoutes({ method: "FETCH" }).catch((error: Error) => ({
      isError: true,
      content: [{ type: "text" as const, text: error.message }],
    }));
    expect(result.isError).toBe(true);
    expect(textOf(result as CallToolResult)).toContain("method");
  });
});

describe("list_routes: a URLconf that fails to import", () => {
  let broken: Connected;
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "mcp-django-broken-"));
    mkdirSync(join(root, "brokensite"));
    writeFileSync(join(root, "brokensite/__init__.py"), "");
    writeFileSync(
      join(root, "brokensite/settings.py"),
      'SECRET_KEY = "x"\nINSTALLED_APPS = ["django.contrib.contenttypes"]\nROOT_URLCONF = "brokensite.urls"\nDATABASES = {}\n',
    );
    writeFileSync(join(root, "brokensite/urls.py"), 'raise RuntimeError("the URLconf exploded")\n');
    broken = await connect({ cwd: root, args: ["--settings", "brokensite.settings"] });
  });
  afterAll(async () => {
    await broken.close();
    rmSync(root, { recursive: true, force: true });
  });

  test("is a tool error with the project's exception and traceback", async () => {
    const result = (await broken.client.callTool({ name: "list_routes", arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toStartWith("Listing the routes failed (RuntimeError): the URLconf exploded");
    expect(textOf(result)).toContain(`${root}/brokensite/urls.py", line 1`);
  });

  test("leaves the other introspection working", async () => {
    const { contents } = await broken.client.readResource({ uri: "django://models" });
    const models = JSON.parse((contents[0] as { text: string }).text) as { label: string }[];
    expect(models.map((model) => model.label)).toEqual(["contenttypes.ContentType"]);
  });
});
