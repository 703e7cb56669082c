import { ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerContext } from "../context.ts";
import { introspect, IntrospectionError } from "./introspect.ts";
import { JSON_MIME, jsonContents } from "./json.ts";
import type { ResourceRegistry } from "./registry.ts";

// The payloads the sidecar builds (py/mcp_django/sidecar/introspection/). Parsing keeps only
// the keys declared here, so nothing else (a secret, say) can slip into a resource.

export const projectSchema = z.object({
  python: z.object({
    executable: z.string(),
    version: z.string(),
    version_info: z.array(z.union([z.number(), z.string()])),
    platform: z.string(),
    prefix: z.string(),
    base_prefix: z.string(),
    path: z.array(z.string()),
  }),
  django: z.object({
    version: z.string(),
    settings_module: z.string().nullable(),
    base_dir: z.string().nullable(),
    debug: z.boolean(),
    root_urlconf: z.string().nullable(),
    apps: z.array(z.string()),
    auth_user_model: z.string(),
    databases: z.record(z.string(), z.object({ engine: z.string().nullable(), name: z.string().nullable() })),
  }),
  mcp: z
    .object({
      mode: z.enum(["spawned", "attached", "command"]),
      pid: z.number().int(),
    })
    .describe("Where the shell runs: attached to the live dev server, manage.py mcp's process, or a sidecar of its own"),
});

export const appSchema = z.object({
  name: z.string(),
  label: z.string(),
  verbose_name: z.string(),
  path: z.string(),
  models: z.array(z.string()).describe("Model class names"),
});
export type AppInfo = z.infer<typeof appSchema>;

const relationSchema = z.object({
  name: z.string().describe("The attribute on an instance: a field name, or a reverse accessor such as book_set"),
  type: z.string(),
  cardinality: z.enum(["many_to_one", "one_to_one", "one_to_many", "many_to_many"]),
  reverse: z.boolean(),
  target: z.string().nullable().describe('The related model as "app_label.ModelName"'),
});

export const modelSchema = z.object({
  model_class: z.string(),
  import_path: z.string(),
  source_path: z.string().nullable(),
  line: z.number().int().nullable(),
  app_label: z.string(),
  label: z.string(),
  db_table: z.string(),
  fields: z.record(z.string(), z.string()).describe("Concrete field name → field class name"),
  relations: z.array(relationSchema),
});

export const appDetailSchema = appSchema.extend({ model_details: z.array(modelSchema) });

/** Completion values may be asked for on every keystroke: reuse the app list this long. */
const APP_LIST_TTL_MS = 10_000;


/** Sidecar failures as MCP errors: a wrong app or model name is the caller's mistake. */
async function read(context: ServerContext, op: string, args: Record<string, unknown> = {}, signal?: AbortSignal): Promise<Record<string, unknown>> {
  try {
    return (await introspect(context, op, args, signal)).result;
  } catch (error) {
    if (error instanceof IntrospectionError) {
      throw new McpError(error.notFound ? ErrorCode.InvalidParams : ErrorCode.InternalError, error.message);
    }
    throw error;
  }
}

function single(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

function startingWith(values: Iterable<string>, prefix: string): string[] {
  const lower = prefix.toLowerCase();
  return [...new Set(values)].filter((value) => value.toLowerCase().startsWith(lower));
}

/** The installed apps for completions, fetched at most every APP_LIST_TTL_MS; [] when Django is broken. */
function cachedApps(context: ServerContext): () => Promise<AppInfo[]> {
  let fetched: { at: number; apps: Promise<AppInfo[]> } | undefined;
  return () => {
    if (!fetched || Date.now() - fetched.at > APP_LIST_TTL_MS) {
      const attempt = {
        at: Date.now(),
        apps: read(context, "introspect.apps").then(
          (result) => z.array(appSchema).parse(result.apps),
          () => {
            // Not worth an error in a completion list; ask again next time.
            if (fetched === attempt) fetched = undefined;
            return [];
          },
        ),
      };
      fetched = attempt;
    }
    return fetched.apps;
  };
}

export function registerDjangoResources(registry: ResourceRegistry, context: ServerContext): void {
  const apps = cachedApps(context);
  const appLabels = async (value: string) => startingWith((await apps()).map((app) => app.label), value);
  const modelNames = async (value: string, completion?: { arguments?: Record<string, string> }) => {
    const label = completion?.arguments?.app_label;
    const chosen = (await apps()).filter((app) => !label || app.label === label);
    return startingWith(chosen.flatMap((app) => app.models), value);
  };

  registry.resource(
    "django-project",
    "django://project",
    {
      title: "Django project",
      description: "Python interpreter (version, prefix, sys.path) and Django configuration: version, settings module, BASE_DIR, DEBUG, installed apps, AUTH_USER_MODEL, databases (engine and name only).",
      mimeType: JSON_MIME,
    },
    async (uri, extra) => jsonContents(uri, projectSchema.parse(await read(context, "introspect.project", {}, extra.signal))),
  );
  registry.resource(
    "django-apps",
    "django://apps",
    {
      title: "Installed apps",
      description: "Every installed Django app: name, label, verbose name, its own directory and its model class names.",
      mimeType: JSON_MIME,
    },
    async (uri, extra) => jsonContents(uri, z.array(appSchema).parse((await read(context, "introspect.apps", {}, extra.signal)).apps)),
  );
  registry.resource(
    "django-models",
    "django://models",
    {
      title: "Models",
      description: "Every model: class name, import path, source file and line, app label, db_table, concrete fields with their field classes, and relations (forward and reverse) with their target models.",
      mimeType: JSON_MIME,
    },
    async (uri, extra) => jsonContents(uri, z.array(modelSchema).parse((await read(context, "introspect.models", {}, extra.signal)).models)),
  );
  registry.template(
    "django-app",
    new ResourceTemplate("django://app/{app_label}", { list: undefined, complete: { app_label: appLabels } }),
    {
      title: "One app",
      description: "One installed app by label (as in django://apps), with the full description of each of its models in model_details.",
      mimeType: JSON_MIME,
    },
    async (uri, variables, extra) =>
      jsonContents(uri, appDetailSchema.parse(await read(context, "introspect.app", { app_label: single(variables.app_label) }, extra.signal))),
  );
  registry.template(
    "django-model",
    new ResourceTemplate("django://model/{app_label}/{model_name}", {
      list: undefined,
      complete: { app_label: appLabels, model_name: modelNames },
    }),
    {
      title: "One model",
      description: "One model by app label and model name (case-insensitive, e.g. django://model/auth/Group), described as in django://models.",
      mimeType: JSON_MIME,
    },
    async (uri, variables, extra) => {
      const args = { app_label: single(variables.app_label), model_name: single(variables.model_name) };
      return jsonContents(uri, modelSchema.parse(await read(context, "introspect.model", args, extra.signal)));
    },
  );
}
