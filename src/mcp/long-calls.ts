import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Activity } from "../activity.ts";

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** The longest a call of user code or a management command may be given. */
export const MAX_TIMEOUT_SECONDS = 3600;
const PROGRESS_INTERVAL_MS = 5_000;

/** A tool's `timeout_seconds`: positive, at most an hour. */
export function timeoutSecondsInput(defaultSeconds: number, description: string) {
  return z.number().positive().max(MAX_TIMEOUT_SECONDS).default(defaultSeconds).describe(description);
}

/**
 * While a call runs, tell a client that asked for progress that it is still running: long calls
 * are otherwise silent, and clients may give up on them.
 */
function startProgress(extra: ToolExtra): ReturnType<typeof setInterval> | undefined {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  const started = Date.now();
  return setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    void extra
      .sendNotification({ method: "notifications/progress", params: { progressToken, progress: seconds, message: `still running after ${seconds} s` } })
      .catch(() => undefined);
  }, PROGRESS_INTERVAL_MS);
}

/**
 * Runs the work of a tool call that may take long (user code, a management command): a client
 * that sent a progress token hears "still running after N s" every 5 s, and the MCP session
 * counts as busy, so idle expiry never closes it mid-call. The client's cancellation reaches the
 * work through `extra.signal`, which the work passes on to the sidecar call.
 */
export async function runLong<T>(extra: ToolExtra, activity: Activity, work: () => Promise<T>): Promise<T> {
  const heartbeat = startProgress(extra);
  const done = activity.begin(extra.sessionId);
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    done();
  }
}
