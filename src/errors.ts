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

/** The sidecar went away while a request was pending; its session state is gone. */
export class SidecarLostError extends Error {
  override name = "SidecarLostError";
}

/** The sidecar answered a request with an error of its own (not an exception in user code). */
export class SidecarRequestError extends Error {
  override name = "SidecarRequestError";
  constructor(
    readonly type: string,
    message: string,
    readonly traceback: string[] = [],
  ) {
    super(message);
  }

  /** For a tool error the user can act on: what failed, the message, the Python traceback. */
  describe(failing: string): string {
    const what = this.type === "DjangoSetupError" ? "Django could not be set up for this project" : `${failing} (${this.type})`;
    const trace = this.traceback.length ? `\nTraceback (most recent call last):\n${this.traceback.join("\n")}` : "";
    return `${what}: ${this.message}${trace}`;
  }
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
