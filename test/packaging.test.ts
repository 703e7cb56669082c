import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { cliEnv, shell } from "./support/client.ts";
import { EXAMPLE, REPO, VENV_PYTHON } from "./support/paths.ts";

let scratch: string;
let project: string;

function run(command: string[], cwd: string): string {
  const result = Bun.spawnSync(command, { cwd, stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`${command.join(" ")} failed:\n${result.stderr.toString()}`);
  return result.stdout.toString();
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "mcp-django-pack-"));
  run(["npm", "pack", "--silent", "--pack-destination", scratch], REPO);
  const tarball = readdirSync(scratch).find((name) => name.endsWith(".tgz"));
  project = join(scratch, "bookshop");
  cpSync(EXAMPLE, project, { recursive: true, filter: (path) => !path.includes("__pycache__") });
  // --offline: tests never reach the network; the repo's own install filled npm's cache.
  run(["npm", "install", "--offline", "--no-audit", "--no-fund", "--silent", join(scratch, tarball!)], project);
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("the npm package", () => {
  test("ships the Python sidecar without bytecode caches", () => {
    const installed = join(project, "node_modules", "mcp-django");
    expect(existsSync(join(installed, "py", "mcp_django", "sidecar", "server.py"))).toBe(true);
    expect(run(["find", installed, "-name", "__pycache__"], project).trim()).toBe("");
  });

  test("ships neither the tests nor the dev set-up", () => {
    const installed = join(project, "node_modules", "mcp-django");
    expect(existsSync(join(installed, "test"))).toBe(false);
    expect(existsSync(join(installed, ".ci"))).toBe(false);
  });

  test("runs as `bunx mcp-django` from the project's folder with only --python", async () => {
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
    await client.connect(transport);
    const result = await shell(client, "import mcp_django\nmcp_django.__file__");
    await client.close();
    expect(result.output.value).toContain(join(project, "node_modules", "mcp-django", "py"));
  });
});
