/**
 * The Django project as the MCP adapters see it: typed payloads, domain errors (src/errors.ts).
 * Tools and resources depend on this interface only; the in-process tests give them a fake.
 */
import type { OpArgs, OpName, OpResult } from "../contract/ops.ts";
import type { AppDetail, AppInfo, ModelInfo, ProjectInfo, RouteFilters, RouteList } from "../contract/payloads.ts";
import type { Supervisor } from "../sidecar/supervisor.ts";
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
  shell: Shell;
}

/** Introspection is quick; this bounds one whose project hangs (a URLconf blocking on import, say). */
const INTROSPECTION_TIMEOUT_MS = 60_000;

/**
 * The service over the supervised sidecar; `client` names this server's shell sessions in it.
 * `changedFiles` lists the project files changed since start, when edits are picked up.
 */
export function createDjangoService(supervisor: Supervisor, client: string, changedFiles?: () => string[]): DjangoService {
  const introspect = async <K extends OpName>(op: K, args: OpArgs<K>, signal?: AbortSignal): Promise<OpResult<K>> =>
    (await supervisor.call(op, args, { timeoutMs: INTROSPECTION_TIMEOUT_MS, signal })).result;
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
    shell: createShell(supervisor, client),
  };
}
