import type { FoundProject, ProjectOptions } from "../project/launch.ts";

export type Status = "ok" | "fail" | "warn" | "skip";

/** One line of `mcp-django doctor`: a verdict and, when not ok, what to do. */
export interface CheckResult {
  name: string;
  status: Status;
  detail: string;
  fix?: string;
}

/** The interpreter's answer to `python -c …`: its version, or why it could not tell. */
export type InterpreterProbe = { ok: true; version: [number, number, number]; executable: string } | { ok: false; error: string; fix: string };

/** What every check may look at; the Python probes are run once, by the first check that needs them. */
export interface DoctorContext {
  options: ProjectOptions;
  env: NodeJS.ProcessEnv;
  /** Where user-wide client configuration lives. */
  home: string;
  /** The project and its interpreter; undefined when they could not be found (`projectError` says why). */
  found: FoundProject | undefined;
  projectError: Error | undefined;
  /** The deadline for each Python process. */
  timeoutMs: number;
  interpreter(): Promise<InterpreterProbe>;
  /** The checks that run in the project's interpreter (python -m mcp_django_bun.doctor). */
  pythonChecks(): Promise<CheckResult[]>;
}

/** A check: one line, or several (one per database alias, say). */
export type Check = (context: DoctorContext) => CheckResult | CheckResult[] | Promise<CheckResult | CheckResult[]>;
