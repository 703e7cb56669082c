/**
 * The payloads the sidecar builds (py/mcp_django_bun/sidecar/introspection/, shell.py), as zod
 * schemas: the single source of truth for the service layer's types and the tools' output
 * schemas. Parsing keeps only the keys declared here, so nothing else (a secret, say) can slip
 * into a resource.
 */
import { z } from "zod";
import { CANCEL_REASONS, HTTP_METHODS, MODES } from "./constants.ts";

/** Read-only mode as the sidecar enforces it: on or off, and why (a flag, DEBUG, a remote database). */
export const readOnlySchema = z.object({
  on: z.boolean().describe("The database refuses writes from the sidecar's connections"),
  why: z.string().describe('Why, e.g. "--read-only was given" or "DEBUG is False (--allow-writes overrides this)"'),
});
export type ReadOnly = z.infer<typeof readOnlySchema>;

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
  read_only: readOnlySchema
    .optional()
    .describe("Whether the database refuses the writes of the shell, tools and commands (--read-only / --allow-writes), and why"),
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
  read_only: readOnlySchema.optional(),
});
export type ShellRun = z.infer<typeof shellRunSchema>;

/** A management command, as `get_commands()` knows it. */
export const commandSummarySchema = z.object({
  name: z.string(),
  app: z.string().describe('The app it comes from, "django.core" for Django\'s own'),
  help: z.string().describe("The first line of its help"),
  error: z.string().nullable().describe("Why it can't be loaded (its module fails to import); null when it loads"),
});
export type CommandSummary = z.infer<typeof commandSummarySchema>;

/** A JSON value: a default or a choice of an argument, as the sidecar makes it JSON-safe. */
const jsonValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown())]);

/** One argument of a command's parser. */
export const commandArgumentSchema = z.object({
  flags: z.array(z.string()).describe('Its option strings, e.g. ["-v", "--verbosity"]; empty for a positional argument'),
  dest: z.string().describe("The name the command's handle() gets it under"),
  positional: z.boolean(),
  required: z.boolean(),
  help: z.string().nullable(),
  default: jsonValueSchema.describe("Its default (a repr when it is not JSON)"),
  choices: z.array(jsonValueSchema).nullable().describe("The values it accepts, when limited (the first 100)"),
  nargs: z.union([z.number().int(), z.string()]).nullable().describe('How many values: a count, "?", "*", "+", or null for one'),
  type: z.string().nullable().describe('The name of the function its values go through, e.g. "int"'),
  action: z.string().describe("store, store_true, store_false, store_const, append, count, help, version…"),
  metavar: z.string().nullable(),
  common: z.boolean().describe("One of the options every command has (--verbosity, --settings, --traceback…)"),
});
export type CommandArgument = z.infer<typeof commandArgumentSchema>;

/** What `manage.py help <command>` says, as data. */
export const commandHelpSchema = z.object({
  name: z.string(),
  app: z.string(),
  usage: z.string().describe("The usage line, as manage.py prints it"),
  description: z.string().nullable().describe("The command's help text"),
  arguments: z.array(commandArgumentSchema).describe("Its arguments and options, as its parser has them; hidden ones left out"),
});
export type CommandHelp = z.infer<typeof commandHelpSchema>;

/** One run of a management command: its exit status and output, as a terminal would show them. */
export const commandRunSchema = z.object({
  command: z.string(),
  args: z.array(z.string()),
  status: z
    .number()
    .int()
    .describe("The exit status: 0 success, 1 a CommandError (or an exception), 2 a usage error, 130 interrupted, else what the command's SystemExit said"),
  stdout: z.string(),
  stderr: z.string(),
  error: z.string().nullable().describe("What went wrong, when the status is not 0"),
  duration: z.number().describe("Seconds it ran"),
  interrupted: z.enum(CANCEL_REASONS).optional().describe("Why it was interrupted, when it was: its timeout, or the client cancelled"),
});
export type CommandRun = z.infer<typeof commandRunSchema>;

/** The project's secret values, each with the name shown in its place: hidden in everything the server returns (src/mcp/redact.ts). */
export const secretValuesSchema = z.object({
  values: z.array(z.object({ name: z.string(), value: z.string() })),
  /** Why the settings could not be read (Django could not be set up): then only the environment's values are listed. */
  settings_error: z.string().nullable(),
});
export type SecretValues = z.infer<typeof secretValuesSchema>;

// --- Migrations, system checks, settings, URLs and templates: read-only looks at the project's state.

