import type { OpName } from "../../src/contract/ops.ts";
import type { CallOptions, Supervisor } from "../../src/sidecar/supervisor.ts";

export interface SentCall {
  op: OpName;
  args: unknown;
  options: CallOptions | undefined;
}

/** A supervisor that records each call and answers none: no sidecar is involved. */
export function recordingSupervisor(): { supervisor: Supervisor; sent: SentCall[] } {
  const sent: SentCall[] = [];
  const supervisor: Supervisor = {
    start: async () => {
      throw new Error("no sidecar in these tests");
    },
    mode: () => undefined,
    active: () => false,
    async call(op, args, options) {
      sent.push({ op, args, options });
      throw new Error("no sidecar in these tests");
    },
    codeChanged: () => undefined,
    loadedAt: () => undefined,
    currentGeneration: () => undefined,
    stop: async () => undefined,
  };
  return { supervisor, sent };
}
