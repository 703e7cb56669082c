/** The messages on the sidecar socket (framing in framing.ts, operations in ../contract/). */
import { z } from "zod";
import { ERROR_KINDS, EVENT_KINDS, MODES, RESULT_JSON_KEY } from "../contract/constants.ts";
import { exceptionSchema, readOnlySchema } from "../contract/payloads.ts";

export const helloSchema = z.object({
  type: z.literal("hello"),
  protocol: z.number(),
  error: z.string().optional(),
  codec: z.string().optional(),
  pid: z.number().optional(),
  mode: z.enum(MODES).optional(),
  python: z.object({ executable: z.string(), version: z.string() }).loose().optional(),
  settings_module: z.string().nullish(),
  django: z.string().nullish(),
  setup_error: exceptionSchema.extend({ kind: z.enum(["django_missing", "settings_missing", "setup_failed"]) }).nullish(),
  /** MEDIA_ROOT and STATIC_ROOT: files, not code, so not watched for changes. */
  asset_dirs: z.array(z.string()).optional(),
  /** Read-only mode as this sidecar enforces it for our calls. */
  read_only: readOnlySchema.optional(),
});
export type Hello = z.infer<typeof helloSchema>;

/** What our hello asks of the sidecar: read-only mode on, off, or decided from the project's settings ("auto"). */
export interface ReadOnlyRequest {
  mode: "on" | "off" | "auto";
  /** Why, for the sidecar to report back ("--read-only was given"); empty for "auto". */
  why: string;
}

export const wireErrorSchema = z.object({
  kind: z.enum(ERROR_KINDS),
  message: z.string(),
  exc_type: z.string().nullish(),
  traceback: z.array(z.string()).default([]),
});
export type WireError = z.infer<typeof wireErrorSchema>;

const responseSchema = z.discriminatedUnion("ok", [
  // The result as JSON text (parsed by the connection), or as MessagePack when JSON can't carry it: one of the two.
  z.object({
    type: z.literal("res"),
    id: z.string(),
    ok: z.literal(true),
    [RESULT_JSON_KEY]: z.string().optional(),
    result: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({ type: z.literal("res"), id: z.string(), ok: z.literal(false), error: wireErrorSchema }),
]);

export const eventSchema = z.object({ type: z.literal("ev"), id: z.string(), kind: z.enum(EVENT_KINDS), data: z.unknown() });
export type SidecarEvent = z.infer<typeof eventSchema>;

// By "type" first: every call gets an event and an answer, and a plain union would try (and fail)
// the answer's schema on every event.
export const incomingSchema = z.discriminatedUnion("type", [responseSchema, eventSchema]);
