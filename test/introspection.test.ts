import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type Connected, connect, readResourceError, shell, textOf } from "./support/client.ts";
import { EXAMPLE, REPO, VENV_PYTHON } from "./support/paths.ts";

// The example settings hold these dummies precisely so that we can check they never leak.
const SECRETS = ["django-insecure-example-not-secret", "hunter2-not-a-real-password"];
const URIS = ["django://project", "django://apps", "django://models", "django://app/catalog", "django://model/catalog/Book"];

/** What the interpreter itself says, to compare django://project and the app paths with. */
interface Facts {
  executable: string;
  version: string;
  version_info: (number | string)[];
  platform: string;
  prefix: string;
  base_prefix: string;
  django_version: string;
  django_dir: string;
  drf_dir: string;
}

function interpreterFacts(): Facts {
  const script = `
import django, json, os, platform, sys
import rest_framework
print(json.dumps({
    "executable": sys.executable, "version": platform.python_version(), "version_info": list(sys.version_info),
    "platform": platform.platform(), "prefix": sys.prefix, "base_prefix": sys.base_prefix,
    "django_version": django.get_version(), "django_dir": os.path.dirname(django.__file__),
    "drf_dir": os.path.dirname(rest_framework.__file__),
}))`;
  const result = Bun.spawnSync([VENV_PYTHON, "-c", script], { cwd: EXAMPLE });
  if (result.exitCode !== 0) throw new Error(`python failed: ${result.stderr.toString()}`);
  return JSON.parse(result.stdout.toString()) as Facts;
}

async function readJson(client: Client, uri: string): Promise<unknown> {
  const { contents } = await client.readResource({ uri });
  expect(contents).toHaveLength(1);
  const [item] = contents;
  expect(item?.uri).toBe(uri);
  expect(item?.mimeType).toBe("application/json");
  return JSON.parse((item as { text: string }).text);
}

async function readTool(client: Client, uri: string): Promise<CallToolResult> {
  return (await client.callTool({ name: "read_resource", arguments: { uri } })) as CallToolResult;
}

async function complete(client: Client, template: string, name: string, value: string, context?: Record<string, string>): Promise<string[]> {
  const result = await client.complete({
    ref: { type: "ref/resource", uri: template },
    argument: { name, value },
    ...(context ? { context: { arguments: context } } : {}),
  });
  return result.completion.values;
}

const APP_LABELS = [
  "admin",
  "auth",
  "contenttypes",
  "sessions",
  "messages",
  "staticfiles",
  "rest_framework",
  "accounts",
  "catalog",
  "orders",
  "api",
  "mcp_django_bun",
];

function expectedApps(facts: Facts) {
  const contrib = (name: string) => `${facts.django_dir}/contrib/${name}`;
  return [
    { name: "django.contrib.admin", label: "admin", verbose_name: "Administration", path: contrib("admin"), models: ["LogEntry"] },
    { name: "django.contrib.auth", label: "auth", verbose_name: "Authentication and Authorization", path: contrib("auth"), models: ["Permission", "Group"] },
    { name: "django.contrib.contenttypes", label: "contenttypes", verbose_name: "Content Types", path: contrib("contenttypes"), models: ["ContentType"] },
    { name: "django.contrib.sessions", label: "sessions", verbose_name: "Sessions", path: contrib("sessions"), models: ["Session"] },
    { name: "django.contrib.messages", label: "messages", verbose_name: "Messages", path: contrib("messages"), models: [] },
    { name: "django.contrib.staticfiles", label: "staticfiles", verbose_name: "Static Files", path: contrib("staticfiles"), models: [] },
    { name: "rest_framework", label: "rest_framework", verbose_name: "Django REST framework", path: facts.drf_dir, models: [] },
    { name: "accounts", label: "accounts", verbose_name: "Accounts", path: `${EXAMPLE}/accounts`, models: ["User"] },
    { name: "catalog", label: "catalog", verbose_name: "Catalog", path: `${EXAMPLE}/catalog`, models: ["Publisher", "Author", "Tag", "Book"] },
    { name: "orders", label: "orders", verbose_name: "Orders", path: `${EXAMPLE}/orders`, models: ["Order", "OrderLine"] },
    { name: "api", label: "api", verbose_name: "REST API", path: `${EXAMPLE}/api`, models: [] },
    { name: "mcp_django_bun", label: "mcp_django_bun", verbose_name: "MCP server for Django", path: `${REPO}py/mcp_django_bun`, models: [] },
  ];
}

