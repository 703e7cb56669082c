import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "../errors.ts";

export interface PythonChoice {
  path: string;
  /** Where the choice came from, for the log and error messages. */
  source: string;
}

function isExecutableFile(path: string): boolean {
  try {
    return statSync(path).isFile() && (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * The project's interpreter: --python, else $VIRTUAL_ENV, else .venv next to manage.py, else
 * python3 on PATH. Shims (pyenv, asdf) are resolved later, once, from the sidecar's
 * sys.executable.
 */
export function choosePython(flag: string | undefined, projectRoot: string, env: NodeJS.ProcessEnv, cwd: string): PythonChoice {
  if (flag) {
    const path = flag.includes("/") ? resolve(cwd, flag) : Bun.which(flag, { PATH: env.PATH ?? "" });
    if (!path || !isExecutableFile(path)) {
      throw new ConfigError(`--python ${flag}: no executable Python interpreter there; pass the path to your project's python`);
    }
    return { path, source: "--python" };
  }
  const candidates: [string | undefined, string][] = [
    [env.VIRTUAL_ENV && join(env.VIRTUAL_ENV, "bin", "python"), "$VIRTUAL_ENV"],
    [join(projectRoot, ".venv", "bin", "python"), ".venv next to manage.py"],
  ];
  for (const [path, source] of candidates) {
    if (path && existsSync(path) && isExecutableFile(path)) return { path, source };
  }
  const onPath = Bun.which("python3", { PATH: env.PATH ?? "" });
  if (!onPath) throw new ConfigError("no Python found: pass --python /path/to/your/venv/bin/python");
  return { path: onPath, source: "python3 on PATH" };
}
