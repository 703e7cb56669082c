/** install() in process: which clients it picks, what it keeps of existing files, and what it refuses. */
import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../src/errors.ts";
import { configuredEntry, findClient } from "../../src/install/clients.ts";
import { valueAt } from "../../src/install/formats/format.ts";
import { type Outcome, selectClients } from "../../src/install/install.ts";
import { cleanupAfterEach } from "../support/cleanup.ts";
import { makeWorld, parseAs } from "./fixture.ts";

const defer = cleanupAfterEach();

function client(id: string) {
  const found = findClient(id);
  if (!found) throw new Error(`no client ${id}`);
  return found;
}

function statuses(outcomes: Outcome[]): Record<string, string> {
  return Object.fromEntries(outcomes.map((outcome) => [outcome.client.id, outcome.status]));
}

function outcomeOf(outcomes: Outcome[], id: string): Outcome {
  const outcome = outcomes.find((each) => each.client.id === id);
  if (!outcome) throw new Error(`no outcome for ${id}`);
  return outcome;
}

describe("which clients", () => {
  test("without --client, only the clients detected are configured; the others are skipped", () => {
    const world = makeWorld(defer);
    mkdirSync(join(world.home, ".cursor"));
    mkdirSync(join(world.home, ".codex"));
    expect(statuses(world.install().outcomes)).toEqual({
      claude: "skipped",
      cursor: "written",
      vscode: "skipped",
      windsurf: "skipped",
      opencode: "skipped",
      codex: "written",
      gemini: "skipped",
      zed: "skipped",
    });
  });

  test("a client whose command is on PATH is detected", () => {
    const world = makeWorld(defer);
    const bin = join(world.home, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "claude"), "#!/bin/sh\n");
    chmodSync(join(bin, "claude"), 0o755);
    world.env.PATH = bin;
    expect(outcomeOf(world.install().outcomes, "claude").status).toBe("written");
  });

  test("a client whose configuration file is already in the project is detected", () => {
    const world = makeWorld(defer);
    world.write(join(world.project, "opencode.json"), '{ "theme": "dark" }\n');
    expect(outcomeOf(world.install().outcomes, "opencode").status).toBe("written");
  });

  test("Zed is detected by its settings folder under $XDG_CONFIG_HOME", () => {
    const world = makeWorld(defer);
    world.env.XDG_CONFIG_HOME = join(world.home, "xdg");
    mkdirSync(join(world.home, "xdg", "zed"), { recursive: true });
    expect(outcomeOf(world.install().outcomes, "zed").status).toBe("written");
  });

  test("a client named with --client is configured even when it isn't detected", () => {
    const world = makeWorld(defer);
    const [outcome] = world.install({ clients: ["windsurf"] }).outcomes;
    expect(outcome?.status).toBe("written");
    expect(existsSync(join(world.home, ".codeium", "windsurf", "mcp_config.json"))).toBe(true);
  });

  test("--client takes repeats, comma lists, aliases and any case, in the registry's order", () => {
    const { clients, named } = selectClients(["Zed, claude-code", "cursor", "zed"]);
    expect(named).toBe(true);
    expect(clients.map((each) => each.id)).toEqual(["claude", "cursor", "zed"]);
  });

  test("an unknown --client is refused, naming the known ones, before anything is written", () => {
    const world = makeWorld(defer);
    expect(() => world.install({ clients: ["cursor,emacs"] })).toThrow(
      new ConfigError("--client emacs: unknown client; choose from claude, cursor, vscode, windsurf, opencode, codex, gemini, zed"),
    );
    expect(readdirSync(world.project)).toEqual(["manage.py"]);
  });

  test("a folder without a Django project is refused", () => {
    const world = makeWorld(defer);
    const empty = join(world.home, "empty");
    mkdirSync(empty);
    expect(() => world.install({ project: empty, clients: ["cursor"] })).toThrow(ConfigError);
  });
});