type Relation = { name: string; type: string; cardinality: string; reverse: boolean; target: string | null };
const forward = (name: string, type: string, cardinality: string, target: string): Relation => ({ name, type, cardinality, reverse: false, target });
const backward = (name: string, type: string, cardinality: string, target: string): Relation => ({ name, type, cardinality, reverse: true, target });

/** The example project's own models, exactly as django://models describes them. */
const EXAMPLE_MODELS = [
  {
    model_class: "User",
    import_path: "accounts.models.User",
    source_path: `${EXAMPLE}/accounts/models.py`,
    line: 5,
    app_label: "accounts",
    label: "accounts.User",
    db_table: "accounts_user",
    fields: {
      id: "BigAutoField",
      password: "CharField",
      last_login: "DateTimeField",
      is_superuser: "BooleanField",
      username: "CharField",
      first_name: "CharField",
      last_name: "CharField",
      email: "EmailField",
      is_staff: "BooleanField",
      is_active: "BooleanField",
      date_joined: "DateTimeField",
      bio: "TextField",
    },
    relations: [
      backward("logentry_set", "ManyToOneRel", "one_to_many", "admin.LogEntry"),
      backward("author", "OneToOneRel", "one_to_one", "catalog.Author"),
      backward("orders", "ManyToOneRel", "one_to_many", "orders.Order"),
      forward("groups", "ManyToManyField", "many_to_many", "auth.Group"),
      forward("user_permissions", "ManyToManyField", "many_to_many", "auth.Permission"),
    ],
  },
  {
    model_class: "Publisher",
    import_path: "catalog.models.Publisher",
    source_path: `${EXAMPLE}/catalog/models.py`,
    line: 7,
    app_label: "catalog",
    label: "catalog.Publisher",
    db_table: "catalog_publisher",
    fields: { id: "BigAutoField", name: "CharField", website: "URLField" },
    relations: [backward("books", "ManyToOneRel", "one_to_many", "catalog.Book")],
  },
  {
    model_class: "Author",
    import_path: "catalog.models.Author",
    source_path: `${EXAMPLE}/catalog/models.py`,
    line: 18,
    app_label: "catalog",
    label: "catalog.Author",
    db_table: "catalog_author",
    fields: { id: "BigAutoField", name: "CharField", birth_date: "DateField", user: "OneToOneField" },
    relations: [backward("books", "ManyToManyRel", "many_to_many", "catalog.Book"), forward("user", "OneToOneField", "one_to_one", "accounts.User")],
  },
  {
    model_class: "Tag",
    import_path: "catalog.models.Tag",
    source_path: `${EXAMPLE}/catalog/models.py`,
    line: 42,
    app_label: "catalog",
    label: "catalog.Tag",
    db_table: "catalog_tag",
    fields: { id: "BigAutoField", name: "CharField", slug: "SlugField" },
    relations: [backward("book_set", "ManyToManyRel", "many_to_many", "catalog.Book")],
  },
  {
    model_class: "Book",
    import_path: "catalog.models.Book",
    source_path: `${EXAMPLE}/catalog/models.py`,
    line: 56,
    app_label: "catalog",
    label: "catalog.Book",
    db_table: "catalog_book",
    fields: { id: "BigAutoField", title: "CharField", isbn: "CharField", price: "DecimalField", published: "DateField", publisher: "ForeignKey" },
    relations: [
      backward("orderline_set", "ManyToOneRel", "one_to_many", "orders.OrderLine"),
      forward("publisher", "ForeignKey", "many_to_one", "catalog.Publisher"),
      forward("authors", "ManyToManyField", "many_to_many", "catalog.Author"),
      forward("tags", "ManyToManyField", "many_to_many", "catalog.Tag"),
    ],
  },
  {
    model_class: "Order",
    import_path: "orders.models.Order",
    source_path: `${EXAMPLE}/orders/models.py`,
    line: 6,
    app_label: "orders",
    label: "orders.Order",
    db_table: "orders_order",
    fields: { id: "BigAutoField", customer: "ForeignKey", created: "DateTimeField", status: "CharField" },
    relations: [backward("lines", "ManyToOneRel", "one_to_many", "orders.OrderLine"), forward("customer", "ForeignKey", "many_to_one", "accounts.User")],
  },
  {
    model_class: "OrderLine",
    import_path: "orders.models.OrderLine",
    source_path: `${EXAMPLE}/orders/models.py`,
    line: 35,
    app_label: "orders",
    label: "orders.OrderLine",
    db_table: "orders_orderline",
    fields: { id: "BigAutoField", order: "ForeignKey", book: "ForeignKey", quantity: "PositiveIntegerField" },
    relations: [forward("order", "ForeignKey", "many_to_one", "orders.Order"), forward("book", "ForeignKey", "many_to_one", "catalog.Book")],
  },
];

