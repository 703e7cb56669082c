/** A temporary home and a temporary Django project for install's tests, removed after each test. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ClientContext, ClientDefinition } from "../../src/install/clients.ts";
import type { FormatName } from "../../src/install/formats/index.ts";
import { type InstallOptions, type InstallResult, install } from "../../src/install/install.ts";
import type { Defer } from "../support/cleanup.ts";
import { VENV_PYTHON } from "../support/paths.ts";

/** Any executable does for --python: install checks that it exists, it never runs it. */
export const PYTHON = existsSync(VENV_PYTHON) ? VENV_PYTHON : process.execPath;
export const SETTINGS = "shop.settings";
/** A fixed launcher, so entries don't depend on how the test runner was started. */
export const LAUNCHER = { command: "/opt/mcp-django/bin/mcp-django", args: [] };

export interface World {
  home: string;
  project: string;
  env: NodeJS.ProcessEnv;
  ctx: ClientContext;
  /** install() against this home and project, with the fixed launcher and interpreter. */
  install(options?: InstallOptions): InstallResult;
  /** Writes `text` at `path`, making its folders. */
  write(path: string, text: string): void;
  read(path: string): string;
  /** The backups made next to `path`. */
  backups(path: string): string[];
}

export function makeWorld(defer: Defer): World {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "mcp-django-install-")));
  defer(() => rmSync(root, { recursive: true, force: true }));
  const home = join(root, "home");
  const project = join(root, "shop");
  mkdirSync(home);
  mkdirSync(project);
  writeFileSync(join(project, "manage.py"), `import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "${SETTINGS}")\n`);
  // No PATH: no client is "on PATH" unless a test says so.
  const env: NodeJS.ProcessEnv = { HOME: home, PATH: "" };
  const write = (path: string, text: string) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  return {
    home,
    project,
    env,
    ctx: { home, env, projectRoot: project },
    install: (options = {}) => install({ project, python: PYTHON, home, env, cwd: project, launcher: LAUNCHER, ...options }),
    write,
    read: (path) => readFileSync(path, "utf8"),
    backups: (path) =>
      readdirSync(dirname(path))
        .filter((name) => name.startsWith(`${path.slice(dirname(path).length + 1)}.`) && name.endsWith(".bak"))
        .map((name) => join(dirname(path), name)),
  };
}

/** Parses a file the way its client does, with a parser that isn't ours. */
export function parseAs(format: FormatName, text: string): unknown {
  if (format === "json") return JSON.parse(text);
  if (format === "jsonc") return Bun.JSONC.parse(text);
  return Bun.TOML.parse(text);
}

/** A file in the client's format holding an unrelated server and an unrelated top-level key. */
export function seedFor(client: ClientDefinition): string {
  if (client.format === "toml") {
    return '# my settings\nmodel = "gpt-5"\n\n[mcp_servers.other]\ncommand = "other-server"\nargs = ["--flag"]\n\n[profiles.fast]\nmodel = "o4-mini"\n';
  }
  const servers = JSON.stringify({ other: { command: "other-server", args: ["--flag"] } }, null, 2).replaceAll("\n", "\n  ");
  const comment = client.format === "jsonc" ? "  // kept: a comment of the user's\n" : "";
  return `{\n${comment}  "keep-me": true,\n  ${JSON.stringify(client.serversKey[0])}: ${servers}\n}\n`;
}