describe("the entry", () => {
  test("--pythonpath is passed on as an absolute folder", () => {
    const world = makeWorld(defer);
    const { server } = world.install({ clients: ["cursor"], pythonpath: "src" });
    expect(server.args.slice(-2)).toEqual(["--pythonpath", join(world.project, "src")]);
  });

  test("an existing entry of ours is updated in place: one entry, the new project, the user's env kept", () => {
    const world = makeWorld(defer);
    const path = join(world.project, ".cursor", "mcp.json");
    const old = { command: "old", args: ["--project", "/elsewhere"], env: { DEBUG: "1" } };
    world.write(path, `${JSON.stringify({ mcpServers: { django: old } }, null, 2)}\n`);
    world.install({ clients: ["cursor"] });
    const text = world.read(path);
    expect(text.match(/"django"/g)).toHaveLength(1);
    const entry = valueAt(JSON.parse(text), ["mcpServers", "django"]) as Record<string, unknown>;
    expect(entry.env).toEqual({ DEBUG: "1" });
    expect(entry.args).toContain(world.project);
  });

  test("an entry that named a remote server loses its url when it becomes our command", () => {
    const world = makeWorld(defer);
    const path = join(world.project, ".mcp.json");
    world.write(path, JSON.stringify({ mcpServers: { django: { type: "http", url: "http://127.0.0.1:8765/mcp", headers: { A: "b" } } } }));
    world.install({ clients: ["claude"] });
    expect(Object.keys(configuredEntry(client("claude"), world.ctx) as object)).toEqual(["type", "command", "args"]);
  });

  test('VS Code\'s entry goes under "servers", with type stdio', () => {
    const world = makeWorld(defer);
    world.install({ clients: ["vscode"] });
    const parsed = parseAs("jsonc", world.read(join(world.project, ".vscode", "mcp.json"))) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["servers"]);
    expect(valueAt(parsed, ["servers", "django", "type"])).toBe("stdio");
  });

  test("opencode's new file names its schema and runs the whole command line from one array", () => {
    const world = makeWorld(defer);
    world.install({ clients: ["opencode"] });
    const parsed = JSON.parse(world.read(join(world.project, "opencode.json")));
    expect(parsed.$schema).toBe("https://opencode.ai/config.json");
    expect(parsed.mcp.django).toMatchObject({ type: "local", enabled: true, command: expect.arrayContaining(["--project", world.project]) });
  });
});

