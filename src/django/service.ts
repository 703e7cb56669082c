/**
 * The Django project as the MCP adapters see it: typed payloads, domain errors (src/errors.ts).
 * Tools and resources depend on this interface only; the in-process tests give them a fake.
 */
import type { OpArgs, OpName, OpResult } from "../contract/ops.ts";
import type {
  AppDetail,
  AppInfo,
  CheckArgs,
  CheckResult,
  MigrationFilters,
  MigrationSql,
  MigrationSqlArgs,
  Migrations,
  ModelInfo,
  ProjectInfo,
  ResolvedUrl,
  ReverseArgs,
  ReversedUrl,
  RouteFilters,
  RouteList,
  Setting,
  SettingsList,
  TemplateList,
  TemplateListArgs,
  TemplateLookup,
} from "../contract/payloads.ts";
import type { Supervisor } from "../sidecar/supervisor.ts";
import { createIntrospectionCache } from "./cache.ts";
import { type Commands, createCommands } from "./commands.ts";
import { createRequests, type Requests } from "./requests.ts";
import { createShell, type Shell } from "./shell.ts";

export interface DjangoService {
  /** The project as the sidecar sees it, and how current its code is. */
  project(signal?: AbortSignal): Promise<ProjectInfo>;
  apps(signal?: AbortSignal): Promise<AppInfo[]>;
  /** Raises NotFoundError for a label that is not installed. */
  app(appLabel: string, signal?: AbortSignal): Promise<AppDetail>;
  models(signal?: AbortSignal): Promise<ModelInfo[]>;
  /** Raises NotFoundError for an unknown app or model (the name is case-insensitive). */
  model(appLabel: string, modelName: string, signal?: AbortSignal): Promise<ModelInfo>;
  routes(filters: RouteFilters, signal?: AbortSignal): Promise<RouteList>;
  /** Per database: each app's migrations, applied or not, and migrate's plan; conflicts; model changes without a migration. */
  migrations(filters: MigrationFilters, signal?: AbortSignal): Promise<Migrations>;
  /** Raises NotFoundError for an unknown app, migration or database. */
  migrationSql(args: MigrationSqlArgs, signal?: AbortSignal): Promise<MigrationSql>;
  /** Raises NotFoundError for an unknown tag, app or database. */
  checks(args: CheckArgs, signal?: AbortSignal): Promise<CheckResult>;
  /** The settings that differ from Django's defaults, secrets redacted. */
  settings(signal?: AbortSignal): Promise<SettingsList>;
  /** Raises NotFoundError, naming close names, for an unknown setting. */
  setting(name: string, signal?: AbortSignal): Promise<Setting>;
  /** Raises NotFoundError, naming the closest routes, for a path that resolves nowhere. */
  resolveUrl(path: string, signal?: AbortSignal): Promise<ResolvedUrl>;
  /** Raises NotFoundError for an unknown name, or arguments the route doesn't take (saying what it takes). */
  reverseUrl(args: ReverseArgs, signal?: AbortSignal): Promise<ReversedUrl>;
  /** Raises NotFoundError, naming close names, for a template no loader finds. */
  findTemplate(name: string, signal?: AbortSignal): Promise<TemplateLookup>;
  templates(args: TemplateListArgs, signal?: AbortSignal): Promise<TemplateList>;
  shell: Shell;
  /** Management commands: list, help, run. */
  commands: Commands;
  /** A request through the project (test client), the process's log records, the last request exception. */
  requests: Requests;
}

/** Introspection is quick; this bounds one whose project hangs (a URLconf blocking on import, say). */
const INTROSPECTION_TIMEOUT_MS = 60_000;

/**
 * The service over the supervised sidecar; `client` names this server's shell sessions in it.
 * `changedFiles` lists the project files changed since start, when edits are picked up.
 */
export function createDjangoService(supervisor: Supervisor, client: string, changedFiles?: () => string[]): DjangoService {
  // Introspection is answered from the cache while the code is unchanged, and the shell, commands
  // and requests drop it when they run project code (./cache.ts): every call goes through it.
  const cached = createIntrospectionCache(supervisor).supervisor;
  const introspect = async <K extends OpName>(op: K, args: OpArgs<K>, signal?: AbortSignal): Promise<OpResult<K>> =>
    (await cached.call(op, args, { timeoutMs: INTROSPECTION_TIMEOUT_MS, signal })).result;
  return {
    async project(signal) {
      const project = await introspect("introspect.project", {}, signal);
      const code = { loaded_at: supervisor.loadedAt()?.toISOString() ?? null, reload: changedFiles !== undefined, changed_since_start: changedFiles?.() ?? [] };
      return { ...project, code };
    },
    apps: async (signal) => (await introspect("introspect.apps", {}, signal)).apps,
    app: (appLabel, signal) => introspect("introspect.app", { app_label: appLabel }, signal),
    models: async (signal) => (await introspect("introspect.models", {}, signal)).models,
    model: (appLabel, modelName, signal) => introspect("introspect.model", { app_label: appLabel, model_name: modelName }, signal),
    routes: (filters, signal) => introspect("routes.list", filters, signal),
    migrations: (filters, signal) => introspect("migrations.status", filters, signal),
    migrationSql: (args, signal) => introspect("migrations.sql", args, signal),
    checks: (args, signal) => introspect("checks.run", args, signal),
    settings: (signal) => introspect("settings.list", {}, signal),
    setting: (name, signal) => introspect("settings.get", { name }, signal),
    resolveUrl: (path, signal) => introspect("urls.resolve", { path }, signal),
    reverseUrl: (args, signal) => introspect("urls.reverse", args, signal),
    findTemplate: (name, signal) => introspect("templates.find", { name }, signal),
    templates: (args, signal) => introspect("templates.list", args, signal),
    shell: createShell(cached, client),
    commands: createCommands(cached),
    requests: createRequests(cached),
  };
}