const migrationSchema = z.object({
  name: z.string(),
  applied: z.boolean(),
  applied_at: z
    .string()
    .nullable()
    .describe("When it was applied (ISO 8601, from django_migrations); null when not applied, or applied only as a squashed migration's parts"),
  replaces: z.array(z.string()).describe('For a squashed migration: the migrations it replaces, as "app_label.name"'),
});

export const migrationFiltersSchema = z.object({ database: z.string().nullish(), app_label: z.string().nullish() });
export type MigrationFilters = z.infer<typeof migrationFiltersSchema>;

export const migrationsSchema = z.object({
  databases: z
    .array(
      z.object({
        alias: z.string(),
        vendor: z.string(),
        apps: z.array(z.object({ app_label: z.string(), migrations: z.array(migrationSchema).describe("Oldest first, as showmigrations lists them") })),
        plan: z.array(z.string()).describe('What migrate would apply next on this database, in order, as "app_label.migration_name"; empty when up to date'),
        error: z.string().nullable().describe("Why this database could not be read (its apps and plan are then empty)"),
      }),
    )
    .describe("Per database alias"),
  conflicts: z
    .array(z.object({ app_label: z.string(), leaves: z.array(z.string()) }))
    .describe("Apps with more than one leaf migration: migrate refuses them until makemigrations --merge"),
  model_changes: z
    .array(
      z.object({
        app_label: z.string(),
        migration_name: z.string().describe("The name makemigrations would give the new migration"),
        operations: z.array(z.string()).describe('Each operation described, e.g. "Add field subtitle to book"'),
        notes: z.array(z.string()).describe("Questions makemigrations would ask (a default for a new non-null field)"),
      }),
    )
    .describe("Models changed without a migration: what makemigrations would create now (nothing is written). Empty when models and migrations agree"),
});
export type Migrations = z.infer<typeof migrationsSchema>;

export const migrationSqlArgsSchema = z.object({
  app_label: z.string(),
  migration_name: z.string(),
  database: z.string().nullish(),
  backwards: z.boolean().nullish(),
});
export type MigrationSqlArgs = z.infer<typeof migrationSqlArgsSchema>;

export const migrationSqlSchema = z.object({
  app_label: z.string(),
  migration_name: z.string().describe("The migration's full name"),
  database: z.string(),
  backwards: z.boolean(),
  statements: z.array(z.string()).describe("The SQL statements, one per entry, with sqlmigrate's comments"),
  sql: z.string().describe("What sqlmigrate prints: the statements, inside BEGIN/COMMIT when the migration is atomic and the database can roll DDL back"),
});
export type MigrationSql = z.infer<typeof migrationSqlSchema>;

export const CHECK_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;

export const checkArgsSchema = z.object({
  deploy: z.boolean().nullish(),
  tags: z.array(z.string()).nullish(),
  app_labels: z.array(z.string()).nullish(),
  databases: z.array(z.string()).nullish(),
});
export type CheckArgs = z.infer<typeof checkArgsSchema>;

export const checkMessageSchema = z.object({
  level: z.enum(CHECK_LEVELS),
  id: z.string().nullable().describe('e.g. "fields.E304", "security.W004"'),
  msg: z.string(),
  hint: z.string().nullable(),
  obj: z.string().nullable().describe('What the message is about, as Django prints it (a model as "app_label.Model", a field as "app_label.Model.field")'),
});

