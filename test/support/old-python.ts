import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { VENV_PYTHON } from "./paths.ts";

/**
 * A Python 3.9, older than we support: a real one when this machine has it (pyenv, or python3.9
 * on PATH that really runs: a pyenv shim may name a version that isn't enabled). Otherwise, as on
 * a fresh CI machine, a stand-in made in `scratch`: a script running the test interpreter with a
 * sitecustomize that makes sys.version_info say 3.9. The server and the doctor only ask the
 * version of a Python that old, so nothing they do tells the stand-in from a real 3.9.
 */
export function python39(scratch: string): string {
  const pyenv = join(process.env.PYENV_ROOT ?? join(homedir(), ".pyenv"), "versions");
  const installed = existsSync(pyenv) ? readdirSync(pyenv).filter((name) => name.startsWith("3.9")) : [];
  const candidates = [...installed.map((name) => join(pyenv, name, "bin", "python")), Bun.which("python3.9")];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const asked = Bun.spawnSync([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { stderr: "ignore" });
    if (asked.exitCode === 0 && asked.stdout.toString().trim() === "3.9") return candidate;
  }
  const site = join(scratch, "python39-site");
  mkdirSync(site, { recursive: true });
  writeFileSync(join(site, "sitecustomize.py"), 'import sys\nsys.version_info = (3, 9, 18, "final", 0)\n');
  const wrapper = join(scratch, "python3.9");
  writeFileSync(wrapper, `#!/bin/sh\nPYTHONPATH="${site}\${PYTHONPATH:+:$PYTHONPATH}" exec "${VENV_PYTHON}" "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}