type ModelEntry = (typeof EXAMPLE_MODELS)[number];

let server: Connected;
let facts: Facts;
beforeAll(async () => {
  facts = interpreterFacts();
  server = await connect();
});
afterAll(async () => {
  await server.close();
});

describe("django://project", () => {
  test("describes the interpreter", async () => {
    const { python } = (await readJson(server.client, "django://project")) as { python: Record<string, unknown> };
    expect(Object.keys(python).sort()).toEqual(["base_prefix", "executable", "path", "platform", "prefix", "version", "version_info"]);
    expect(python.executable).toBe(facts.executable);
    expect(python.version).toBe(facts.version);
    expect(python.version_info).toEqual(facts.version_info);
    expect(python.platform).toBe(facts.platform);
    expect(python.prefix).toBe(facts.prefix);
    expect(python.base_prefix).toBe(facts.base_prefix);
    // The sidecar runs in the project folder, which is on its path.
    expect(python.path).toContain(EXAMPLE);
  });

  test("describes the Django configuration", async () => {
    const { django } = (await readJson(server.client, "django://project")) as { django: unknown };
    expect(django).toEqual({
      version: facts.django_version,
      settings_module: "bookshop.settings",
      base_dir: EXAMPLE,
      debug: true,
      root_urlconf: "bookshop.urls",
      apps: expectedApps(facts).map((app) => app.name),
      auth_user_model: "accounts.User",
      databases: { default: { engine: "django.db.backends.sqlite3", name: `${EXAMPLE}/db.sqlite3` } },
    });
  });

  test("says the shell runs in a sidecar of its own", async () => {
    const { mcp } = (await readJson(server.client, "django://project")) as { mcp: { mode: string; pid: number } };
    expect(mcp.mode).toBe("spawned");
    expect((await shell(server.client, "import os\nos.getpid()")).output.value).toBe(String(mcp.pid));
  });
});

describe("django://apps", () => {
  test("lists every installed app with its own directory and model names, in INSTALLED_APPS order", async () => {
    expect(await readJson(server.client, "django://apps")).toEqual(expectedApps(facts));
  });
});

