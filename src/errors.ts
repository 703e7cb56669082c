/** The server cannot start as configured: the CLI prints the message as one line and exits 1. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The sidecar socket carried something that is not a valid frame. */
export class FrameError extends Error {
  override name = "FrameError";
}

/** The sidecar could not be started or failed its handshake. */
export class SidecarStartError extends Error {
  override name = "SidecarStartError";
  constructor(
    message: string,
    /** Whether restarting cannot help (e.g. Django is not installed): the server should exit. */
    readonly fatal = false,
  ) {
    super(message);
  }
}

/** The sidecar went away while a request was running or waiting: whatever it held is gone. */
export class SidecarLostError extends Error {
  override name = "SidecarLostError";
}

/** The sidecar has no namespace for a shell session we hold state for: it must be restored there first. */
export class StateMissingError extends Error {
  override name = "StateMissingError";
}

/** The client cancelled the call before the sidecar could take it. */
export class CallCancelledError extends Error {
  override name = "CallCancelledError";
}

/** The server is stopping: no new call is started. */
export class ShuttingDownError extends Error {
  override name = "ShuttingDownError";
}

/** The caller named something that does not exist (an app, a model, a package…). */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** The caller's input is malformed in a way the schema could not catch (a slug with a "/", say). */
export class InvalidArgumentError extends Error {
  override name = "InvalidArgumentError";
}

/**
 * The project's Python failed: Django could not be set up (`setup_failed`), or an operation
 * raised (`failed`), with the Python traceback.
 */
export class ProjectError extends Error {
  override name = "ProjectError";
  constructor(
    readonly kind: "setup_failed" | "failed",
    message: string,
    readonly excType: string | undefined,
    readonly traceback: readonly string[] = [],
  ) {
    super(message);
  }

  /** For a message the user can act on: what failed, the message, the Python traceback. */
  describe(failing: string): string {
    const what = `${this.kind === "setup_failed" ? "Django could not be set up for this project" : failing} (${this.excType ?? "error"})`;
    const trace = this.traceback.length ? `\nTraceback (most recent call last):\n${this.traceback.join("\n")}` : "";
    return `${what}: ${this.message}${trace}`;
  }
}

/** The two sides disagree (an unknown op, arguments or a result off the contract): a bug of ours, never the user's. */
export class SidecarProtocolError extends Error {
  override name = "SidecarProtocolError";
}

/** A djangopackages.org request got no answer: connection failure or timeout. Worth retrying later. */
export class NetworkError extends Error {
  override name = "NetworkError";
  constructor(
    readonly url: string,
    cause: string,
  ) {
    super(`GET ${url} failed: ${cause}`);
  }
}

/** djangopackages.org answered, but not with what we asked for (HTTP error, not JSON, unexpected shape). */
export class UpstreamError extends Error {
  override name = "UpstreamError";
  constructor(
    readonly url: string,
    problem: string,
    /** The HTTP status, when the failure is one. */
    readonly status?: number,
  ) {
    super(`GET ${url} failed: ${problem}`);
  }

  /** Whether the answer may be different later (server trouble, not a missing page), so a stale copy beats failing. */
  get transient(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}
