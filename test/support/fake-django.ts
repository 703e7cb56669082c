import type {
  AppDetail,
  AppInfo,
  CommandHelp,
  CommandRun,
  ModelInfo,
  ProjectInfo,
  RouteFilters,
  RouteList,
  SettingsList,
} from "../../src/contract/payloads.ts";
import type { Commands } from "../../src/django/commands.ts";
import type { Requests } from "../../src/django/requests.ts";
import type { DjangoService } from "../../src/django/service.ts";
import type { ExecuteOptions, ShellResult } from "../../src/django/shell.ts";
import { NotFoundError } from "../../src/errors.ts";

/** A small project: one app with one model and two routes. */
export const FAKE_MODEL: ModelInfo = {
  model_class: "Book",
  import_path: "catalog.models.Book",
  source_path: "/project/catalog/models.py",
  line: 10,
  app_label: "catalog",
  label: "catalog.Book",
  db_table: "catalog_book",
  fields: { id: "BigAutoField", title: "CharField" },
  relations: [],
};

export const FAKE_APP: AppInfo = { name: "catalog", label: "catalog", verbose_name: "Catalog", path: "/project/catalog", models: ["Book"] };

export const FAKE_PROJECT: ProjectInfo = {
  python: {
    executable: "/venv/bin/python",
    version: "3.11.7",
    version_info: [3, 11, 7, "final", 0],
    platform: "Linux",
    prefix: "/venv",
    base_prefix: "/usr",
    path: [],
  },
  django: {
    version: "5.2",
    settings_module: "project.settings",
    base_dir: "/project",
    debug: true,
    root_urlconf: "project.urls",
    apps: ["catalog"],
    auth_user_model: "auth.User",
    databases: { default: { engine: "django.db.backends.sqlite3", name: "db.sqlite3" } },
  },
  mcp: { mode: "spawned", pid: 1234 },
  code: { loaded_at: "2026-12-01T10:00:00.000Z", reload: true, changed_since_start: ["catalog/models.py"] },
};

export const FAKE_ROUTES: RouteList = {
  routes: [
    {
      pattern: "books/",
      name: "book-list",
      namespace: "catalog",
      parameters: [],
      view: {
        name: "catalog.views.BookList",
        type: "class",
        source_path: "/project/catalog/views.py",
        line: 5,
        methods: ["GET", "HEAD", "OPTIONS"],
        class_bases: ["ListView"],
      },
    },
  ],
  count: 1,
  total: 1,
};

export const FAKE_COMMAND_HELP: CommandHelp = {
  name: "seed_catalog",
  app: "catalog",
  usage: "usage: manage.py seed_catalog [-h] [--books N]",
  description: "Create demo data.",
  arguments: [
    {
      flags: ["--books"],
      dest: "books",
      positional: false,
      required: false,
      help: "How many books.",
      default: 4,
      choices: null,
      nargs: null,
      type: "int",
      action: "store",
      metavar: "N",
      common: false,
    },
  ],
};

/** What the fake was asked, for tests that check the adapters pass arguments through. */
export interface FakeCalls {
  routes: RouteFilters[];
  executed: { session: string | undefined; code: string; options: ExecuteOptions }[];
  closed: (string | undefined)[];
  commands: { name: string; args: string[]; options: ExecuteOptions }[];
}

/**
 * A DjangoService with canned answers, for the in-process tests of the MCP adapters. `overrides`
 * replaces any method (to fail, say); every behaviour is also covered against the real project.
 */
export function fakeDjango(overrides: Partial<DjangoService> = {}): DjangoService & { calls: FakeCalls } {
  const calls: FakeCalls = { routes: [], executed: [], closed: [], commands: [] };
  const app = async (label: string): Promise<AppDetail> => {
    if (label !== "catalog") throw new NotFoundError(`No installed app with label '${label}'.`);
    return { ...FAKE_APP, model_details: [FAKE_MODEL] };
  };
  const shell = {
    async execute(session: string | undefined, code: string, options: ExecuteOptions): Promise<ShellResult> {
      calls.executed.push({ session, code, options });
      return { status: "success", output: { value: "2", value_type: "int" }, stdout: "", stderr: "" };
    },
    async reset(): Promise<ShellResult> {
      return { status: "success", output: {}, stdout: "", stderr: "", notice: "Shell session reset." };
    },
    history(): ShellResult {
      return { status: "success", output: {}, stdout: "", stderr: "", script: "# Shell session history: 1 step\n\n# Step 1\nx = 1\n" };
    },
    async close(session: string | undefined) {
      calls.closed.push(session);
    },
  };
  const commands: Commands = {
    list: async () => [FAKE_COMMAND_HELP].map(({ name, app }) => ({ name, app, help: "Create demo data.", error: null })),
    async help(name) {
      if (name !== FAKE_COMMAND_HELP.name) throw new NotFoundError(`No management command '${name}'. Close ones: seed_catalog.`);
      return FAKE_COMMAND_HELP;
    },
    async run(name, args, options): Promise<CommandRun> {
      calls.commands.push({ name, args, options });
      return { command: name, args, status: 0, stdout: "Catalog seeded.\n", stderr: "", error: null, duration: 0.01 };
    },
  };
  return {
    calls,
    project: async () => FAKE_PROJECT,
    apps: async () => [FAKE_APP],
    app,
    models: async () => [FAKE_MODEL],
    async model(label, name) {
      await app(label);
      if (name.toLowerCase() !== "book") throw new NotFoundError(`App '${label}' has no model '${name}'. Its models: Book.`);
      return FAKE_MODEL;
    },
    async routes(filters) {
      calls.routes.push(filters);
      return FAKE_ROUTES;
    },
    ...fakeLookups(),
    shell,
    commands,
    requests: fakeRequests(),
    ...overrides,
  };
}

