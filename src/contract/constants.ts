/**
 * The constants Bun and the sidecar share. Mirrored in py/mcp_django_bun/sidecar/contract.py;
 * test/contract.test.ts fails when the two sides disagree.
 */

/** Bumped on any incompatible change; both sides check it in the hello exchange. */
export const PROTOCOL_VERSION = 4;

/**
 * The key of a successful answer whose result comes as JSON text: the sidecar's stdlib json
 * encodes a large result many times faster than its pure-Python MessagePack codec, and
 * JSON.parse beats decoding it as MessagePack. `result` (MessagePack) stays for what JSON can't carry.
 */
export const RESULT_JSON_KEY = "result_json";

/** The oldest Python the sidecar runs on; an older one exits at once with UNSUPPORTED_PYTHON_EXIT, saying so on stderr. */
export const MINIMUM_PYTHON = [3, 10] as const;
export const UNSUPPORTED_PYTHON_EXIT = 3;

/** What a failed request's error says went wrong, as a kind the caller can act on. */
export const ERROR_KINDS = ["unknown_op", "invalid_args", "not_found", "setup_failed", "failed", "unsendable", "state_missing"] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Events the sidecar sends about a request while it runs. */
export const EVENT_KINDS = ["started"] as const;

/** Why we ask the sidecar to interrupt a request. */
export const CANCEL_REASONS = ["timeout", "cancelled"] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** How a sidecar runs: spawned by us, inside the dev server, or in `manage.py mcp`'s process. */
export const MODES = ["spawned", "attached", "command"] as const;
export type SidecarMode = (typeof MODES)[number];

/** A shell session key is `${client}${SESSION_SEPARATOR}${mcpSession}`: a client's sessions share its prefix. */
export const SESSION_SEPARATOR = "/";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"] as const;
