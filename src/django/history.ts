/**
 * A shell session's history, kept on this side so that it outlives any one sidecar: which step
 * bound each name, what can be re-run in a fresh sidecar (imports and definitions of the steps
 * that succeeded), what can't, and the whole session as a script.
 */
import type { RestoreStep, RunRecord, Statement } from "../contract/payloads.ts";

interface Step {
  /** Numbered from 1 in the order of the calls, failed ones included, so notices and script agree. */
  number: number;
  ok: boolean;
  statements: Statement[];
}

interface Binding {
  step: number;
  /** The statement of the step that bound it last. */
  statement: Statement;
  /** Re-run by a restore: an import or a definition of a step that succeeded. */
  restorable: boolean;
}

/** What carrying a session over to a fresh sidecar gave, for its notice. */
export interface CarryOver {
  /** Names bound again by re-running their import or definition, with their step. */
  restored: { name: string; step: number }[];
  /** Restored statements that failed now, with why (a removed function, say). */
  failed: { step: number; source: string; error: string }[];
  /** Names that were not restored (assignments and anything else not safe to re-run), with the step that made each. */
  lost: { name: string; step: number }[];
}

const isRestorable = (statement: Statement) => statement.kind !== "other";

export class SessionHistory {
  #steps: Step[] = [];
  #bindings = new Map<string, Binding>();

  /** Adds one call's run; returns its step number. */
  add(ok: boolean, record: RunRecord): number {
    const number = this.#steps.length + 1;
    this.#steps.push({ number, ok, statements: record.statements });
    for (const statement of record.statements) {
      for (const name of statement.names) this.#bindings.set(name, { step: number, statement, restorable: ok && isRestorable(statement) });
    }
    for (const name of record.deleted) this.#bindings.delete(name);
    return number;
  }

  /** Whether the session holds names a new sidecar would not have. */
  hasState(): boolean {
    return this.#bindings.size > 0;
  }

  /**
   * The imports and definitions that still give a name its value, in the order they ran, to
   * re-run in a new sidecar: not those whose names were deleted or bound again since.
   */
  restoreSteps(): RestoreStep[] {
    const owners = new Set([...this.#bindings.values()].filter((binding) => binding.restorable).map((binding) => binding.statement));
    return this.#successful().flatMap((step) =>
      step.statements.filter((statement) => owners.has(statement)).map(({ source }) => ({ step: step.number, source })),
    );
  }

  /** Sorts the session's names into restored and lost, given the restored statements that failed. */
  carryOver(failures: CarryOver["failed"]): CarryOver {
    const failed = (binding: Binding) => failures.some(({ step, source }) => step === binding.step && source === binding.statement.source);
    const restored: CarryOver["restored"] = [];
    const lost: CarryOver["lost"] = [];
    for (const [name, binding] of this.#bindings) {
      (binding.restorable && !failed(binding) ? restored : lost).push({ name, step: binding.step });
    }
    return { restored, failed: failures, lost };
  }

  /** The successful steps as a script that recreates the session: imports first, then each step, numbered. */
  script(): string {
    const successful = this.#successful();
    const imports = [...new Set(successful.flatMap((step) => step.statements.filter((s) => s.kind === "import").map((s) => s.source)))];
    const body = successful.flatMap((step) => {
      const rest = step.statements.filter((statement) => statement.kind !== "import");
      return rest.length ? [`# Step ${step.number}\n${rest.map((statement) => statement.source).join("\n")}`] : [];
    });
    const skipped = this.#steps.length - successful.length;
    const header = `# Shell session history: ${successful.length} step${successful.length === 1 ? "" : "s"}${skipped ? ` (${skipped} failed, left out)` : ""}`;
    return [header, ...(imports.length ? [imports.join("\n")] : []), ...body].join("\n\n").concat("\n");
  }

  #successful(): Step[] {
    return this.#steps.filter((step) => step.ok);
  }
}
