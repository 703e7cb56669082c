import { z } from "zod";

/** Bumped on any incompatible change; both sides check it in the hello exchange. */
export const PROTOCOL_VERSION = 1;

/** An exception as the sidecar describes it (user code's, or Django setup's). */
export const exceptionSchema = z.object({
  exc_type: z.string(),
  message: z.string(),
  traceback: z.array(z.string()),
});

export const helloSchema = z.object({
  type: z.literal("hello"),
  protocol: z.number(),
  error: z.string().optional(),
  codec: z.string().optional(),
  pid: z.number().optional(),
  python: z.object({ executable: z.string(), version: z.string() }).loose().optional(),
  settings_module: z.string().nullish(),
  django: z.string().nullish(),
  setup_error: exceptionSchema.extend({ kind: z.enum(["django_missing", "setup_failed"]) }).nullish(),
});
export type Hello = z.infer<typeof helloSchema>;

export const responseSchema = z.discriminatedUnion("ok", [
  z.object({ type: z.literal("res"), id: z.string(), ok: z.literal(true), result: z.record(z.string(), z.unknown()) }),
  z.object({
    type: z.literal("res"),
    id: z.string(),
    ok: z.literal(false),
    error: z.object({ type: z.string(), message: z.string(), traceback: z.array(z.string()).optional() }).loose(),
  }),
]);

export const eventSchema = z.object({
  type: z.literal("ev"),
  id: z.string(),
  kind: z.string(),
  data: z.unknown(),
});
export type SidecarEvent = z.infer<typeof eventSchema>;

export const incomingSchema = z.union([responseSchema, eventSchema]);
