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
    const what = error.type === "DjangoSetupError" ? "Django could not be set up for this project" : `Introspecting the project failed (${error.type})`;
    return new IntrospectionError(`${what}: ${error.detail}`, false);
  }
  if (error instanceof SidecarLostError) return new IntrospectionError(error.message, false);
  return new IntrospectionError(`The Python sidecar could not answer: ${(error as Error).message}`, false);
}

/**
 * Runs a read-only introspection operation in the sidecar. No timeout and no cancellation:
 * these operations are quick but may wait behind a shell call, and killing a stuck sidecar for
 * them would cost the user's shell session.
 */
export async function introspect(context: ServerContext, op: string, args: Record<string, unknown> = {}): Promise<CallOutcome> {
  try {
    return await context.supervisor.call(op, args);
  } catch (error) {
    throw describeFailure(error);
  }
}
