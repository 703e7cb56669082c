/**
 * The read-only looks at the project's state, end to end over the real CLI and stdio: migrations,
 * sqlmigrate, check, the settings (resources and get_setting), resolve_url, reverse_url,
 * find_template and list_templates, against a copy of the example project with something for
 * each (test/support/lookups-fixture.ts).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type {
  CheckResult,
  MigrationSql,
  Migrations,
  ResolvedUrl,
  ReversedUrl,
  Setting,
  SettingsList,
  TemplateList,
  TemplateLookup,
} from "../src/contract/payloads.ts";
import { RESOURCE_NOT_FOUND } from "../src/mcp/resources.ts";
import { cleanupAfterAll, cleanupAfterEach } from "./support/cleanup.ts";
import { type Connected, connect, readResourceError, textOf } from "./support/client.ts";
import type { ExampleCopy } from "./support/example-copy.ts";
import { copyLookupsFixture, FIXTURE_SECRETS, PENDING_MIGRATION } from "./support/lookups-fixture.ts";

const READ_ONLY_TOOLS = ["migrations", "sqlmigrate", "check", "get_setting", "resolve_url", "reverse_url", "find_template", "list_templates"];

const deferAll = cleanupAfterAll();
const defer = cleanupAfterEach();

let fixture: ExampleCopy;
let server: Connected;
beforeAll(async () => {
  fixture = copyLookupsFixture();
  deferAll(() => fixture.remove());
  server = await connect({ cwd: fixture.root });
  deferAll(() => server.close());
});

async function call(name: string, args: Record<string, unknown> = {}, client: Client = server.client): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** The tool's structured result; throws with its text when it is a tool error. */
async function result<T>(name: string, args: Record<string, unknown> = {}, client: Client = server.client): Promise<T> {
  const called = await call(name, args, client);
  if (called.isError) throw new Error(`${name} failed: ${textOf(called)}`);
  return called.structuredContent as T;
}

/** The text of the tool error the call gives; throws when it succeeds. */
async function toolError(name: string, args: Record<string, unknown>): Promise<string> {
  const called = await call(name, args);
  if (!called.isError) throw new Error(`${name} succeeded: ${textOf(called)}`);
  return textOf(called);
}

async function readJson<T>(uri: string): Promise<T> {
  const { contents } = await server.client.readResource({ uri });
  const [content] = contents;
  if (!content || !("text" in content)) throw new Error(`${uri}: no text content`);
  return JSON.parse(content.text) as T;
}

const catalogMigrations = (status: Migrations) => status.databases[0]!.apps.find((app) => app.app_label === "catalog")!.migrations;

