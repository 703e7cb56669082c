/** `mcp-django install` as a user runs it: the real CLI, with HOME set to a temporary folder. */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { clientFlags } from "../../src/cli/install.ts";
import { renderOutcomes } from "../../src/install/report.ts";
import { cleanupAfterEach } from "../support/cleanup.ts";
import { BUN, CLI } from "../support/paths.ts";
import { makeWorld, PYTHON, type World } from "./fixture.ts";

const defer = cleanupAfterEach();

function run(world: World, args: string[]): { code: number; stdout: string; stderr: string } {
  const env = { HOME: world.home, PATH: "", XDG_CONFIG_HOME: join(world.home, ".config") };
  const done = Bun.spawnSync([BUN, CLI, "install", "--project", world.project, "--python", PYTHON, ...args], { env, cwd: world.home });
  return { code: done.exitCode, stdout: done.stdout.toString(), stderr: done.stderr.toString() };
}

describe("mcp-django install", () => {
  test("--client cursor writes the project's .cursor/mcp.json, pointing at the project, and says so in one line", () => {
    const world = makeWorld(defer);
    const { code, stdout, stderr } = run(world, ["--client", "cursor"]);
    const path = join(world.project, ".cursor", "mcp.json");
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toMatch(new RegExp(`^Cursor +written +${path} \\(new file\\)\n$`));
    const entry = JSON.parse(world.read(path)).mcpServers.django;
    expect(entry.command).toBe(BUN);
    expect(entry.args).toEqual([CLI, "--project", world.project, "--python", PYTHON, "--settings", "shop.settings"]);
  });

  test("without --client, the clients detected in HOME are configured and the rest listed as skipped", () => {
    const world = makeWorld(defer);
    mkdirSync(join(world.home, ".gemini"));
    const { code, stdout } = run(world, []);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Gemini CLI +written /m);
    expect(stdout.match(/skipped \(not detected\)/g)).toHaveLength(7);
  });

  test("--dry-run prints the diff on stdout and writes nothing", () => {
    const world = makeWorld(defer);
    const { code, stdout } = run(world, ["--client", "zed", "--dry-run"]);
    expect(code).toBe(0);
    expect(stdout).toContain(`would change`);
    expect(stdout).toContain(`+++ ${join(world.project, ".zed", "settings.json")}\n@@ -0,0 +1,`);
    expect(existsSync(join(world.project, ".zed"))).toBe(false);
  });

  test("an unknown --client exits 1 with one line on stderr", () => {
    const world = makeWorld(defer);
    const { code, stdout, stderr } = run(world, ["--client", "emacs"]);
    expect({ code, stdout }).toEqual({ code: 1, stdout: "" });
    expect(stderr).toBe("mcp-django: --client emacs: unknown client; choose from claude, cursor, vscode, windsurf, opencode, codex, gemini, zed\n");
  });

  test("a file that can't be parsed exits 1, says which and why in one line, and is left as it was", () => {
    const world = makeWorld(defer);
    const path = join(world.project, ".cursor", "mcp.json");
    world.write(path, "{ broken");
    const { code, stderr } = run(world, ["--client", "cursor"]);
    expect(code).toBe(1);
    expect(stderr).toBe(`mcp-django: ${path}: line 1, column 3: expected a quoted key; left untouched\n`);
    expect(world.read(path)).toBe("{ broken");
  });
});

describe("output", () => {
  test("the line for a rewritten entry says how many of its comments were dropped, and where they are kept", () => {
    const world = makeWorld(defer);
    world.write(join(world.home, ".codex", "config.toml"), '[mcp_servers.django]\n# one\n# two\ncommand = "old"\n');
    const result = world.install({ clients: ["codex"], now: () => new Date("2025-11-20T10:11:12.345Z") });
    const path = join(world.home, ".codex", "config.toml");
    expect(renderOutcomes(result.outcomes)).toMatch(
      new RegExp(`^Codex CLI +written +${path} \\(backup: ${path}\\.20251120T101112Z\\.bak; 2 comments inside the old entry dropped, kept in the backup\\)\n$`),
    );
  });
});

describe("clientFlags", () => {
  test("collects every --client, in both spellings, up to --", () => {
    expect(clientFlags(["--client", "cursor", "--dry-run", "--client=zed,codex", "--", "--client", "x"])).toEqual(["cursor", "zed,codex"]);
  });
});
