import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import type { SidecarLaunch } from "../sidecar/spawn.ts";
import { choosePython, type PythonChoice } from "./python.ts";
import { findManagePy, locateProject, type ProjectLocation } from "./settings.ts";

/** What names the project: the flags of serve, install and doctor. */
export interface ProjectOptions {
  /** The project folder (--project, else $MCP_DJANGO_PROJECT, else the working directory). */
  project?: string;
  settings?: string;
  python?: string;
  pythonpath?: string;
}

export interface FoundProject {
  project: ProjectLocation;
  python: PythonChoice;
  /** How to start a sidecar for it. */
  launch: SidecarLaunch;
}

/** Folders that never hold the project's manage.py. */
const NOT_PROJECT_FOLDERS = new Set(["node_modules", "venv", "env", "__pycache__"]);

/**
 * The folder to look for manage.py from. A client that ignores "cwd" starts us in the
 * repository root: when that has no manage.py above it, a single one folder down (backend/,
 * src/) is the project a person would mean.
 */
function projectStart(folder: string): string {
  if (findManagePy(folder)) return folder;
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return folder;
  }
  const below = entries
    .filter((name) => !name.startsWith(".") && !NOT_PROJECT_FOLDERS.has(name))
    .map((name) => join(folder, name))
    .filter((dir) => existsSync(join(dir, "manage.py")));
  return below.length === 1 && below[0] ? below[0] : folder;
}

function projectFolder(options: ProjectOptions, env: NodeJS.ProcessEnv, cwd: string): string {
  const named = options.project || env.MCP_DJANGO_PROJECT;
  if (!named) return projectStart(cwd);
  const folder = resolve(cwd, named);
  const flag = options.project ? "--project" : "MCP_DJANGO_PROJECT";
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new ConfigError(`${flag} ${named}: no such folder; pass the folder that holds your project's manage.py`);
  }
  return projectStart(folder);
}

/** The Django project these options name, its interpreter, and how to spawn its sidecar. */
export function findProject(options: ProjectOptions, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): FoundProject {
  const project = locateProject(projectFolder(options, env, cwd), options.settings, env);
  const python = choosePython(options.python, project.root, env, cwd);
  const launch = {
    python: python.path,
    projectRoot: project.root,
    settingsModule: project.settingsModule,
    // Relative to where the user ran us; the sidecar runs in the project root.
    pythonPath: options.pythonpath ? [resolve(cwd, options.pythonpath)] : [],
  };
  return { project, python, launch };
}
