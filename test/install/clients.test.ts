/** The acceptance checks, for every supported client: its file, in its own format, with exactly one entry of ours. */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { CLIENTS, configuredEntry, entryPath, entryProject } from "../../src/install/clients.ts";
import { valueAt } from "../../src/install/formats/format.ts";
import type { Outcome } from "../../src/install/install.ts";
import { cleanupAfterEach } from "../support/cleanup.ts";
import { LAUNCHER, makeWorld, PYTHON, parseAs, SETTINGS, seedFor } from "./fixture.ts";

const defer = cleanupAfterEach();

function only(outcomes: Outcome[]): Outcome {
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

/** How many entries named "django" the file's text holds under the servers key (a JSON duplicate key would hide from a parser). */
function entryCount(format: string, text: string): number {
  return format === "toml" ? (text.match(/^\[mcp_servers\.django\]/gm)?.length ?? 0) : (text.match(/"django"\s*:/g)?.length ?? 0);
}

describe.each(CLIENTS.map((client) => [client.id, client] as const))("%s", (id, client) => {
  test("writes a file that parses in the client's format, with one entry that runs this project", () => {
    const world = makeWorld(defer);
    const outcome = only(world.install({ clients: [id] }).outcomes);
    expect(outcome.status).toBe("written");
    const text = world.read(outcome.path);
    const entry = valueAt(parseAs(client.format, text), entryPath(client));
    expect(entryCount(client.format, text)).toBe(1);
    expect(entryProject(client, entry)).toBe(world.project);
    expect(client.commandLine(entry)).toEqual([LAUNCHER.command, "--project", world.project, "--python", PYTHON, "--settings", SETTINGS]);
  });

  test("a second run changes nothing: same bytes, no new backup", () => {
    const world = makeWorld(defer);
    const path = client.file(world.ctx);
    world.write(path, seedFor(client));
    expect(only(world.install({ clients: [id] }).outcomes).status).toBe("written");
    const first = world.read(path);
    expect(only(world.install({ clients: [id] }).outcomes).status).toBe("unchanged");
    expect(world.read(path)).toBe(first);
    expect(world.backups(path)).toHaveLength(1);
  });

  test("an unrelated server and top-level key in the existing file survive, with a backup of the original", () => {
    const world = makeWorld(defer);
    const path = client.file(world.ctx);
    const seed = seedFor(client);
    world.write(path, seed);
    expect(only(world.install({ clients: [id] }).outcomes).status).toBe("written");
    const before = parseAs(client.format, seed) as Record<string, unknown>;
    const after = parseAs(client.format, world.read(path)) as Record<string, unknown>;
    expect(valueAt(after, [...client.serversKey, "other"])).toEqual(valueAt(before, [...client.serversKey, "other"]));
    const topKeys = Object.keys(before).filter((key) => key !== client.serversKey[0]);
    for (const key of topKeys) expect(after[key]).toEqual(before[key]);
    expect(world.backups(path).map((backup) => world.read(backup))).toEqual([seed]);
  });

  test("--dry-run writes nothing and prints the diff", () => {
    const world = makeWorld(defer);
    const path = client.file(world.ctx);
    const outcome = only(world.install({ clients: [id], dryRun: true }).outcomes);
    expect(outcome.status).toBe("would-change");
    expect(existsSync(path)).toBe(false);
    if (outcome.status !== "would-change") return;
    expect(outcome.diff).toStartWith(`--- /dev/null\n+++ ${path}\n@@ -0,0 +1,`);
    expect(outcome.diff).toContain(`+${client.format === "toml" ? "[mcp_servers.django]" : ""}`);
    expect(outcome.diff).toContain(world.project);
  });

  test("configuredEntry reads back what install wrote", () => {
    const world = makeWorld(defer);
    expect(configuredEntry(client, world.ctx)).toBeUndefined();
    world.install({ clients: [id] });
    expect(entryProject(client, configuredEntry(client, world.ctx))).toBe(world.project);
  });
});
