import type { CancelReason } from "../contract/constants.ts";

/** After an interrupt, how long the code gets to stop before its sidecar is given up. */
export const INTERRUPT_GRACE_MS = 2_000;
/** How long past its deadline a call may go untaken by a sidecar that runs nothing else. */
const NOT_TAKEN_GRACE_MS = 1_000;
/** A sidecar that answered a call this recently is still busy: the next call's "started" may be on its way. */
const BUSY_MARGIN_MS = 500;
/** How often a call waiting behind another one looks again whether the sidecar still works. */
const WAITING_CHECK_MS = 500;

/** What the deadline needs to know of the sidecar a call was sent to. */
export interface SidecarActivity {
  /** Calls it said it started and has not answered yet (it runs one at a time; others wait behind). */
  startedCalls: number;
  /** When it last started or answered a call (performance.now()). */
  lastActivity: number;
}

export interface DeadlineActions {
  /** Asks the sidecar to interrupt the call (or drop it, when it has not started). */
  cancel(reason: CancelReason): void;
  /** The sidecar can't be trusted with the call any more: kill it or disconnect from it. */
  giveUp(because: string): void;
}

const busy = (sidecar: SidecarActivity) => sidecar.startedCalls > 0 || performance.now() - sidecar.lastActivity < BUSY_MARGIN_MS;

/**
 * The deadline of one call, from the moment it is sent, whatever the sidecar does. At the
 * deadline (or when the client cancels) the call is interrupted, or cancelled where it waits;
 * its sidecar is given up when, a grace period later, the call still runs, or when nothing runs
 * there at all: a suspended sidecar, or a thread of user code holding the GIL, never even says
 * it started. A call waiting behind another call that runs gets its full time once it starts.
 */
export class CallDeadline {
  #started = false;
  #waitedBehind = false;
  #interruptedFor: CancelReason | undefined;
  #deadline: ReturnType<typeof setTimeout>;
  #check: ReturnType<typeof setTimeout> | undefined;
  #giveUp: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly sidecar: SidecarActivity,
    private readonly timeoutMs: number,
    private readonly actions: DeadlineActions,
  ) {
    this.#deadline = setTimeout(() => this.#onDeadline(), timeoutMs);
  }

  get started(): boolean {
    return this.#started;
  }

  /** Why the call was interrupted, if it was. */
  get interruptedFor(): CancelReason | undefined {
    return this.#interruptedFor;
  }

  /** The sidecar says the call runs now. */
  onStarted(): void {
    if (this.#started) return;
    this.#started = true;
    this.sidecar.startedCalls++;
    this.sidecar.lastActivity = performance.now();
    clearTimeout(this.#check);
    if (this.#interruptedFor) {
      clearTimeout(this.#giveUp);
      this.#giveUp = undefined;
      this.#armGiveUp();
    } else if (this.#waitedBehind) {
      this.#deadline = setTimeout(() => this.interrupt("timeout"), this.timeoutMs);
    }
  }

  interrupt(reason: CancelReason): void {
    if (!this.#interruptedFor) {
      this.#interruptedFor = reason;
      this.actions.cancel(reason);
    }
    this.#armGiveUp();
  }

  /** The call is answered (or lost): stops every timer. */
  dispose(): void {
    clearTimeout(this.#deadline);
    clearTimeout(this.#check);
    clearTimeout(this.#giveUp);
    if (this.#started) {
      this.sidecar.startedCalls--;
      this.sidecar.lastActivity = performance.now();
    }
  }

  #onDeadline(): void {
    if (this.#started || !busy(this.sidecar)) {
      this.interrupt("timeout");
      return;
    }
    this.#waitedBehind = true;
    this.#checkAgainSoon();
  }

  /** Waiting behind another call: fine while the sidecar works, a deadline missed once it stops. */
  #checkAgainSoon(): void {
    clearTimeout(this.#check);
    this.#check = setTimeout(() => {
      if (this.#started) return;
      if (busy(this.sidecar)) this.#checkAgainSoon();
      else this.interrupt(this.#interruptedFor ?? "timeout");
    }, WAITING_CHECK_MS);
  }

  #armGiveUp(): void {
    const reason = this.#interruptedFor;
    if (!reason || this.#giveUp) return;
    if (this.#started) {
      const because = `the code did not stop within ${INTERRUPT_GRACE_MS / 1000} s of being interrupted (${reason})`;
      this.#giveUp = setTimeout(() => this.actions.giveUp(because), INTERRUPT_GRACE_MS);
      return;
    }
    if (busy(this.sidecar)) {
      this.#checkAgainSoon();
      return;
    }
    this.#giveUp = setTimeout(() => {
      this.#giveUp = undefined;
      if (this.#started) return;
      if (busy(this.sidecar)) this.#checkAgainSoon();
      else
        this.actions.giveUp(
          `the sidecar did not take the call within ${NOT_TAKEN_GRACE_MS / 1000} s of its deadline (suspended, or a thread of the code holding the GIL)`,
        );
    }, NOT_TAKEN_GRACE_MS);
  }
}
