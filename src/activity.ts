/**
 * Counts the tool calls running per MCP session, so that idle-session expiry never closes a
 * session in the middle of a long shell call (a call may run up to an hour; sessions expire
 * after half of that by default).
 */
export interface Activity {
  /** Marks a call as running; call the returned function when it ends. */
  begin(sessionId: string | undefined): () => void;
  busy(sessionId: string): boolean;
}

export function createActivity(): Activity {
  const running = new Map<string, number>();
  return {
    begin(sessionId) {
      if (sessionId === undefined) return () => {};
      running.set(sessionId, (running.get(sessionId) ?? 0) + 1);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        const left = (running.get(sessionId) ?? 1) - 1;
        if (left > 0) running.set(sessionId, left);
        else running.delete(sessionId);
      };
    },
    busy: (sessionId) => running.has(sessionId),
  };
}
