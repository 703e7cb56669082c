import { SidecarLostError, SidecarRequestError } from "../errors.ts";
import type { ServerContext } from "../context.ts";
import type { CallOutcome } from "../sidecar/supervisor.ts";

/** An introspection call failed; `notFound` when the caller named an app or model that isn't there. */
export class IntrospectionError extends Error {
  override name = "IntrospectionError";
  constructor(
    message: string,
    readonly notFound: boolean,
  ) {
    super(message);
  }
}

function describeFailure(error: unknown): IntrospectionError {
  if (error instanceof SidecarRequestError) {
    if (error.type === "LookupError") return new IntrospectionError(error.message, true);
    return new IntrospectionError(error.describe("Introspecting the project failed"), false);
  }
  if (error instanceof SidecarLostError) return new IntrospectionError(error.message, false);
  return new IntrospectionError(`The Python sidecar could not answer: ${(error as Error).message}`, false);
}

/** Introspection is quick; this bounds one whose project hangs (a URLconf blocking on import, say). */
const INTROSPECTION_TIMEOUT_MS = 60_000;

/** Runs a read-only introspection operation in the sidecar, cancelled with the client's request. */
export async function introspect(
  context: ServerContext,
  op: string,
  args: Record<string, unknown> = {},
  signal?: AbortSignal,
): Promise<CallOutcome> {
  try {
    return await context.supervisor.call(op, args, { timeoutMs: INTROSPECTION_TIMEOUT_MS, signal });
  } catch (error) {
    throw describeFailure(error);
  }
}
