import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { cliEnv, shell } from "./support/client.ts";
import { EXAMPLE, REPO, VENV_PYTHON } from "./support/paths.ts";

let scratch: string;
let project: string;
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
    "": { name: "bookshop", version: "0.0.0", dependencies: { "mcp-django": spec } },
    "node_modules/mcp-django": {
      version: manifest.version,
      resolved: spec,
      integrity: `sha512-${new Bun.CryptoHasher("sha512").update(readFileSync(join(project, tarball))).digest("base64")}`,
      license: manifest.license,
      dependencies: manifest.dependencies,
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
  return { name: "bookshop", version: "0.0.0", lockfileVersion: 3, requires: true, packages };
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "mcp-django-pack-"));
  project = join(scratch, "bookshop");
  installed = join(project, "node_modules", "mcp-django");
  cpSync(EXAMPLE, project, { recursive: true, filter: (path) => !path.includes("__pycache__") });
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Fails a test that needs the installed package with the install's own error. */
function needsInstall(): void {
  if (installFailure) throw new Error(`the package is not installed: ${installFailure}`);
}

describe("the npm package", () => {
  test("installs from its packed tarball with npm ci, at the repo's locked dependency versions", () => {
    try {
      run(["npm", "pack", "--pack-destination", project], REPO);
      const tarball = readdirSync(project).find((name) => name.endsWith(".tgz"));
      expect(tarball).toBeDefined();
      const registry = run(["npm", "config", "get", "registry"], project).trim();
      const lock = scratchLock(tarball!, registry);
      writeFileSync(join(project, "package.json"), `${JSON.stringify((lock.packages as Record<string, unknown>)[""], null, 2)}\n`);
      writeFileSync(join(project, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
      run(["npm", "ci", "--prefer-offline", "--no-audit", "--no-fund"], project);
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
    expect(run(["find", installed, "-name", "__pycache__"], project).trim()).toBe("");
  });

  test("ships neither the tests nor the dev set-up", () => {
    needsInstall();
    expect(existsSync(join(installed, "test"))).toBe(false);
    expect(existsSync(join(installed, ".ci"))).toBe(false);
  });

  test("runs as `bunx mcp-django` from the project's folder with only --python", async () => {
    needsInstall();
    const bunBin = join(REPO, "node_modules", ".bin");
    const transport = new StdioClientTransport({
      command: join(bunBin, "bunx"),
      args: ["mcp-django", "--python", VENV_PYTHON],
      cwd: project,
      // The bin's shebang is `#!/usr/bin/env bun`: bun must be on PATH, as it is for bunx users.
      env: cliEnv({ PATH: `${bunBin}:${process.env.PATH}` }),
      stderr: "pipe",
    });
    const client = new Client({ name: "packaging-test", version: "0" });
    try {
      await client.connect(transport);
      const result = await shell(client, "import mcp_django_bun\nmcp_django_bun.__file__");
      expect(result.output.value).toContain(join(project, "node_modules", "mcp-django", "py"));
    } finally {
      await client.close();
    }
  });
});