describe("django://models", () => {
  test("lists every model of every app, contrib apps included, swapped-out auth.User left out", async () => {
    const models = (await readJson(server.client, "django://models")) as ModelEntry[];
    expect(models.map((model) => model.label)).toEqual([
      "admin.LogEntry",
      "auth.Permission",
      "auth.Group",
      "contenttypes.ContentType",
      "sessions.Session",
      ...EXAMPLE_MODELS.map((model) => model.label),
    ]);
  });

  test("describes each of the example's models exactly: fields by concrete field (FKs included), relations with targets", async () => {
    const models = (await readJson(server.client, "django://models")) as ModelEntry[];
    for (const expected of EXAMPLE_MODELS) {
      expect(models.find((model) => model.label === expected.label)).toEqual(expected);
    }
  });

  test("describes contrib models with their import path and source file", async () => {
    const models = (await readJson(server.client, "django://models")) as ModelEntry[];
    const group = models.find((model) => model.label === "auth.Group");
    expect(group).toMatchObject({
      model_class: "Group",
      import_path: "django.contrib.auth.models.Group",
      source_path: `${facts.django_dir}/contrib/auth/models.py`,
      app_label: "auth",
      db_table: "auth_group",
      fields: { id: "AutoField", name: "CharField" },
    });
    const source = (await Bun.file(group!.source_path).text()).split("\n");
    expect(source[group!.line - 1]).toStartWith("class Group(");
  });
});

describe("resource templates", () => {
  test("are listed with their URI templates", async () => {
    const { resourceTemplates } = await server.client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual(
      expect.arrayContaining(["django://app/{app_label}", "django://model/{app_label}/{model_name}"]),
    );
    for (const template of resourceTemplates.filter((entry) => entry.uriTemplate.startsWith("django://"))) {
      expect(template.mimeType).toBe("application/json");
      expect(template.description).toBeTruthy();
    }
  });

  test("django://app/{app_label} is the app's entry with its models described in full", async () => {
    const app = (await readJson(server.client, "django://app/catalog")) as Record<string, unknown>;
    const { model_details, ...entry } = app;
    expect(entry).toEqual(expectedApps(facts).find((candidate) => candidate.label === "catalog")!);
    expect(model_details).toEqual(EXAMPLE_MODELS.filter((model) => model.app_label === "catalog"));
    const empty = (await readJson(server.client, "django://app/api")) as Record<string, unknown>;
    expect(empty.model_details).toEqual([]);
  });

  test("django://model/{app_label}/{model_name} is one model, its name matched case-insensitively", async () => {
    const book = EXAMPLE_MODELS.find((model) => model.label === "catalog.Book");
    expect(await readJson(server.client, "django://model/catalog/Book")).toEqual(book!);
    expect(await readJson(server.client, "django://model/catalog/book")).toEqual(book!);
    expect(await readJson(server.client, "django://model/accounts/User")).toEqual(EXAMPLE_MODELS[0]!);
  });

  test("an unknown app is a clear error that lists the app labels", async () => {
    const reading = server.client.readResource({ uri: "django://app/nope" });
    await expect(reading).rejects.toThrow("No installed app with label 'nope'. Installed app labels: admin, auth");
    await expect(server.client.readResource({ uri: "django://model/nope/Book" })).rejects.toThrow("No installed app with label 'nope'");
  });

  test.each(["django://app/nope", "django://model/catalog/Nope", "django://nope"])("%s is JSON-RPC -32002 with the URI in data", async (uri) => {
    const error = await readResourceError(server.client, uri);
    expect(error.code).toBe(-32002);
    expect(error.data).toEqual({ uri });
  });

  test("an unknown model is a clear error that lists the app's models", async () => {
    await expect(server.client.readResource({ uri: "django://model/catalog/Nope" })).rejects.toThrow(
      "App 'catalog' has no model 'Nope'. Its models: Publisher, Author, Tag, Book.",
    );
  });
});