export const FAKE_SETTINGS: SettingsList = {
  settings_module: "project.settings",
  settings: { DEBUG: true, SECRET_KEY: { redacted: true, type: "str", length: 50 } },
  count: 2,
  at_default: ["USE_TZ"],
};

/** Canned migrations, checks, settings, URLs and templates: one of each, NotFoundError for anything else. */
function fakeLookups(): Pick<
  DjangoService,
  "migrations" | "migrationSql" | "checks" | "settings" | "setting" | "resolveUrl" | "reverseUrl" | "findTemplate" | "templates"
> {
  const source = { path: "/project/templates/base.html", engine: "django", loader: "django.template.loaders.filesystem.Loader", app_label: null };
  return {
    migrations: async () => ({ databases: [{ alias: "default", vendor: "sqlite", apps: [], plan: [], error: null }], conflicts: [], model_changes: [] }),
    async migrationSql({ app_label, migration_name }) {
      if (`${app_label}.${migration_name}` !== "catalog.0001_initial") throw new NotFoundError(`App '${app_label}' has no migration '${migration_name}'.`);
      return { app_label, migration_name, database: "default", backwards: false, statements: ["CREATE TABLE x;"], sql: "BEGIN;\nCREATE TABLE x;\nCOMMIT;" };
    },
    checks: async () => ({ messages: [], counts: { DEBUG: 0, INFO: 0, WARNING: 0, ERROR: 0, CRITICAL: 0 }, silenced: 0 }),
    settings: async () => FAKE_SETTINGS,
    async setting(name) {
      if (name !== "DEBUG") throw new NotFoundError(`No setting '${name}'. Did you mean DEBUG?`);
      return { name, value: true, is_default: false, default: false };
    },
    async resolveUrl(path) {
      if (path !== "/books/") throw new NotFoundError(`No route matches ${path}.`);
      const { view } = FAKE_ROUTES.routes[0]!;
      return {
        path,
        route: "books/",
        url_name: "book-list",
        view_name: "catalog:book-list",
        namespace: "catalog",
        namespaces: ["catalog"],
        app_names: ["catalog"],
        args: [],
        kwargs: {},
        view,
      };
    },
    async reverseUrl({ name }) {
      if (name !== "catalog:book-list") throw new NotFoundError(`No route is named '${name}'.`);
      return { name, path: "/books/", route: "books/" };
    },
    async findTemplate(name) {
      if (name !== "base.html") throw new NotFoundError(`No template '${name}'.`);
      return { name, winner: source, candidates: [{ ...source, status: "winner" }] };
    },
    templates: async () => ({ templates: ["base.html"], count: 1, total: 1 }),
  };
}

/** Canned request probes, log records and last errors: none recorded, and a probe of anything is a 200. */
function fakeRequests(): Requests {
  const mcp = { mode: "spawned" as const, pid: 1234 };
  return {
    async probe(request) {
      if (request.user === "nobody") throw new NotFoundError("No user 'nobody': no accounts.User has username or primary key 'nobody'.");
      return {
        request: { method: request.method, path: request.path, host: "localhost", user: null, follow: false, commit: false },
        status: 200,
        reason: "OK",
        redirect_chain: [],
        view: null,
        templates: [],
        sql: { count: 0, time_ms: 0, listed: 0, queries: [], repeated: [] },
        transaction: { aliases: ["default"], unguarded: [], writes: 0, committed: false, rolled_back: true },
        mail: [],
        headers: { "Content-Type": "text/plain" },
        cookies: [],
        body: { content_type: "text/plain", length: 2, text: "ok", truncated: false, as_text: false, omitted: null },
        exception: null,
        logs: [],
        stdout: "",
        stderr: "",
        duration_ms: 1,
        notes: [],
      };
    },
    logs: async () => ({
      source: "memory",
      records: [],
      files: [],
      count: 0,
      matched: 0,
      buffered: 0,
      capacity: 1000,
      dropped: 0,
      recording_since: "2026-12-01T10:00:00.000+00:00",
      mcp,
      note: null,
    }),
    lastError: async () => ({
      error: null,
      recorded: 0,
      recording_since: "2026-12-01T10:00:00.000+00:00",
      mcp,
      note: "No unhandled request exception recorded since 2026-12-01T10:00:00.000+00:00.",
    }),
  };
}
