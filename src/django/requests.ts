/**
 * Requests through the project and what its process logged: one HTTP request with Django's test
 * client (on the thread, with the timeouts, interrupts and output capture of shell code), the log
 * records the sidecar keeps, and the last unhandled request exception. Inside a dev server
 * (attached) the records are the dev server's: the errors a browser just hit.
 */
import type { HTTP_METHODS } from "../contract/constants.ts";
import type { LastError, LOG_LEVELS, LOG_SOURCES, LogList, Probe } from "../contract/payloads.ts";
import { InvalidArgumentError } from "../errors.ts";
import type { Supervisor } from "../sidecar/supervisor.ts";
import type { ExecuteOptions } from "./shell.ts";

type FormValue = string | number | boolean;

export interface ProbeRequest {
  method: (typeof HTTP_METHODS)[number];
  /** With its query string. */
  path: string;
  headers?: Record<string, string>;
  /** Form fields: the query string of a GET, HEAD, OPTIONS or TRACE, the body of the others. */
  data?: Record<string, FormValue | FormValue[]>;
  /** A JSON body (any JSON value but null); not with `data`. */
  json?: unknown;
  /** A username or primary key to sign in as; anonymous when absent. */
  user?: string | number | null;
  follow?: boolean;
  commit?: boolean;
  htmlAsText?: boolean;
  bodyLimit?: number;
}

export interface LogQuery {
  source?: (typeof LOG_SOURCES)[number];
  level?: (typeof LOG_LEVELS)[number];
  logger?: string;
  contains?: string;
  /** An ISO 8601 time, or seconds ago (a number, or a string of digits). */
  since?: string | number;
  limit?: number;
}

export interface Requests {
  /** Sends one request through the project; raises NotFoundError for an unknown user, InvalidArgumentError for data with json. */
  probe(request: ProbeRequest, options: ExecuteOptions): Promise<Probe>;
  /** The log records the sidecar's process kept, or the tails of the project's log files; raises InvalidArgumentError for a bad `since`. */
  logs(query: LogQuery, signal?: AbortSignal): Promise<LogList>;
  /** The most recent unhandled request exception, or a result saying there was none. */
  lastError(signal?: AbortSignal): Promise<LastError>;
}

/** Methods whose form data goes in the query string; they take no JSON body. */
const QUERY_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** Reading the buffer is quick; this bounds a sidecar busy with something stuck. */
const LOOKUP_TIMEOUT_MS = 60_000;

/** `since` as seconds since the epoch: an ISO time, or seconds before now. */
export function sinceEpoch(since: string | number, now = Date.now()): number {
  if (typeof since === "number" || /^\s*\d+(\.\d+)?\s*$/.test(since)) {
    const seconds = Number(since);
    if (!Number.isFinite(seconds) || seconds < 0) throw new InvalidArgumentError(`since must be seconds ago (0 or more) or an ISO 8601 time, not ${since}`);
    return (now - seconds * 1000) / 1000;
  }
  const parsed = Date.parse(since);
  if (Number.isNaN(parsed)) throw new InvalidArgumentError(`since must be an ISO 8601 time (e.g. 2026-05-01T12:00:00Z) or seconds ago, not "${since}"`);
  return parsed / 1000;
}

/** The object without its undefined entries: an optional argument is absent, never null, on the wire. */
function defined<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export function createRequests(supervisor: Supervisor): Requests {
  return {
    async probe(request, { timeoutSeconds, signal }) {
      const hasJson = request.json !== undefined && request.json !== null;
      if (hasJson && request.data !== undefined) {
        throw new InvalidArgumentError("Give either data (form fields) or json (a JSON body), not both.");
      }
      if (hasJson && QUERY_METHODS.has(request.method)) {
        throw new InvalidArgumentError(
          `A ${request.method} request has no body here: send json with POST, PUT, PATCH or DELETE (data becomes the query string).`,
        );
      }
      const args = {
        method: request.method,
        path: request.path,
        timeout: timeoutSeconds,
        ...defined({
          headers: request.headers,
          data: request.data,
          json_body: hasJson ? JSON.stringify(request.json) : undefined,
          user: request.user ?? undefined,
          follow: request.follow,
          commit: request.commit,
          html_as_text: request.htmlAsText,
          body_limit: request.bodyLimit,
        }),
      };
      return (await supervisor.call("request.probe", args, { timeoutMs: timeoutSeconds * 1000, signal })).result;
    },
    async logs({ since, ...filters }, signal) {
      const args = defined({ ...filters, since: since === undefined ? undefined : sinceEpoch(since) });
      return (await supervisor.call("logs.list", args, { timeoutMs: LOOKUP_TIMEOUT_MS, signal })).result;
    },
    lastError: async (signal) => (await supervisor.call("errors.last", {}, { timeoutMs: LOOKUP_TIMEOUT_MS, signal })).result,
  };
}