describe("completions", () => {
  test("complete app labels by prefix", async () => {
    expect(await complete(server.client, "django://app/{app_label}", "app_label", "")).toEqual(APP_LABELS);
    expect(await complete(server.client, "django://app/{app_label}", "app_label", "c")).toEqual(["contenttypes", "catalog"]);
    expect(await complete(server.client, "django://app/{app_label}", "app_label", "CAT")).toEqual(["catalog"]);
    expect(await complete(server.client, "django://model/{app_label}/{model_name}", "app_label", "or")).toEqual(["orders"]);
    expect(await complete(server.client, "django://app/{app_label}", "app_label", "zzz")).toEqual([]);
  });

  test("complete model names within the chosen app", async () => {
    const template = "django://model/{app_label}/{model_name}";
    expect(await complete(server.client, template, "model_name", "", { app_label: "catalog" })).toEqual(["Publisher", "Author", "Tag", "Book"]);
    expect(await complete(server.client, template, "model_name", "order", { app_label: "orders" })).toEqual(["Order", "OrderLine"]);
    expect(await complete(server.client, template, "model_name", "B", { app_label: "catalog" })).toEqual(["Book"]);
    expect(await complete(server.client, template, "model_name", "", { app_label: "api" })).toEqual([]);
  });

  test("without an app, complete model names of every app", async () => {
    const template = "django://model/{app_label}/{model_name}";
    expect(await complete(server.client, template, "model_name", "Se")).toEqual(["Session"]);
    expect(await complete(server.client, template, "model_name", "o")).toEqual(["Order", "OrderLine"]);
  });
});

describe("read_resource tool", () => {
  test("is read-only and named in its own description with every resource", async () => {
    const { tools } = await server.client.listTools();
    const tool = tools.find((candidate) => candidate.name === "read_resource");
    expect(tool?.annotations?.readOnlyHint).toBe(true);
    for (const uri of ["django://project", "django://apps", "django://models", "django://app/{app_label}", "django://model/{app_label}/{model_name}"]) {
      expect(tool?.description).toContain(uri);
    }
  });

  test.each(URIS)("returns %s as the resource itself does", async (uri) => {
    const result = await readTool(server.client, uri);
    expect(result.isError).toBeFalsy();
    const expected = await readJson(server.client, uri);
    expect(result.structuredContent).toEqual({ uri, mimeType: "application/json", content: expected });
    expect(JSON.parse(textOf(result))).toEqual(result.structuredContent!);
  });

  test("an unknown URI is a tool error that lists the resources", async () => {
    const result = await readTool(server.client, "django://nope");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toStartWith("No resource django://nope. This server's resources: django://project, django://apps");
    expect(textOf(result)).toContain("django://model/{app_label}/{model_name}");
  });

  test("text that is not a URI is a tool error", async () => {
    const result = await readTool(server.client, "models please");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toStartWith('"models please" is not a URI.');
  });

  test("an unknown app or model is a tool error with the sidecar's message", async () => {
    const app = await readTool(server.client, "django://app/nope");
    expect(app.isError).toBe(true);
    expect(textOf(app)).toStartWith("No installed app with label 'nope'.");
    const model = await readTool(server.client, "django://model/orders/Invoice");
    expect(model.isError).toBe(true);
    expect(textOf(model)).toBe("App 'orders' has no model 'Invoice'. Its models: Order, OrderLine.");
  });
});

describe("secrets", () => {
  test("no resource, read_resource result or route listing contains the SECRET_KEY or a database password", async () => {
    const texts: string[] = [];
    for (const uri of URIS) {
      const { contents } = await server.client.readResource({ uri });
      texts.push(JSON.stringify(contents));
      texts.push(JSON.stringify(await readTool(server.client, uri)));
    }
    texts.push(JSON.stringify(await server.client.callTool({ name: "list_routes", arguments: {} })));
    for (const secret of SECRETS) {
      for (const text of texts) expect(text).not.toContain(secret);
    }
  });
});

describe("instructions", () => {
  test("name every tool, every resource and every resource template, and mention read_resource for clients without resources", async () => {
    const instructions = server.client.getInstructions() ?? "";
    const { tools } = await server.client.listTools();
    const { resources } = await server.client.listResources();
    const { resourceTemplates } = await server.client.listResourceTemplates();
    const names = [
      ...tools.map((tool) => tool.name),
      ...resources.map((resource) => resource.uri),
      ...resourceTemplates.map((template) => template.uriTemplate),
    ];
    expect(names).toEqual(expect.arrayContaining(["list_routes", "read_resource", ...URIS.slice(0, 3)]));
    for (const name of names) expect(instructions).toContain(name);
    expect(instructions).toMatch(/read_resource[^\n]*cannot read (MCP )?resources/);
  });
});
