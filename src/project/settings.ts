import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ConfigError } from "../errors.ts";

export interface ProjectLocation {
  /** The folder the sidecar runs in: the one with manage.py, else the working directory. */
  root: string;
  managepy?: string;
  settingsModule: string;
}

/** manage.py in `start` or the nearest parent folder that has one. */
export function findManagePy(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, "manage.py");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The settings module a manage.py sets with os.environ.setdefault(...), as a person would read it. */
export function settingsFromManagePy(source: string): string | undefined {
  const match = source.match(/setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']\s*\)/);
  return match?.[1];
}

const MODULE_NAME = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

/** Settings: --settings, else $DJANGO_SETTINGS_MODULE, else what manage.py says. */
export function locateProject(cwd: string, settingsFlag: string | undefined, env: NodeJS.ProcessEnv): ProjectLocation {
  const managepy = findManagePy(cwd);
  const root = managepy ? dirname(managepy) : resolve(cwd);
  const settingsModule = settingsFlag || env.DJANGO_SETTINGS_MODULE || (managepy ? settingsFromManagePy(readFileSync(managepy, "utf8")) : undefined);
  if (!settingsModule) {
    throw new ConfigError(
      managepy
        ? `no Django settings module found: ${managepy} does not set DJANGO_SETTINGS_MODULE; pass --settings yourproject.settings`
        : `no Django settings module found: no manage.py in ${resolve(cwd)} or its parents; run from your project folder, pass --settings yourproject.settings, or set DJANGO_SETTINGS_MODULE`,
    );
  }
  if (!MODULE_NAME.test(settingsModule)) {
    throw new ConfigError(`"${settingsModule}" is not a Python module path; pass --settings like yourproject.settings`);
  }
  return { root, managepy, settingsModule };
}
