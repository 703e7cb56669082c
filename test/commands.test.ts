/**
 * list_commands, command_help and run_command through the real CLI over stdio, on a copy of the
 * example project with a few commands of its own: one that fails, one that never ends, one that
 * asks a question, one that talks a lot, one that can't be imported, and a pending migration.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { CommandHelp, CommandRun, CommandSummary } from "../src/contract/payloads.ts";
import { cleanupAfterAll } from "./support/cleanup.ts";
import { type Connected, connect, shell, textOf } from "./support/client.ts";
import { attachToDevServer, type DevServer } from "./support/devserver.ts";
import { copyExample, type ExampleCopy } from "./support/example-copy.ts";
import { startMarkers, until } from "./support/wait.ts";

const COMMANDS = "catalog/management/commands";

const FIXTURES: Record<string, string> = {
  [`${COMMANDS}/fail_loudly.py`]: `from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Always fails."

    def handle(self, *args, **options):
        self.stdout.write("checking the lock")
        raise CommandError("the catalog is locked")
`,
  [`${COMMANDS}/endless.py`]: `import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Runs until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--marker", help="A file to create once running.")

    def handle(self, *args, **options):
        self.stdout.write("looping")
        if options["marker"]:
            open(options["marker"], "w").close()
        while True:
            time.sleep(0.1)
`,
  [`${COMMANDS}/ask.py`]: `from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Asks before doing anything."

    def handle(self, *args, **options):
        answer = input("Proceed? [y/N] ")
        self.stdout.write(f"answered {answer}")
`,
  [`${COMMANDS}/chatty.py`]: `from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prints a lot."

    def handle(self, *args, **options):
        self.stdout.write("x" * 60_000)
`,
  [`${COMMANDS}/broken.py`]: `raise ImportError("this command's module is broken")
`,
  "catalog/migrations/0002_mark.py": `from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
`,
};

const deferAll = cleanupAfterAll();
const markers = startMarkers();
deferAll(() => markers.dispose());

let copy: ExampleCopy;
let server: Connected;
beforeAll(async () => {
  copy = copyExample();
  deferAll(() => copy.remove());
  for (const [file, text] of Object.entries(FIXTURES)) copy.write(file, text);
  server = await connect({ cwd: copy.root });
  deferAll(() => server.close());
});

async function callTool(name: string, args: Record<string, unknown>, options?: RequestOptions): Promise<CallToolResult> {
  return (await server.client.callTool({ name, arguments: args }, undefined, options)) as CallToolResult;
}

async function runCommand(name: string, args: string[] = [], extra: Record<string, unknown> = {}, options?: RequestOptions): Promise<CommandRun> {
  const result = await callTool("run_command", { name, args, ...extra }, options);
  if (result.isError) throw new Error(`run_command tool error: ${textOf(result)}`);
  return result.structuredContent as unknown as CommandRun;
}

async function listCommands(): Promise<CommandSummary[]> {
  const result = await callTool("list_commands", {});
  if (result.isError) throw new Error(`list_commands tool error: ${textOf(result)}`);
  return (result.structuredContent as { commands: CommandSummary[] }).commands;
}

async function sidecarPid(): Promise<string | undefined> {
  return (await shell(server.client, "import os\nos.getpid()")).output.value;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

describe("list_commands", () => {
  test("lists seed_catalog with its app and the first line of its help", async () => {
    const commands = await listCommands();
    expect(commands.find((command) => command.name === "seed_catalog")).toEqual({
      name: "seed_catalog",
      app: "catalog",
      help: "Create a small set of demo data. Safe to run more than once.",
      error: null,
    });
  });

  test("lists Django's own commands with django.core as their app", async () => {
    const commands = await listCommands();
    expect(commands.find((command) => command.name === "migrate")?.app).toBe("django.core");
  });

  test("lists a command whose module fails to import with its error, and the others still", async () => {
    const commands = await listCommands();
    expect(commands.find((command) => command.name === "broken")?.error).toBe("ImportError: this command's module is broken");
    expect(commands.map((command) => command.name)).toContain("seed_catalog");
  });
});

describe("command_help", () => {
  test("lists seed_catalog's arguments from its parser", async () => {
    const result = await callTool("command_help", { name: "seed_catalog" });
    const help = result.structuredContent as unknown as CommandHelp;
    expect(help.usage).toStartWith("usage: manage.py seed_catalog");
    expect(help.arguments.find((argument) => argument.dest === "books")).toMatchObject({
      flags: ["--books"],
      positional: false,
      required: false,
      default: 4,
      type: "int",
      action: "store",
      metavar: "N",
      common: false,
    });
    expect(help.arguments.find((argument) => argument.dest === "clear")).toMatchObject({ flags: ["--clear"], action: "store_true", default: false });
  });

  test("marks the options every command has as common", async () => {
    const help = (await callTool("command_help", { name: "seed_catalog" })).structuredContent as unknown as CommandHelp;
    expect(help.arguments.find((argument) => argument.dest === "verbosity")).toMatchObject({ common: true, choices: [0, 1, 2, 3], default: 1 });
  });

  test("an unknown command is a tool error naming close ones", async () => {
    const result = await callTool("command_help", { name: "seed_catalgo" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("seed_catalog");
  });
});

describe("run_command", () => {
  test("runs seed_catalog with its arguments and returns its output", async () => {
    const run = await runCommand("seed_catalog", ["--books", "6", "-v", "2"]);
    expect(run).toMatchObject({ command: "seed_catalog", args: ["--books", "6", "-v", "2"], status: 0, error: null, stderr: "" });
    expect(run.stdout).toContain("Created book Demo Book 6");
    expect(run.stdout).toEndWith("Catalog seeded: 6 books.\n");
    expect(run.duration).toBeGreaterThan(0);
  });

  test("a CommandError is status 1 with its message, after the output printed before it", async () => {
    const run = await runCommand("fail_loudly");
    expect(run).toMatchObject({ status: 1, error: "the catalog is locked", stdout: "checking the lock\n" });
    expect(run.stderr).toBe("CommandError: the catalog is locked\n");
  });

  test("an argument error is status 2 with the usage", async () => {
    const run = await runCommand("seed_catalog", ["--books", "many"]);
    expect(run.status).toBe(2);
    expect(run.error).toBe("argument --books: invalid int value: 'many'");
    expect(run.stderr).toStartWith("usage: manage.py seed_catalog");
  });

  test.each([
    ["runserver", "Start the dev server yourself"],
    ["shell", "Use the shell tool"],
    ["dbshell", "django.db.connection"],
    ["test", "Run python manage.py test"],
    ["testserver", "python manage.py testserver"],
  ])("refuses %s, saying what to do instead", async (name, hint) => {
    const result = await callTool("run_command", { name });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(hint);
  });

  test("an unknown command is a tool error naming close ones", async () => {
    const result = await callTool("run_command", { name: "seed_catalgo" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("No management command 'seed_catalgo'. Close ones: seed_catalog.");
  });

  test("an endless command is interrupted at timeout_seconds, in the same sidecar, and the next call works", async () => {
    const pid = await sidecarPid();
    const [run, elapsed] = await timed(() => runCommand("endless", [], { timeout_seconds: 1 }));
    expect(elapsed).toBeLessThan(3000);
    expect(run).toMatchObject({ status: 130, interrupted: "timeout", stdout: "looping\n" });
    expect(run.error).toContain("timed out after 1 s");
    expect((await runCommand("check")).status).toBe(0);
    expect(await sidecarPid()).toBe(pid);
  });

  test("cancelling the request interrupts the running command, in the same sidecar", async () => {
    const pid = await sidecarPid();
    const started = markers.next();
    const controller = new AbortController();
    const call = callTool("run_command", { name: "endless", args: ["--marker", started.path] }, { signal: controller.signal });
    await until("the command to start", () => existsSync(started.path));
    controller.abort("test cancels");
    await expect(call).rejects.toThrow();
    // The sidecar runs one call at a time: this only answers quickly if the command was interrupted.
    const [run, elapsed] = await timed(() => runCommand("check"));
    expect(elapsed).toBeLessThan(3000);
    expect(run.status).toBe(0);
    expect(await sidecarPid()).toBe(pid);
  });

  test("a client that asks for progress hears that a long command is still running", async () => {
    const progress: number[] = [];
    const run = await runCommand("endless", [], { timeout_seconds: 6 }, { onprogress: (update) => progress.push(update.progress), timeout: 30_000 });
    expect(run.interrupted).toBe("timeout");
    expect(progress.length).toBeGreaterThan(0);
  });

  test("createsuperuser without --noinput doesn't wait for a terminal, and the note says to pass --noinput", async () => {
    const [run, elapsed] = await timed(() => runCommand("createsuperuser", [], { timeout_seconds: 10 }));
    expect(elapsed).toBeLessThan(5000);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Superuser creation skipped");
    expect(run.stderr).toContain("Run it with --noinput");
  });

  test("a command that calls input() gets end of file at once and says so", async () => {
    const run = await runCommand("ask", [], { timeout_seconds: 10 });
    expect(run).toMatchObject({ status: 1, error: "EOFError: EOF when reading a line", stdout: "Proceed? [y/N] " });
    expect(run.stderr).toContain("The command asked for input, and there is no terminal here");
  });

  test("caps stdout like the shell's, with the full size", async () => {
    const run = await runCommand("chatty");
    expect(run.stdout).toEndWith("\n[... truncated: showing 50000 of 60001 characters]");
  });

  test("migrate applies a pending migration, and showmigrations then shows it applied", async () => {
    expect((await runCommand("showmigrations", ["catalog"])).stdout).toContain("[ ] 0002_mark");
    const migrate = await runCommand("migrate", ["catalog", "--noinput"]);
    expect(migrate.status).toBe(0);
    expect(migrate.stdout).toContain("Applying catalog.0002_mark... OK");
    expect((await runCommand("showmigrations", ["catalog"])).stdout).toContain("[X] 0002_mark");
  });
});

describe("annotations", () => {
  test("list_commands and command_help are read-only; run_command is destructive", async () => {
    const { tools } = await server.client.listTools();
    const annotations = Object.fromEntries(tools.map((tool) => [tool.name, tool.annotations]));
    expect(annotations.list_commands).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    expect(annotations.command_help).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    expect(annotations.run_command).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true });
  });
});

describe("attached to a running dev server", () => {
  let devServer: DevServer;
  let attached: Connected;
  beforeAll(async () => {
    ({ devServer, server: attached } = await attachToDevServer(deferAll));
  });

  test("a command runs in the dev server, its output captured for the client and not printed on its console", async () => {
    const result = (await attached.client.callTool({ name: "run_command", arguments: { name: "showmigrations", args: ["catalog"] } })) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ status: 0, stdout: "catalog\n [X] 0001_initial\n" });
    // A barrier written to the console's real stdout after the command: once it shows up, output
    // of the command that leaked there would have shown up before it.
    await shell(attached.client, "import sys\nsys.__stdout__.write('console barrier\\n')\nsys.__stdout__.flush()");
    await until("the console barrier", () => devServer.output().includes("console barrier"), 5000);
    expect(devServer.output()).not.toContain("0001_initial");
  });
});
