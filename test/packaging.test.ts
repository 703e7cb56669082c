import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accessSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { cliEnv, expectCoreShellCases, shell } from "./support/client.ts";
import { EXAMPLE, REPO, VENV_PYTHON } from "./support/paths.ts";

let scratch: string;
/** The example project, in a folder of its own. */
let project: string;
/** An empty folder the package is installed into, as a user would with npm only. */
let tools: string;
let installed: string;
/** Why the install failed, for the tests that need it; undefined once it worked. */
let installFailure: string | undefined = "the install test has not run";

function run(command: string[], cwd: string): string {
  const result = Bun.spawnSync(command, { cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, npm_config_loglevel: "warn" } });
  if (result.exitCode !== 0) {
    throw new Error(`${command.join(" ")} (in ${cwd}) exited with ${result.exitCode}:\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result.stdout.toString();
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  link?: boolean;
  [key: string]: unknown;
}

/**
 * A package-lock.json for a project depending only on `tarball`: the package's own dependency tree
 * is the repo's lockfile minus its dev-only entries, at the same versions and integrity. Every
 * entry gets its registry `resolved` URL (the repo's lockfile may omit them), so `npm ci` fetches
 * tarballs directly and needs no registry metadata: it works with an empty npm cache.
 */
function scratchLock(tarball: string, registry: string): Record<string, unknown> {
  const repoLock = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const manifest = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as Record<string, unknown>;
  const base = registry.endsWith("/") ? registry : `${registry}/`;
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    "": { name: "tools", version: "0.0.0", dependencies: { "mcp-django": spec } },
    "node_modules/mcp-django": {
      version: manifest.version,
      resolved: spec,
      integrity: `sha512-${new Bun.CryptoHasher("sha512").update(readFileSync(join(tools, tarball))).digest("base64")}`,
      license: manifest.license,
      dependencies: manifest.dependencies,
      optionalDependencies: manifest.optionalDependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (!path || entry.dev || entry.link) continue;
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    const file = `${name.split("/").pop()}-${entry.version}.tgz`;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
    packages[path] = { ...kept, resolved: entry.resolved ?? `${base}${name}/-/${file}` };
  }
  return { name: "tools", version: "0.0.0", lockfileVersion: 3, requires: true, packages };
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "mcp-django-pack-"));
  project = join(scratch, "bookshop");
  tools = join(scratch, "tools");
  installed = join(tools, "node_modules", "mcp-django");
  cpSync(EXAMPLE, project, { recursive: true, filter: (path) => !path.includes("__pycache__") });
  mkdirSync(tools);
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** PATH without the folders that hold a `bun`: a machine with Node and npm only. */
function withoutBun(path: string): string {
  return path
    .split(":")
    .filter((dir) => {
      try {
        accessSync(join(dir, "bun"), constants.X_OK);
        return false;
      } catch {
        return true;
      }
    })
    .join(":");
}

/** Fails a test that needs the installed package with the install's own error. */
function needsInstall(): void {
  if (installFailure) throw new Error(`the package is not installed: ${installFailure}`);
}

describe("the npm package", () => {
  test("installs from its packed tarball with npm ci, at the repo's locked dependency versions", () => {
    try {
      run(["npm", "pack", "--pack-destination", tools], REPO);
      const tarball = readdirSync(tools).find((name) => name.endsWith(".tgz"));
      expect(tarball).toBeDefined();
      const registry = run(["npm", "config", "get", "registry"], tools).trim();
      const lock = scratchLock(tarball!, registry);
      writeFileSync(join(tools, "package.json"), `${JSON.stringify((lock.packages as Record<string, unknown>)[""], null, 2)}\n`);
      writeFileSync(join(tools, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
      run(["npm", "ci", "--prefer-offline", "--no-audit", "--no-fund"], tools);
      expect(existsSync(join(installed, "package.json"))).toBe(true);
      installFailure = undefined;
    } catch (error) {
      installFailure = (error as Error).message.split("\n")[0];
      throw error;
    }
  }, 180_000);

  test("ships the Python sidecar without bytecode caches", () => {
    needsInstall();
    expect(existsSync(join(installed, "py", "mcp_django_bun", "sidecar", "server.py"))).toBe(true);
    expect(run(["find", installed, "-name", "__pycache__"], tools).trim()).toBe("");
  });

  test("ships neither the tests nor the dev set-up, and no install script", () => {
    needsInstall();
    expect(existsSync(join(installed, "test"))).toBe(false);
    expect(existsSync(join(installed, ".ci"))).toBe(false);
    const { scripts = {} } = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    for (const hook of ["preinstall", "install", "postinstall", "prepare"]) expect(scripts[hook]).toBeUndefined();
  });

  test("ships the server as the bundle npm pack builds, not its TypeScript source, and leaves no bundle in the repo", () => {
    needsInstall();
    expect(existsSync(join(installed, "dist", "cli.js"))).toBe(true);
    expect(existsSync(join(installed, "src"))).toBe(false);
    // A bundle in the clone could be run in place of the source a developer is editing.
    expect(existsSync(join(REPO, "dist"))).toBe(false);
  });

  test("ships its license", () => {
    needsInstall();
    expect(readFileSync(join(installed, "LICENSE"), "utf8")).toContain("MIT License");
  });

  test("runs as `npx mcp-django --project DIR` where only Node and npm are installed", async () => {
    needsInstall();
    const path = withoutBun(process.env.PATH ?? "");
    expect(Bun.which("bun", { PATH: path })).toBeNull();
    const transport = new StdioClientTransport({
      command: "npx",
      args: ["mcp-django", "--project", project, "--python", VENV_PYTHON],
      // Where the package is installed, not the project: as a client that ignores "cwd" would.
      cwd: tools,
      env: cliEnv({ PATH: path, npm_config_cache: join(scratch, "npm-cache"), npm_config_offline: "true" }),
      stderr: "pipe",
    });
    const client = new Client({ name: "packaging-test", version: "0" });
    try {
      await client.connect(transport);
      await expectCoreShellCases(client);
      const result = await shell(client, "import os\nos.getcwd()");
      expect(result.output.value).toBe(`'${project}'`);
    } finally {
      await client.close();
    }
  });

  test("runs as `bunx mcp-django`, with the sidecar from the installed package", async () => {
    needsInstall();
    const bunBin = join(REPO, "node_modules", ".bin");
    const transport = new StdioClientTransport({
      command: join(bunBin, "bunx"),
      args: ["mcp-django", "--project", project, "--python", VENV_PYTHON],
      cwd: tools,
      env: cliEnv({ PATH: `${bunBin}:${process.env.PATH}` }),
      stderr: "pipe",
    });
    const client = new Client({ name: "packaging-test", version: "0" });
    try {
      await client.connect(transport);
      const result = await shell(client, "import mcp_django_bun\nmcp_django_bun.__file__");
      expect(result.output.value).toContain(join(installed, "py"));
    } finally {
      await client.close();
    }
  });

  test("the Django app installs beside PyPI's mcp-django without overwriting it", () => {
    // A stand-in for the PyPI package (the tests don't reach PyPI): its import package is mcp_django.
    const theirs = join(scratch, "pypi-mcp-django");
    mkdirSync(join(theirs, "mcp_django"), { recursive: true });
    writeFileSync(join(theirs, "pyproject.toml"), '[project]\nname = "mcp-django"\nversion = "0.14.0"\n[tool.setuptools]\npackages = ["mcp_django"]\n');
    writeFileSync(join(theirs, "mcp_django", "__init__.py"), 'ORIGIN = "pypi"\n');
    const site = join(scratch, "site-packages");
    const pip = [VENV_PYTHON, "-m", "pip", "install", "--quiet", "--no-index", "--no-build-isolation", "--no-deps", "--target", site];
    run([...pip, theirs], scratch);
    run([...pip, join(REPO, "py")], scratch);
    const imported = run([VENV_PYTHON, "-c", "import mcp_django, mcp_django_bun.apps; print(mcp_django.ORIGIN)"], site);
    expect(imported.trim()).toBe("pypi");
    expect(readdirSync(join(site, "mcp_django")).filter((name) => name !== "__pycache__")).toEqual(["__init__.py"]);
  }, 60_000);
});
