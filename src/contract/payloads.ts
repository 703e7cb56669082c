/**
 * The payloads the sidecar builds (py/mcp_django_bun/sidecar/introspection/, shell.py), as zod
 * schemas: the single source of truth for the service layer's types and the tools' output
 * schemas. Parsing keeps only the keys declared here, so nothing else (a secret, say) can slip
 * into a resource.
 */
import { z } from "zod";
import { HTTP_METHODS, MODES } from "./constants.ts";

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
    .object({ mode: z.enum(MODES), pid: z.number().int() })
    .describe("Where the shell runs: attached to the live dev server, manage.py mcp's process, or a sidecar of its own"),
});
export type Project = z.infer<typeof projectSchema>;

/** How current the code calls run on is: added by the server to what the sidecar says of the project. */
export const codeStatusSchema = z.object({
  loaded_at: z.string().nullable().describe("When the process calls run in loaded the project's code (ISO 8601); null before the first call"),
  reload: z.boolean().describe("Whether edits to the project's code are picked up by the next call (off with --no-reload)"),
  changed_since_start: z.array(z.string()).describe("Project files changed since the server started, relative to the project folder"),
});
export const projectInfoSchema = projectSchema.extend({ code: codeStatusSchema });
export type ProjectInfo = z.infer<typeof projectInfoSchema>;

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
export type ModelInfo = z.infer<typeof modelSchema>;

export const appDetailSchema = appSchema.extend({ model_details: z.array(modelSchema) });
export type AppDetail = z.infer<typeof appDetailSchema>;

const viewSchema = z.object({
  name: z.string().describe("Module-qualified name of the view function or class"),
  type: z.enum(["function", "class", "method", "instance", "unknown"]),
  source_path: z.string().nullable(),
  line: z.number().int().nullable().describe("Line of the def or class statement"),
  methods: z.array(z.string()).describe("HTTP methods the view accepts; empty when unknown"),
  class_bases: z.array(z.string()).describe("Direct base classes of a class-based view"),
  actions: z.record(z.string(), z.string()).optional().describe("DRF viewsets: HTTP method → viewset action"),
});

export const routeSchema = z.object({
  pattern: z.string().describe("The full URL pattern, as written in path() or as re_path regex pieces without anchors"),
  name: z.string().nullable(),
  namespace: z.string().nullable().describe('Colon-joined, e.g. "api:v1"; reverse() with "namespace:name"'),
  parameters: z.array(z.string()),
  view: viewSchema,
});
export type Route = z.infer<typeof routeSchema>;

export const routeListSchema = z.object({
  routes: z.array(routeSchema).describe("Depth-first, in URLconf order"),
  count: z.number().int().describe("Routes returned"),
  total: z.number().int().describe("Routes in the project before filtering"),
});
export type RouteList = z.infer<typeof routeListSchema>;

export const routeFiltersSchema = z.object({
  method: z.enum(HTTP_METHODS).nullish(),
  name: z.string().nullish(),
  pattern: z.string().nullish(),
});
export type RouteFilters = z.infer<typeof routeFiltersSchema>;

/** An exception as the sidecar describes it (user code's, or Django setup's). */
export const exceptionSchema = z.object({
  exc_type: z.string(),
  message: z.string(),
  traceback: z.array(z.string()),
});

/** What one run of shell code gave: an error status is an exception in the user's code, not a failure of ours. */
export const executionSchema = z.object({
  status: z.enum(["success", "error"]),
  output: z.union([z.object({ value: z.string(), value_type: z.string() }), z.object({ exception: exceptionSchema }), z.object({}).strict()]),
  stdout: z.string(),
  stderr: z.string(),
});
export type Execution = z.infer<typeof executionSchema>;

/** One top-level statement of a run: imports and definitions are re-run when a session moves to a new sidecar. */
export const statementSchema = z.object({
  kind: z.enum(["import", "definition", "other"]),
  source: z.string(),
  names: z.array(z.string()).describe("Names the statement bound (only those that really changed)"),
});
export type Statement = z.infer<typeof statementSchema>;

/** What a run did to its session's namespace: the history a session carries across sidecars. */
export const runRecordSchema = z.object({ statements: z.array(statementSchema), deleted: z.array(z.string()) });
export type RunRecord = z.infer<typeof runRecordSchema>;

/** A statement to re-run in a new sidecar, with the step of the session it came from. */
export const restoreStepSchema = z.object({ step: z.number().int(), source: z.string() });
export type RestoreStep = z.infer<typeof restoreStepSchema>;

/** A run as the sidecar answers it: the execution, what it bound, and which restored statements failed. */
export const shellRunSchema = executionSchema.extend({
  record: runRecordSchema,
  restore_failures: z.array(restoreStepSchema.extend({ error: z.string() })).optional(),
});
export type ShellRun = z.infer<typeof shellRunSchema>;