describe("existing files", () => {
  test("Zed: every comment and trailing comma of settings.json stays, and the result parses as JSONC", () => {
    const world = makeWorld(defer);
    const path = join(world.project, ".zed", "settings.json");
    const seed = [
      "// Project settings for Zed",
      "{",
      '  "tab_size": 4, // four, like Python',
      "  /* servers */",
      '  "context_servers": {',
      '    "other": { "command": "x", "args": [], }, // ours, not Django\'s',
      "  },",
      "}",
      "",
    ].join("\n");
    world.write(path, seed);
    world.install({ clients: ["zed"] });
    const text = world.read(path);
    for (const comment of ["// Project settings for Zed", "// four, like Python", "/* servers */", "// ours, not Django's"]) expect(text).toContain(comment);
    expect(valueAt(Bun.JSONC.parse(text), ["context_servers", "other"])).toEqual({ command: "x", args: [] });
    expect(text.startsWith(seed.slice(0, seed.indexOf("  },")))).toBe(true);
  });

  test("Codex: an existing [mcp_servers.django] table is rewritten where it was, its env subtable kept, the rest of the file byte for byte", () => {
    const world = makeWorld(defer);
    const path = join(world.home, ".codex", "config.toml");
    const head = '# top\nmodel = "gpt-5"\n\n';
    const tail = '\n# profiles below\n[profiles.fast]\nmodel = "o4-mini" # quick\n';
    world.write(
      path,
      `${head}[mcp_servers.django]\ncommand = "old"\nargs = [\n  "--project", # where\n  "/elsewhere",\n]\n\n[mcp_servers.django.env]\nDEBUG = "1"\n${tail}`,
    );
    world.install({ clients: ["codex"] });
    const text = world.read(path);
    expect(text.startsWith(`${head}[mcp_servers.django]\n`)).toBe(true);
    expect(text.endsWith(tail)).toBe(true);
    expect(Bun.TOML.parse(text)).toMatchObject({ model: "gpt-5", profiles: { fast: { model: "o4-mini" } }, mcp_servers: { django: { env: { DEBUG: "1" } } } });
  });

  test("Codex: the comments inside a rewritten entry are counted as dropped (the backup has them)", () => {
    const world = makeWorld(defer);
    world.write(join(world.home, ".codex", "config.toml"), '[mcp_servers.django]\n# why this server\ncommand = "old"\nargs = []\n');
    const [outcome] = world.install({ clients: ["codex"] }).outcomes;
    expect(outcome).toMatchObject({ status: "written", droppedComments: 1 });
  });

  test("Codex: config.toml goes in $CODEX_HOME when it is set", () => {
    const world = makeWorld(defer);
    world.env.CODEX_HOME = join(world.home, "codex-home");
    mkdirSync(world.env.CODEX_HOME);
    const outcome = outcomeOf(world.install().outcomes, "codex");
    expect(outcome).toMatchObject({ status: "written", path: join(world.env.CODEX_HOME, "config.toml") });
  });

  test("opencode: a project's opencode.jsonc is edited rather than adding an opencode.json", () => {
    const world = makeWorld(defer);
    world.write(join(world.project, "opencode.jsonc"), '{\n  // mine\n  "theme": "dark",\n}\n');
    const [outcome] = world.install({ clients: ["opencode"] }).outcomes;
    expect(outcome?.path).toBe(join(world.project, "opencode.jsonc"));
    expect(existsSync(join(world.project, "opencode.json"))).toBe(false);
  });

  test("a configuration file that is a symlink stays one, and its target gets the change", () => {
    const world = makeWorld(defer);
    const target = join(world.home, "dotfiles", "config.toml");
    world.write(target, 'model = "gpt-5"\n');
    mkdirSync(join(world.home, ".codex"));
    const link = join(world.home, ".codex", "config.toml");
    symlinkSync(target, link);
    world.install({ clients: ["codex"] });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(world.read(target)).toContain("[mcp_servers.django]");
  });

  test("an existing file keeps its permissions", () => {
    const world = makeWorld(defer);
    const path = join(world.home, ".codex", "config.toml");
    world.write(path, 'model = "gpt-5"\n');
    chmodSync(path, 0o600);
    world.install({ clients: ["codex"] });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  test.each([
    ["claude", ".mcp.json", '{\n  // Claude Code reads plain JSON\n  "mcpServers": {}\n}\n'],
    ["zed", ".zed/settings.json", '{ "context_servers": { "other": } }'],
    ["codex", "home:.codex/config.toml", "[mcp_servers.other\ncommand = 1\n"],
  ])("%s: a file that can't be parsed is left untouched, without a backup, and reported as failed", (id, where, corrupt) => {
    const world = makeWorld(defer);
    const path = where.startsWith("home:") ? join(world.home, where.slice(5)) : join(world.project, where);
    world.write(path, corrupt);
    const [outcome] = world.install({ clients: [id] }).outcomes;
    expect(outcome?.status).toBe("failed");
    expect(outcome?.status === "failed" && outcome.error).toStartWith(`${path}: `);
    expect(world.read(path)).toBe(corrupt);
    expect(world.backups(path)).toEqual([]);
  });

  test("one failed client doesn't stop the others", () => {
    const world = makeWorld(defer);
    world.write(join(world.project, ".mcp.json"), "not json");
    expect(statuses(world.install({ clients: ["claude,cursor"] }).outcomes)).toEqual({ claude: "failed", cursor: "written" });
  });

  test("Codex: servers written as an inline table are reported, not overwritten", () => {
    const world = makeWorld(defer);
    const path = join(world.home, ".codex", "config.toml");
    const inline = 'mcp_servers = { other = { command = "x" } }\n';
    world.write(path, inline);
    const [outcome] = world.install({ clients: ["codex"] }).outcomes;
    expect(outcome?.status).toBe("failed");
    expect(world.read(path)).toBe(inline);
  });
});
