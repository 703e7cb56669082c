/**
 * Every operation the sidecar answers: its arguments, its result and the error kinds it can
 * raise. Mirrored by OPS in py/mcp_django_bun/sidecar/contract.py; test/contract.test.ts fails when
 * the two tables disagree.
 */
import { z } from "zod";
import type { ErrorKind } from "./constants.ts";
import {
  appDetailSchema,
  appSchema,
  checkArgsSchema,
  checkResultSchema,
  commandHelpSchema,
  commandRunSchema,
  commandSummarySchema,
  lastErrorSchema,
  logFiltersSchema,
  logListSchema,
  migrationFiltersSchema,
  migrationSqlArgsSchema,
  migrationSqlSchema,
  migrationsSchema,
  modelSchema,
  probeArgsSchema,
  probeSchema,
  projectSchema,
  resolvedUrlSchema,
  restoreStepSchema,
  reverseArgsSchema,
  reversedUrlSchema,
  routeFiltersSchema,
  routeListSchema,
  secretValuesSchema,
  settingSchema,
  settingsSchema,
  shellRunSchema,
  templateListArgsSchema,
  templateListSchema,
  templateLookupSchema,
} from "./payloads.ts";

interface OpSpec<A extends z.ZodObject, R extends z.ZodObject> {
  args: A;
  result: R;
  errors: readonly ErrorKind[];
  /** Refused with `setup_failed` while Django could not be set up. */
  needsDjango: boolean;
}

const op = <A extends z.ZodObject, R extends z.ZodObject>(spec: OpSpec<A, R>) => spec;

const DJANGO_ERRORS = ["invalid_args", "setup_failed", "failed", "unsendable"] as const satisfies ErrorKind[];
const LOOKUP_ERRORS = ["invalid_args", "not_found", "setup_failed", "failed", "unsendable"] as const satisfies ErrorKind[];
const SHELL_ERRORS = [...DJANGO_ERRORS, "state_missing"] as const satisfies ErrorKind[];
const noArgs = z.object({});

export const OPS = {
  "shell.execute": op({
    args: z.object({
      session: z.string(),
      code: z.string(),
      timeout: z.number(),
      limit: z.number().int().optional(),
      /** The session has state we know of: a sidecar without it answers state_missing instead of running. */
      has_state: z.boolean().optional(),
      /** Re-run first where the session is new (it moved here from another sidecar). */
      restore: z.array(restoreStepSchema).optional(),
    }),
    result: shellRunSchema,
    errors: SHELL_ERRORS,
    needsDjango: true,
  }),
  "shell.reset": op({ args: z.object({ session: z.string() }), result: z.object({}), errors: ["invalid_args", "failed"], needsDjango: false }),
  "introspect.project": op({ args: noArgs, result: projectSchema, errors: DJANGO_ERRORS, needsDjango: true }),
  "introspect.apps": op({ args: noArgs, result: z.object({ apps: z.array(appSchema) }), errors: DJANGO_ERRORS, needsDjango: true }),
  "introspect.app": op({ args: z.object({ app_label: z.string() }), result: appDetailSchema, errors: LOOKUP_ERRORS, needsDjango: true }),
  "introspect.models": op({ args: noArgs, result: z.object({ models: z.array(modelSchema) }), errors: DJANGO_ERRORS, needsDjango: true }),
  "introspect.model": op({
    args: z.object({ app_label: z.string(), model_name: z.string() }),
    result: modelSchema,
    errors: LOOKUP_ERRORS,
    needsDjango: true,
  }),
  "routes.list": op({ args: routeFiltersSchema, result: routeListSchema, errors: DJANGO_ERRORS, needsDjango: true }),
  "migrations.status": op({ args: migrationFiltersSchema, result: migrationsSchema, errors: LOOKUP_ERRORS, needsDjango: true }),
  "migrations.sql": op({ args: migrationSqlArgsSchema, result: migrationSqlSchema, errors: LOOKUP_ERRORS, needsDjango: true }),
  "checks.run": op({ args: checkArgsSchema, result: checkResultSchema, errors: LOOKUP_ERRORS, needsDjango: true }),
  "settings.list": op({ args: noArgs, result: settingsSchema, errors: DJANGO_ERRORS, needsDjango: true }),
  "settings.get": op({ args: z.object({ name: z.string() }), result: settingSchema, errors: LOOKUP_ERRORS, needsDjango: true }),
  "urls.resolve": op({ args: z.object({ path: z.string() }), result: resolvedUrlSchema, errors: LOOKUP_ERRORS, needsDjango: true }),
  "urls.reverse": op({ args: reverseArgsSchema, result: reversedUrlSchema, errors: LOOKUP_ERRORS, needsDjango: true }),
  "templates.find": op({ args: z.object({ name: z.string() }), result: templateLookupSchema, errors: LOOKUP_ERRORS, needsDjango: true }),
  "templates.list": op({ args: templateListArgsSchema, result: templateListSchema, errors: DJANGO_ERRORS, needsDjango: true }),
  "commands.list": op({ args: noArgs, result: z.object({ commands: z.array(commandSummarySchema) }), errors: DJANGO_ERRORS, needsDjango: true }),
  "commands.help": op({ args: z.object({ name: z.string() }), result: commandHelpSchema, errors: LOOKUP_ERRORS, needsDjango: true }),
  "commands.run": op({
    args: z.object({ name: z.string(), args: z.array(z.string()), timeout: z.number(), limit: z.number().int().optional() }),
    result: commandRunSchema,
    errors: LOOKUP_ERRORS,
    needsDjango: true,
  }),
  "request.probe": op({ args: probeArgsSchema, result: probeSchema, errors: LOOKUP_ERRORS, needsDjango: true }),
  "logs.list": op({ args: logFiltersSchema, result: logListSchema, errors: DJANGO_ERRORS, needsDjango: true }),
  "errors.last": op({ args: noArgs, result: lastErrorSchema, errors: DJANGO_ERRORS, needsDjango: true }),
  /** Never through `Supervisor.call`: fetched once per sidecar, before any call reaches it (src/django/secrets.ts). */
  "secrets.values": op({ args: noArgs, result: secretValuesSchema, errors: ["invalid_args", "failed", "unsendable"], needsDjango: false }),
};

export type OpName = keyof typeof OPS;
export type OpArgs<K extends OpName> = z.input<(typeof OPS)[K]["args"]>;
export type OpResult<K extends OpName> = z.output<(typeof OPS)[K]["result"]>;
