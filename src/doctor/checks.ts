import { homedir } from "node:os";
import { dirname } from "node:path";
import { MINIMUM_PYTHON } from "../contract/constants.ts";
import { ConfigError } from "../errors.ts";
import { type FoundProject, findProject, type ProjectOptions } from "../project/launch.ts";
import { lookUpDevServer } from "../sidecar/devserver.ts";
import { clientChecks } from "./clients.ts";
import { isSupported, probeInterpreter, runPythonChecks, skipPythonChecks } from "./python.ts";
import { socketDirCheck } from "./socket.ts";
import type { Check, CheckResult, DoctorContext, InterpreterProbe } from "./types.ts";

const SUPPORTED = `${MINIMUM_PYTHON.join(".")}+`;

/** The project folder and settings module, as the server would find them. */
export function projectCheck({ found, projectError }: DoctorContext): CheckResult {
  if (found) return { name: "project", status: "ok", detail: `${found.project.settingsModule} in ${found.project.root}` };
  const message = projectError?.message ?? "not found";
  // A ConfigError says what is wrong, then what to do after "; ".
  const split = projectError instanceof ConfigError ? message.indexOf("; ") : -1;
  if (split >= 0) return { name: "project", status: "fail", detail: message.slice(0, split), fix: message.slice(split + 2) };
  return { name: "project", status: "fail", detail: message, fix: "run in your project's folder, or pass --project, --settings and --python (see --help)" };
}

function tooOldFix({ path, source }: FoundProject["python"]): string {
  const newer = `pass --python with a Python ${SUPPORTED} interpreter`;
  if (source === "--python") return newer;
  if (source === "python3 on PATH")
    return `install Python ${SUPPORTED} and make a virtualenv with it (.venv next to manage.py is found on its own), or ${newer}`;
  const venv = dirname(dirname(path));
  return `recreate the virtualenv with a newer Python (python3.12 -m venv --clear ${venv}, then reinstall your requirements), or ${newer}`;
}

/** The interpreter: which one, why it was chosen, and its version. */
export async function interpreterCheck(context: DoctorContext): Promise<CheckResult> {
  const name = "interpreter";
  if (!context.found) return { name, status: "skip", detail: "needs the project" };
  const { python } = context.found;
  const chosen = `${python.path} (chosen from ${python.source})`;
  const probe = await context.interpreter();
  if (!probe.ok) return { name, status: "fail", detail: `${chosen}: ${probe.error}`, fix: probe.fix };
  const version = probe.version.join(".");
  const runs = probe.executable && probe.executable !== python.path ? `, running ${probe.executable}` : "";
  if (!isSupported(probe.version)) {
    return { name, status: "fail", detail: `Python ${version} at ${chosen}${runs}; supported: ${SUPPORTED}`, fix: tooOldFix(python) };
  }
  return { name, status: "ok", detail: `Python ${version} at ${chosen}${runs}` };
}

/** Django, the settings, the apps, each database, the URLconf: one process of the project's interpreter answers them all. */
export function pythonSideChecks(context: DoctorContext): Promise<CheckResult[]> {
  return context.pythonChecks();
}

/** Whether the server will attach to a running dev server or start its own sidecar: information only. */
export function devServerCheck({ found }: DoctorContext): CheckResult {
  const name = "dev server";
  if (!found) return { name, status: "skip", detail: "needs the project" };
  let server: ReturnType<typeof lookUpDevServer>;
  try {
    server = lookUpDevServer(found.project.root);
  } catch (error) {
    return { name, status: "warn", detail: `cannot tell: ${(error as Error).message}`, fix: "the server will start its own sidecar; attaching may not work" };
  }
  switch (server.state) {
    case "absent":
      return { name, status: "ok", detail: "none listening: the server will start its own sidecar" };
    case "listening":
      return { name, status: "ok", detail: `attach to pid ${server.registration.pid} (Django ${server.registration.django})` };
    case "reloading":
      return { name, status: "ok", detail: `reloading (autoreloader pid ${server.registration.parent_pid}): the server will attach once it is back` };
  }
}

/** Every check, in the order they are shown. Each is a small function of the context. */
export const CHECKS: readonly Check[] = [projectCheck, interpreterCheck, pythonSideChecks, () => socketDirCheck(), devServerCheck, clientChecks];

export interface DoctorSettings {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
  /** The deadline for each Python process. */
  timeoutMs?: number;
}

/** A Python process that hangs (settings waiting on the network, say) is reported after this long. */
export const DEFAULT_TIMEOUT_MS = 30_000;

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

export function doctorContext(
  options: ProjectOptions,
  { env = process.env, cwd = process.cwd(), home = homedir(), timeoutMs = DEFAULT_TIMEOUT_MS }: DoctorSettings = {},
): DoctorContext {
  let found: FoundProject | undefined;
  let projectError: Error | undefined;
  try {
    found = findProject(options, env, cwd);
  } catch (error) {
    projectError = error as Error;
  }
  const interpreter = once(
    (): Promise<InterpreterProbe> =>
      found ? probeInterpreter(found.launch, timeoutMs, env) : Promise.resolve({ ok: false, error: "needs the project", fix: "" }),
  );
  const pythonChecks = once(async (): Promise<CheckResult[]> => {
    if (!found) return skipPythonChecks("needs the project");
    const probe = await interpreter();
    if (!probe.ok) return skipPythonChecks("needs a working interpreter");
    if (!isSupported(probe.version)) return skipPythonChecks(`needs Python ${SUPPORTED}`);
    return runPythonChecks(found.launch, timeoutMs, env);
  });
  return { options, env, home, found, projectError, timeoutMs, interpreter, pythonChecks };
}

/** Runs every check, in order, and returns their lines. */
export async function runDoctor(options: ProjectOptions, settings: DoctorSettings = {}, checks: readonly Check[] = CHECKS): Promise<CheckResult[]> {
  const context = doctorContext(options, settings);
  const results: CheckResult[] = [];
  for (const check of checks) results.push(...[await check(context)].flat());
  return results;
}
