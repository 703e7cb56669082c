import type { AppDetail, AppInfo, ModelInfo, ProjectInfo, RouteFilters, RouteList } from "../../src/contract/payloads.ts";
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

/** What the fake was asked, for tests that check the adapters pass arguments through. */
export interface FakeCalls {
  routes: RouteFilters[];
  executed: { session: string | undefined; code: string; options: ExecuteOptions }[];
  closed: (string | undefined)[];
}

/**
 * A DjangoService with canned answers, for the in-process tests of the MCP adapters. `overrides`
 * replaces any method (to fail, say); every behaviour is also covered against the real project.
 */
export function fakeDjango(overrides: Partial<DjangoService> = {}): DjangoService & { calls: FakeCalls } {
  const calls: FakeCalls = { routes: [], executed: [], closed: [] };
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
    shell,
    ...overrides,
  };
}