describe("migrations", () => {
  test("lists each app's migrations, applied or not, with when each was applied", async () => {
    const status = await result<Migrations>("migrations");
    expect(status.databases.map((database) => database.alias)).toEqual(["default"]);
    const [initial, pending] = catalogMigrations(status);
    expect(initial).toMatchObject({ name: "0001_initial", applied: true, replaces: [] });
    expect(initial!.applied_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    expect(pending).toEqual({ name: PENDING_MIGRATION, applied: false, applied_at: null, replaces: [] });
  });

  test("the plan is the migration migrate would apply next", async () => {
    const status = await result<Migrations>("migrations");
    expect(status.databases[0]!.plan).toEqual([`catalog.${PENDING_MIGRATION}`]);
    expect(status.databases[0]!.error).toBeNull();
  });

  test("a model field without a migration is an operation of the migration makemigrations would create", async () => {
    const status = await result<Migrations>("migrations");
    expect(status.model_changes).toEqual([
      { app_label: "catalog", migration_name: "0003_book_subtitle", operations: ["Add field subtitle to book"], notes: [] },
    ]);
    expect(status.conflicts).toEqual([]);
  });

  test("writes no migration file", async () => {
    const before = readdirSync(join(fixture.root, "catalog/migrations")).sort();
    await result<Migrations>("migrations");
    expect(readdirSync(join(fixture.root, "catalog/migrations")).sort()).toEqual(before);
  });

  test("app_label keeps one app", async () => {
    const status = await result<Migrations>("migrations", { app_label: "orders" });
    expect(status.databases[0]!.apps.map((app) => app.app_label)).toEqual(["orders"]);
    expect(status.databases[0]!.plan).toEqual([]);
    expect(status.model_changes).toEqual([]);
  });

  test("an unknown database alias is a tool error naming the aliases", async () => {
    expect(await toolError("migrations", { database: "replica" })).toBe("No database alias 'replica'. The aliases in DATABASES: default.");
  });

  test("an app without migrations is a tool error naming the apps that have some", async () => {
    expect(await toolError("migrations", { app_label: "api" })).toStartWith(
      "App 'api' has no migrations. The apps with migrations: accounts, admin, auth, catalog,",
    );
  });
});

describe("migrations after migrate", () => {
  test("once run_command(migrate) has run, the plan is empty and the migration applied", async () => {
    const copy = copyLookupsFixture();
    defer(() => copy.remove());
    const own = await connect({ cwd: copy.root });
    defer(() => own.close());
    const migrated = await own.client.callTool({ name: "run_command", arguments: { name: "migrate", args: ["--verbosity", "0"] } });
    expect(migrated.structuredContent).toMatchObject({ status: 0 });
    const status = await result<Migrations>("migrations", {}, own.client);
    expect(status.databases[0]!.plan).toEqual([]);
    expect(catalogMigrations(status).at(-1)).toMatchObject({ name: PENDING_MIGRATION, applied: true });
  });
});

describe("sqlmigrate", () => {
  test("gives a migration's SQL without running it", async () => {
    const sql = await result<MigrationSql>("sqlmigrate", { app_label: "catalog", migration_name: "0002" });
    expect(sql).toMatchObject({ app_label: "catalog", migration_name: PENDING_MIGRATION, database: "default", backwards: false });
    expect(sql.sql).toStartWith("BEGIN;\n");
    expect(sql.sql).toContain('"country"');
    expect(sql.statements.join("\n")).toContain("-- Add field country to publisher");
    const status = await result<Migrations>("migrations");
    expect(status.databases[0]!.plan).toEqual([`catalog.${PENDING_MIGRATION}`]);
  });

  test("backwards gives the SQL that unapplies it", async () => {
    const sql = await result<MigrationSql>("sqlmigrate", { app_label: "catalog", migration_name: PENDING_MIGRATION, backwards: true });
    expect(sql.backwards).toBe(true);
    expect(sql.sql).toContain('ALTER TABLE "catalog_publisher" DROP COLUMN "country";');
  });

  test("an unknown migration is a tool error listing the app's migrations", async () => {
    expect(await toolError("sqlmigrate", { app_label: "catalog", migration_name: "0009_nope" })).toBe(
      `App 'catalog' has no migration '0009_nope'. Its migrations: 0001_initial, ${PENDING_MIGRATION}.`,
    );
  });

  test("an unknown app is a tool error listing the installed apps", async () => {
    expect(await toolError("sqlmigrate", { app_label: "shop", migration_name: "0001" })).toStartWith(
      "No installed app with label 'shop'. Installed app labels:",
    );
  });

  test("a missing migration name is refused before the sidecar is asked", async () => {
    const called = await call("sqlmigrate", { app_label: "catalog" });
    expect(called.isError).toBe(true);
    expect(textOf(called)).toContain("migration_name");
  });
});

describe("check", () => {
  test("returns the project's warning with its id, hint and object, and the counts", async () => {
    const checks = await result<CheckResult>("check");
    expect(checks.messages).toEqual([
      { level: "WARNING", id: "catalog.W001", msg: "Books have no cover images.", hint: "Add an ImageField named cover to Book.", obj: "catalog.Book" },
    ]);
    expect(checks.counts).toEqual({ DEBUG: 0, INFO: 0, WARNING: 1, ERROR: 0, CRITICAL: 0 });
    expect(checks.silenced).toBe(0);
  });

  test("deploy adds the deployment checks", async () => {
    const checks = await result<CheckResult>("check", { deploy: true });
    expect(checks.messages.map((message) => message.id)).toEqual(expect.arrayContaining(["catalog.W001", "security.W018"]));
  });

  test("tags keep the checks with those tags", async () => {
    const checks = await result<CheckResult>("check", { tags: ["models"] });
    expect(checks.messages).toEqual([]);
  });

  test("an unknown tag is a tool error naming the tags there are", async () => {
    const error = await toolError("check", { tags: ["nonsense"] });
    expect(error).toStartWith("There is no system check with the tag 'nonsense'. The tags there are:");
    expect(error).toContain("catalog");
  });

  test("tags that are not a list are refused", async () => {
    const called = await call("check", { tags: "models" });
    expect(called.isError).toBe(true);
    expect(textOf(called)).toContain("tags");
  });
});

describe("settings", () => {
  test("django://settings has the settings that differ from Django's defaults", async () => {
    const list = await readJson<SettingsList>("django://settings");
    expect(list.settings).toMatchObject({ DEBUG: true, ROOT_URLCONF: "bookshop.urls", AUTH_USER_MODEL: "accounts.User" });
    expect(list.settings.INSTALLED_APPS).toContain("catalog");
    expect(list.settings_module).toBe("bookshop.settings");
    expect(list.count).toBe(Object.keys(list.settings).length);
    expect(list.at_default).toContain("USE_THOUSAND_SEPARATOR");
    expect(Object.keys(list.settings)).not.toContain("USE_THOUSAND_SEPARATOR");
  });

  test("django://settings never contains the secret key, the database password, an API key or a URL's password", async () => {
    const { contents } = await server.client.readResource({ uri: "django://settings" });
    const text = JSON.stringify(contents);
    for (const secret of Object.values(FIXTURE_SECRETS)) expect(text).not.toContain(secret);
    const list = await readJson<SettingsList>("django://settings");
    expect(list.settings.STRIPE_API_KEY).toEqual({ redacted: true, type: "str", length: FIXTURE_SECRETS.stripeKey.length });
    expect(list.settings.BROKER_URL).toBe("redis://[redacted]@localhost:6379/0");
    expect((list.settings.DATABASES as Record<string, Record<string, unknown>>).default!.PASSWORD).toEqual({
      redacted: true,
      type: "str",
      length: FIXTURE_SECRETS.databasePassword.length,
    });
  });

  test("django://setting/SECRET_KEY shows the redacted shape, with type and length", async () => {
    expect(await readJson<Setting>("django://setting/SECRET_KEY")).toEqual({
      name: "SECRET_KEY",
      value: { redacted: true, type: "str", length: FIXTURE_SECRETS.secretKey.length },
      is_default: false,
      default: { redacted: true, type: "str", length: 0 },
    });
  });

  test("django://setting/{name} reads a setting left at its default", async () => {
    expect(await readJson<Setting>("django://setting/USE_THOUSAND_SEPARATOR")).toEqual({
      name: "USE_THOUSAND_SEPARATOR",
      value: false,
      is_default: true,
      default: false,
    });
  });

  test("django://setting/{name} reads a project setting Django has no default for", async () => {
    const setting = await readJson<Setting>("django://setting/BASE_DIR");
    expect(setting).toEqual({ name: "BASE_DIR", value: fixture.root, is_default: false });
  });

  test("django://setting/{name} completes setting names, those at their default too", async () => {
    const complete = async (value: string) =>
      (await server.client.complete({ ref: { type: "ref/resource", uri: "django://setting/{name}" }, argument: { name: "name", value } })).completion.values;
    expect(await complete("SECRET")).toEqual(["SECRET_KEY", "SECRET_KEY_FALLBACKS"]);
    expect(await complete("stripe")).toEqual(["STRIPE_API_KEY"]);
    expect(await complete("USE_T")).toEqual(["USE_THOUSAND_SEPARATOR", "USE_TZ"]);
  });

  test("an unknown setting's resource is resource-not-found naming close names", async () => {
    const error = await readResourceError(server.client, "django://setting/SECRET_KY");
    expect(error.code).toBe(RESOURCE_NOT_FOUND);
    expect(error.message).toContain("No setting 'SECRET_KY'. Did you mean SECRET_KEY");
  });

  test("get_setting without a name is django://settings", async () => {
    expect(await result<SettingsList>("get_setting")).toEqual(await readJson<SettingsList>("django://settings"));
  });

  test("get_setting with a name is django://setting/{name}", async () => {
    expect(await result<Setting>("get_setting", { name: "STRIPE_API_KEY" })).toEqual(await readJson<Setting>("django://setting/STRIPE_API_KEY"));
  });

  test("get_setting of an unknown name is a tool error naming close names", async () => {
    expect(await toolError("get_setting", { name: "debug" })).toBe(
      "No setting 'debug'. Did you mean DEBUG? django://settings lists the settings that differ from Django's defaults.",
    );
  });
});

describe("resolve_url", () => {
  test("/catalog/books/3/ is catalog:book-detail with pk 3, and its view", async () => {
    const resolved = await result<ResolvedUrl>("resolve_url", { path: "/catalog/books/3/" });
    expect(resolved).toMatchObject({
      path: "/catalog/books/3/",
      route: "catalog/books/<int:pk>/",
      url_name: "book-detail",
      view_name: "catalog:book-detail",
      namespace: "catalog",
      namespaces: ["catalog"],
      args: [],
      kwargs: { pk: 3 },
    });
    expect(resolved.view).toMatchObject({ name: "catalog.views.BookDetailView", type: "class", source_path: join(fixture.root, "catalog/views.py") });
  });

  test("a query string and a host are ignored", async () => {
    const resolved = await result<ResolvedUrl>("resolve_url", { path: "http://localhost:8000/catalog/books/3/?page=2#top" });
    expect(resolved).toMatchObject({ path: "/catalog/books/3/", view_name: "catalog:book-detail", kwargs: { pk: 3 } });
  });

  test("a path that resolves nowhere is a tool error naming the closest routes", async () => {
    const error = await toolError("resolve_url", { path: "/catalog/book/3/" });
    expect(error).toStartWith("No route matches /catalog/book/3/. Closest routes: /catalog/books/<int:pk>/ (name 'catalog:book-detail'), parameters: pk;");
  });

  test("a path missing its trailing slash says where APPEND_SLASH redirects", async () => {
    expect(await toolError("resolve_url", { path: "/catalog/books/3" })).toContain(
      "/catalog/books/3/ does: with APPEND_SLASH, CommonMiddleware redirects there.",
    );
  });
});

describe("reverse_url", () => {
  test("catalog:book-detail with pk 3 is /catalog/books/3/", async () => {
    expect(await result<ReversedUrl>("reverse_url", { name: "catalog:book-detail", kwargs: { pk: 3 } })).toEqual({
      name: "catalog:book-detail",
      path: "/catalog/books/3/",
      route: "catalog/books/<int:pk>/",
    });
  });

  test("positional args work too", async () => {
    expect((await result<ReversedUrl>("reverse_url", { name: "archive", args: ["2024", "05"] })).path).toBe("/archive/2024/05/");
  });

  test("a missing argument is a tool error naming the parameters the route expects", async () => {
    expect(await toolError("reverse_url", { name: "catalog:book-detail" })).toStartWith(
      "The route 'catalog:book-detail' doesn't match no arguments. It takes: /catalog/books/<int:pk>/ (name 'catalog:book-detail'), parameters: pk.",
    );
  });

  test("an unknown name is a tool error naming close names", async () => {
    expect(await toolError("reverse_url", { name: "catalog:book-detial", kwargs: { pk: 3 } })).toStartWith(
      "No route is named 'catalog:book-detial'. Close names: catalog:book-detail",
    );
  });

  test("args and kwargs together are refused", async () => {
    expect(await toolError("reverse_url", { name: "catalog:book-detail", args: [3], kwargs: { pk: 3 } })).toContain("either as args or as kwargs, not both");
  });
});

describe("find_template", () => {
  test("the project's override wins, and the app's file is a candidate that lost", async () => {
    const lookup = await result<TemplateLookup>("find_template", { name: "catalog/book_detail.html" });
    const projectFile = join(fixture.root, "bookshop/templates/catalog/book_detail.html");
    const appFile = join(fixture.root, "catalog/templates/catalog/book_detail.html");
    expect(lookup.winner).toEqual({ path: projectFile, engine: "django", loader: "django.template.loaders.filesystem.Loader", app_label: null });
    expect(lookup.candidates[0]).toEqual({ ...lookup.winner, status: "winner" });
    expect(lookup.candidates.find((candidate) => candidate.path === appFile)).toEqual({
      path: appFile,
      engine: "django",
      loader: "django.template.loaders.app_directories.Loader",
      app_label: "catalog",
      status: "lost",
    });
    expect(lookup.candidates.filter((candidate) => candidate.status !== "not found")).toHaveLength(2);
  });

  test("an app's template no one overrides is the app's file", async () => {
    const lookup = await result<TemplateLookup>("find_template", { name: "orders/checkout.html" });
    expect(lookup.winner).toMatchObject({ path: join(fixture.root, "orders/templates/orders/checkout.html"), app_label: "orders" });
  });

  test("an unknown template is a tool error naming close names", async () => {
    expect(await toolError("find_template", { name: "catalog/book_detial.html" })).toStartWith(
      "No template 'catalog/book_detial.html'. Close names: catalog/book_detail.html",
    );
  });
});

describe("list_templates", () => {
  test("lists the names under a prefix, each once, sorted", async () => {
    const list = await result<TemplateList>("list_templates", { prefix: "catalog/" });
    expect(list.templates).toEqual([
      "catalog/author_detail.html",
      "catalog/book_detail.html",
      "catalog/book_form.html",
      "catalog/book_list.html",
      "catalog/books_by_tag.html",
      "catalog/includes/book_items.html",
      "catalog/search.html",
    ]);
    expect(list).toMatchObject({ count: 7, total: 7 });
  });

  test("includes installed packages' templates, and the limit caps with the total", async () => {
    const list = await result<TemplateList>("list_templates", { prefix: "admin/", limit: 3 });
    expect(list.templates).toHaveLength(3);
    expect(list.count).toBe(3);
    expect(list.total).toBeGreaterThan(3);
  });

  test("a limit out of range is refused", async () => {
    expect((await call("list_templates", { limit: 0 })).isError).toBe(true);
  });
});

describe("the read-only tools", () => {
  test("every one is annotated read-only, idempotent, not destructive and closed-world", async () => {
    const { tools } = await server.client.listTools();
    for (const name of READ_ONLY_TOOLS) {
      const tool = tools.find((candidate) => candidate.name === name);
      expect(tool?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
      expect(tool?.annotations?.title).toBeString();
      expect(tool?.outputSchema).toBeDefined();
    }
  });

  test("no result contains a secret of the settings", async () => {
    const texts = [
      JSON.stringify(await call("get_setting")),
      JSON.stringify(await call("get_setting", { name: "DATABASES" })),
      JSON.stringify(await call("get_setting", { name: "SECRET_KEY_FALLBACKS" })),
      JSON.stringify(await call("check", { deploy: true })),
    ];
    for (const secret of Object.values(FIXTURE_SECRETS)) for (const text of texts) expect(text).not.toContain(secret);
  });
});
