import {
  CallCancelledError,
  InvalidArgumentError,
  NetworkError,
  NotFoundError,
  ProjectError,
  ShuttingDownError,
  SidecarLostError,
  SidecarProtocolError,
  SidecarStartError,
  UpstreamError,
} from "../errors.ts";

/** What a failure means for the caller, worded once for every tool. `doing` names the work, e.g. "Listing the routes". */
export function describeFailure(error: unknown, doing: string): string {
  if (error instanceof NotFoundError || error instanceof InvalidArgumentError || error instanceof CallCancelledError) return error.message;
  if (error instanceof ProjectError) return error.describe(`${doing} failed`);
  if (error instanceof SidecarLostError) return `${error.message}. Try again: the next call starts a new one.`;
  if (error instanceof SidecarStartError) return `The Python sidecar could not start: ${error.message}`;
  if (error instanceof ShuttingDownError) return "The server is shutting down: the call was not run.";
  if (error instanceof NetworkError || error instanceof UpstreamError) {
    const uncached = error instanceof NetworkError || error.transient ? ", and nothing is cached for it" : "";
    return `${doing} failed${uncached}: ${error.message}`;
  }
  if (error instanceof SidecarProtocolError) return `${doing} failed on an internal error of mcp-django (please report it): ${error.message}`;
  return `${doing} failed: ${error instanceof Error ? error.message : String(error)}`;
}
