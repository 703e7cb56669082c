import { z } from "zod";
import { MINIMUM_PYTHON } from "../contract/constants.ts";
import { pythonEnv, type SidecarLaunch } from "../sidecar/spawn.ts";
import { lastLine, runWithDeadline } from "./process.ts";
import type { CheckResult, InterpreterProbe } from "./types.ts";

/** The checks python -m mcp_django_bun.doctor makes, in order; "database" is one line per alias ("database default"). */
export const PYTHON_CHECKS = ["django", "settings", "apps", "database", "urlconf"] as const;

/** Marks our line among whatever the interpreter's start-up (a sitecustomize, say) prints. */
const MARKER = "mcp-django-doctor:";

/**
 * Valid on every Python, 2.7 included, so that a too-old interpreter is still told apart from
 * a broken one.
 */
const VERSION_PROBE = `import sys, json; print("${MARKER}" + json.dumps({"version": list(sys.version_info[:3]), "executable": sys.executable}))`;

export function isSupported(version: readonly number[]): boolean {
  const [major = 0, minor = 0] = version;
  return major > MINIMUM_PYTHON[0] || (major === MINIMUM_PYTHON[0] && minor >= MINIMUM_PYTHON[1]);
}

const probeSchema = z.object({ version: z.tuple([z.number(), z.number(), z.number()]), executable: z.string() });

const BROKEN_FIX = "pass --python with your project's working interpreter (a virtualenv whose Python was removed or upgraded must be recreated)";

/** The interpreter's version, asked in the project root (where a pyenv or asdf shim picks its version). */
export async function probeInterpreter(launch: SidecarLaunch, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<InterpreterProbe> {
  const ended = await runWithDeadline([launch.python, "-c", VERSION_PROBE], { cwd: launch.projectRoot, env: pythonEnv(launch, env), timeoutMs });
  if (!ended.started) return { ok: false, error: `cannot run it: ${ended.error}`, fix: BROKEN_FIX };
  if (ended.timedOut) return { ok: false, error: `no answer within ${timeoutMs / 1000} s`, fix: BROKEN_FIX };
  const line = ended.stdout.split("\n").findLast((candidate) => candidate.startsWith(MARKER));
  const parsed = line === undefined ? undefined : probeSchema.safeParse(parseJson(line.slice(MARKER.length)));
  if (ended.code !== 0 || !parsed?.success) {
    const why = lastLine(ended.stderr) || `exit status ${ended.code}`;
    return { ok: false, error: `it does not run Python code: ${why}`, fix: BROKEN_FIX };
  }
  return { ok: true, ...parsed.data };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The same verdict for every Python-side check, when they cannot run. */
export function skipPythonChecks(why: string): CheckResult[] {
  return PYTHON_CHECKS.map((name) => ({ name, status: "skip", detail: why }));
}

/** Runs python -m mcp_django_bun.doctor as the sidecar would be run, and reads its verdicts. */
export async function runPythonChecks(launch: SidecarLaunch, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<CheckResult[]> {
  const args = [launch.python, "-X", "utf8", "-u", "-m", "mcp_django_bun.doctor"];
  for (const path of launch.pythonPath) args.push("--pythonpath", path);
  const ended = await runWithDeadline(args, { cwd: launch.projectRoot, env: pythonEnv(launch, env), timeoutMs });
  if (!ended.started) return readPythonChecks("", { code: null, timedOut: false, stderr: ended.error, timeoutMs });
  return readPythonChecks(ended.stdout, { ...ended, timeoutMs });
}

const lineSchema = z.union([
  z.object({ begin: z.string() }),
  z.object({ name: z.string(), status: z.enum(["ok", "fail", "warn", "skip"]), detail: z.string(), fix: z.string().optional() }),
]);

export interface PythonEnding {
  code: number | null;
  timedOut: boolean;
  stderr: string;
  timeoutMs: number;
}

function covers(result: CheckResult, check: string): boolean {
  return result.name === check || result.name.startsWith(`${check} `);
}

/**
 * The verdicts python -m mcp_django_bun.doctor wrote (JSON lines), completed when it did not
 * finish: the check it was in fails (it hung, or the process died), the ones after it are skipped.
 */
export function readPythonChecks(stdout: string, ending: PythonEnding): CheckResult[] {
  const results: CheckResult[] = [];
  let running: string | undefined;
  for (const text of stdout.split("\n")) {
    const parsed = lineSchema.safeParse(parseJson(text));
    if (!parsed.success) continue;
    if ("begin" in parsed.data) {
      running = parsed.data.begin;
    } else {
      results.push(parsed.data);
      if (parsed.data.name === running) running = undefined;
    }
  }
  const missing = PYTHON_CHECKS.filter((check) => !results.some((result) => covers(result, check)));
  if (!ending.timedOut && ending.code === 0 && running === undefined) return results;
  const failing = running ?? missing[0];
  if (failing === undefined) return results; // every verdict is in; whatever went wrong came after
  results.push(ending.timedOut ? hung(failing, ending.timeoutMs) : died(failing, ending));
  const base = failing.split(" ")[0];
  for (const check of missing) {
    if (check !== base) results.push({ name: check, status: "skip", detail: `not run: the ${failing} check did not finish` });
  }
  return results;
}

function hung(check: string, timeoutMs: number): CheckResult {
  const seconds = timeoutMs / 1000;
  if (check.startsWith("database")) {
    return {
      name: check,
      status: "fail",
      detail: `no answer within ${seconds} s`,
      fix: "check that the database server is running and reachable (HOST and PORT in DATABASES)",
    };
  }
  return {
    name: check,
    status: "fail",
    detail: `did not finish within ${seconds} s: something the project runs here blocks`,
    fix: "look for a network call, input() or a lock run at import; python manage.py check, stopped with Ctrl-C, shows where it waits",
  };
}

function died(check: string, { code, stderr }: PythonEnding): CheckResult {
  const why = lastLine(stderr);
  return {
    name: check,
    status: "fail",
    detail: `the Python process ended (exit status ${code}) during this check${why ? `: ${why}` : ""}`,
    fix: "python manage.py check, run in the project with this interpreter, shows the whole error",
  };
}