export const checkResultSchema = z.object({
  messages: z.array(checkMessageSchema).describe("Most serious first; messages silenced by SILENCED_SYSTEM_CHECKS left out"),
  counts: z
    .object({ DEBUG: z.number().int(), INFO: z.number().int(), WARNING: z.number().int(), ERROR: z.number().int(), CRITICAL: z.number().int() })
    .describe("Messages shown, per level"),
  silenced: z.number().int().describe("Messages left out because SILENCED_SYSTEM_CHECKS silences them"),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

/** What a secret setting (or a secret key inside one) shows instead of its value. */
export const redactedSchema = z.object({
  redacted: z.literal(true),
  type: z.string().describe("The Python type of the hidden value"),
  length: z.number().int().nullable().describe("Its len(): characters of a string, items of a list or dict; null when it has none"),
});

const settingValue = z
  .unknown()
  .describe(
    'The value as JSON (paths as strings, classes and functions by dotted path, sets as sorted lists, other objects by repr); a secret is {"redacted": true, "type", "length"}',
  );

export const settingsSchema = z.object({
  settings_module: z.string().nullable(),
  settings: z.record(z.string(), settingValue).describe("Every setting whose value differs from Django's default, by name"),
  count: z.number().int(),
  at_default: z.array(z.string()).describe("The other settings, left at Django's default: read one with django://setting/{name} or get_setting(name)"),
});
export type SettingsList = z.infer<typeof settingsSchema>;

export const settingSchema = z.object({
  name: z.string(),
  value: settingValue,
  is_default: z.boolean().describe("Whether the value is Django's default"),
  default: settingValue.optional().describe("Django's default (hidden alike when secret); absent for a setting Django has no default for"),
});
export type Setting = z.infer<typeof settingSchema>;

export const resolvedUrlSchema = z.object({
  path: z.string().describe("The path resolved, without query string or fragment"),
  route: z.string().describe("The route's pattern as Django joins it"),
  url_name: z.string().nullable(),
  view_name: z.string().describe('The name reverse() takes, e.g. "catalog:book-detail" (the view\'s dotted path when the route has no name)'),
  namespace: z.string().nullable(),
  namespaces: z.array(z.string()),
  app_names: z.array(z.string()),
  args: z.array(z.unknown()).describe("Positional arguments the view gets (unnamed regex groups)"),
  kwargs: z.record(z.string(), z.unknown()).describe('Keyword arguments the view gets, converted (e.g. {"pk": 3})'),
  view: viewSchema,
});
export type ResolvedUrl = z.infer<typeof resolvedUrlSchema>;

const urlArgument = z.union([z.string(), z.number()]);
export const reverseArgsSchema = z.object({
  name: z.string(),
  args: z.array(urlArgument).nullish(),
  kwargs: z.record(z.string(), urlArgument).nullish(),
});
export type ReverseArgs = z.infer<typeof reverseArgsSchema>;

export const reversedUrlSchema = z.object({
  name: z.string(),
  path: z.string(),
  route: z.string().nullable().describe("The pattern of the route the path resolves to"),
});
export type ReversedUrl = z.infer<typeof reversedUrlSchema>;

const templateSourceSchema = z.object({
  path: z.string().describe("The file (the template name, for loaders without files)"),
  engine: z.string().describe("The TEMPLATES engine's name"),
  loader: z.string().describe("The loader's dotted class path"),
  app_label: z.string().nullable().describe("The app whose folder holds the file; null for project folders"),
});

export const templateLookupSchema = z.object({
  name: z.string(),
  winner: templateSourceSchema.describe("The file Django loads for this name: the one to edit"),
  candidates: z
    .array(
      templateSourceSchema.extend({
        status: z.enum(["winner", "lost", "not found"]).describe("lost: it exists, but an earlier candidate wins (it is overridden)"),
      }),
    )
    .describe("Every file tried, in the order Django tries them"),
});
export type TemplateLookup = z.infer<typeof templateLookupSchema>;

export const templateListArgsSchema = z.object({ prefix: z.string().nullish(), limit: z.number().int().nullish() });
export type TemplateListArgs = z.infer<typeof templateListArgsSchema>;

export const templateListSchema = z.object({
  templates: z.array(z.string()).describe("Template names, sorted"),
  count: z.number().int().describe("Names returned"),
  total: z.number().int().describe("Names matching before the limit"),
});
export type TemplateList = z.infer<typeof templateListSchema>;

// --- Request probes, log records and request exceptions (py/mcp_django_bun/sidecar/probe.py, logbook.py).

const sourceFrameSchema = z.object({
  kind: z.literal("frame"),
  project: z.boolean().describe("A file of the project's own: under its folder, not in a virtualenv or site-packages"),
  file: z.string(),
  line: z.number().int().nullable(),
  function: z.string(),
  code: z.string().nullable().describe("The source line"),
});

const libraryFramesSchema = z.object({
  kind: z.literal("library"),
  project: z.literal(false),
  frames: z.number().int().describe("Library frames collapsed here, in a row"),
  packages: z.array(z.string()).describe('Their top-level packages, e.g. ["django"]; "python" for the standard library'),
});

/** An exception with its traceback, most recent call last: project frames in full, library frames collapsed. */
export const errorDescriptionSchema = z.object({
  exc_type: z.string(),
  message: z.string(),
  frames: z
    .array(z.discriminatedUnion("kind", [sourceFrameSchema, libraryFramesSchema]))
    .describe("Most recent call last. The frame that raised is always shown in full, the project's or not"),
  origin: sourceFrameSchema.nullable().describe("The innermost project frame: the project's line where it happened; null when no frame is the project's"),
  cause: z.object({ exc_type: z.string(), message: z.string() }).nullable().describe("The exception this one was raised from, or during"),
});
export type ErrorDescription = z.infer<typeof errorDescriptionSchema>;

export const logRecordSchema = z.object({
  time: z.string().describe("ISO 8601, UTC"),
  level: z.string(),
  logger: z.string(),
  message: z.string().describe("Capped at 4,000 characters"),
  file: z.string().nullable(),
  line: z.number().int().nullable(),
  exception: z.string().nullable().describe("The traceback logged with it (capped), or null"),
});
export type LogRecord = z.infer<typeof logRecordSchema>;

export const requestErrorSchema = z.object({
  time: z.string().describe("ISO 8601, UTC"),
  method: z.string(),
  path: z.string().describe("With its query string"),
  user: z.string().nullable().describe("The signed-in user, as str() shows it; null when anonymous"),
  source: z.enum(["request", "probe"]).describe("request: a real request (a browser's, in the dev server); probe: the request tool's"),
  exception: errorDescriptionSchema,
});
export type RequestError = z.infer<typeof requestErrorSchema>;

/** Form fields: a string, number or boolean each, or a list of them for a repeated field. */
const formValue = z.union([z.string(), z.number(), z.boolean()]);
export const formDataSchema = z.record(z.string(), z.union([formValue, z.array(formValue)]));

export const probeArgsSchema = z.object({
  method: z.enum(HTTP_METHODS),
  path: z.string(),
  timeout: z.number(),
  headers: z.record(z.string(), z.string()).nullish(),
  data: formDataSchema.nullish(),
  /** The JSON body, encoded. */
  json_body: z.string().nullish(),
  user: z.union([z.string(), z.number().int()]).nullish(),
  follow: z.boolean().optional(),
  commit: z.boolean().optional(),
  html_as_text: z.boolean().optional(),
  body_limit: z.number().int().optional(),
  limit: z.number().int().optional(),
});
export type ProbeArgs = z.infer<typeof probeArgsSchema>;

const querySchema = z.object({
  alias: z.string().describe("The database alias"),
  sql: z.string().describe("As the ORM sent it, with %s placeholders (capped at 2,000 characters)"),
  params: z.unknown().describe("The parameters, in order (the first 50); for executemany, {rows, first}"),
  many: z.boolean(),
  time_ms: z.number(),
  error: z.string().nullable().describe("The database's error, when the statement failed"),
});

export const probeSchema = z.object({
  request: z.object({
    method: z.string(),
    path: z.string(),
    host: z.string().describe("The Host header sent: a name ALLOWED_HOSTS accepts"),
    user: z.string().nullable().describe("Who the request was signed in as; null for anonymous"),
    follow: z.boolean(),
    commit: z.boolean(),
  }),
  status: z.number().int().nullable().describe("The final response's status; null when the request was interrupted"),
  reason: z.string().nullable(),
  redirect_chain: z.array(z.object({ url: z.string(), status: z.number().int() })).describe("With follow=true: each redirect followed, in order"),
  view: resolvedUrlSchema.nullable().describe("The route and view of the final path, as resolve_url gives them; null when it resolves to no route"),
  templates: z
    .array(
      z.object({
        name: z.string().nullable(),
        origin: z.string().nullable().describe("The file it was loaded from"),
        renders: z.number().int().describe("How many times it was rendered (an include in a loop)"),
      }),
    )
    .describe("Django templates rendered, each once, in the order first rendered (a page, then the template it extends, then its includes)"),
  sql: z.object({
    count: z.number().int().describe("Statements run, on every database"),
    time_ms: z.number(),
    listed: z.number().int().describe("Statements listed in queries (the first 100)"),
    queries: z.array(querySchema),
    repeated: z
      .array(
        z.object({
          alias: z.string(),
          sql: z.string().describe("The statement with its values stripped (literals and placeholders as ?, IN lists as (...))"),
          count: z.number().int(),
          time_ms: z.number(),
          likely_n_plus_one: z.boolean().describe("A SELECT run 5 times or more: likely a query in a loop (select_related/prefetch_related fix it)"),
        }),
      )
      .describe("Statements run more than once, most repeated first (the first 20)"),
  }),
  transaction: z.object({
    aliases: z.array(z.string()).describe("The databases the request ran in a transaction on"),
    unguarded: z.array(z.object({ alias: z.string(), error: z.string() })).describe("Databases that could not be put in a transaction"),
    writes: z.number().int().describe("INSERT, UPDATE and DELETE statements the request ran (signing in is not counted)"),
    committed: z.boolean(),
    rolled_back: z.boolean().describe("True unless commit=true: nothing the request wrote was kept"),
  }),
  mail: z
    .array(
      z.object({
        subject: z.string(),
        from_email: z.string(),
        to: z.array(z.string()),
        cc: z.array(z.string()),
        bcc: z.array(z.string()),
        reply_to: z.array(z.string()),
        body: z.string().describe("Capped at 2,000 characters"),
        attachments: z.number().int(),
        alternatives: z.array(z.string()).describe('The content types of alternative bodies, e.g. ["text/html"]'),
      }),
    )
    .describe("Email the request sent: kept in memory, never sent"),
  headers: z.record(z.string(), z.string()).describe("The final response's headers"),
  cookies: z.array(z.string()).describe("Names of the cookies the response sets"),
  body: z
    .object({
      content_type: z.string().nullable(),
      length: z.number().int().nullable().describe("Bytes; null for a streaming body read only in part"),
      text: z.string().nullable().describe("The body as text, capped at body_limit characters; null when left out or parsed into json"),
      json: z.unknown().optional().describe("A JSON body, parsed (present when it is JSON and fits body_limit)"),
      truncated: z.boolean(),
      as_text: z.boolean().describe("HTML was reduced to its text (html_as_text=true)"),
      omitted: z.string().nullable().describe("Why the body was left out: Django's debug page for the exception reported beside it, or binary content"),
    })
    .nullable(),
  exception: errorDescriptionSchema.nullable().describe("What the view (or a middleware) raised: the response is then a 500"),
  logs: z.array(logRecordSchema).describe("Log records the request's code logged (at the levels the project's logging lets through)"),
  stdout: z.string().describe("What the request's code printed"),
  stderr: z.string(),
  duration_ms: z.number(),
  notes: z
    .array(z.string())
    .describe("What to know: a path that resolves nowhere (with the closest routes), a redirect not followed, writes rolled back, mail kept"),
  interrupted: z.enum(CANCEL_REASONS).optional().describe("Why the request was interrupted, when it was: its timeout, or the client cancelled"),
});
export type Probe = z.infer<typeof probeSchema>;

export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;
export const LOG_SOURCES = ["memory", "files"] as const;

export const logFiltersSchema = z.object({
  source: z.enum(LOG_SOURCES).optional(),
  level: z.enum(LOG_LEVELS).nullish(),
  logger: z.string().nullish(),
  contains: z.string().nullish(),
  /** Seconds since the epoch. */
  since: z.number().nullish(),
  limit: z.number().int().optional(),
});
export type LogFilters = z.infer<typeof logFiltersSchema>;

const sidecarInfoSchema = z
  .object({ mode: z.enum(MODES), pid: z.number().int() })
  .describe("The process these records are from: attached is the dev server a browser talks to");

export const logListSchema = z.object({
  source: z.enum(LOG_SOURCES),
  records: z.array(logRecordSchema).describe("Oldest first, newest last"),
  files: z
    .array(
      z.object({
        path: z.string(),
        size: z.number().int().nullable().describe("Bytes"),
        lines: z.array(z.string()).describe("Its last lines, oldest first"),
        error: z.string().nullable().describe("Why it could not be read"),
      }),
    )
    .describe('source="files": each file the project\'s LOGGING writes to, tailed'),
  count: z.number().int().describe("Records (or lines) returned"),
  matched: z.number().int().describe("Records matching the filters, before the limit"),
  buffered: z.number().int().describe("Records in the buffer"),
  capacity: z.number().int().describe("The most the buffer keeps: the oldest go first"),
  dropped: z.number().int().describe("Records that no longer fit and were dropped"),
  recording_since: z.string().nullable().describe("When this process started keeping records (ISO 8601)"),
  mcp: sidecarInfoSchema,
  note: z.string().nullable(),
});
export type LogList = z.infer<typeof logListSchema>;

export const lastErrorSchema = z.object({
  error: requestErrorSchema.nullable().describe("The most recent unhandled request exception; null when none was recorded"),
  recorded: z.number().int().describe("Unhandled request exceptions recorded since recording_since"),
  recording_since: z.string().nullable(),
  mcp: sidecarInfoSchema,
  note: z.string().nullable(),
});
export type LastError = z.infer<typeof lastErrorSchema>;
