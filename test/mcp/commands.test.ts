/** list_commands, command_help and run_command over createServer() and the in-memory transport, with a fake Django service. */
import { describe, expect, test } from "bun:test";
import { InvalidArgumentError, SidecarLostError } from "../../src/errors.ts";
import { textOf } from "../support/client.ts";
import { FAKE_COMMAND_HELP, fakeDjango } from "../support/fake-django.ts";
import { inProcessToolCaller } from "../support/in-process.ts";

const call = inProcessToolCaller();

describe("list_commands", () => {
  test("returns the commands with their count", async () => {
    const result = await call(fakeDjango(), "list_commands");
    expect(result.structuredContent).toEqual({ commands: [{ name: "seed_catalog", app: "catalog", help: "Create demo data.", error: null }], count: 1 });
  });
});

describe("command_help", () => {
  test("returns the command's usage and arguments", async () => {
    const result = await call(fakeDjango(), "command_help", { name: "seed_catalog" });
    expect(result.structuredContent).toEqual(FAKE_COMMAND_HELP);
  });

  test("an unknown command is a tool error with the service's message", async () => {
    const result = await call(fakeDjango(), "command_help", { name: "seed" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("No management command 'seed'. Close ones: seed_catalog.");
  });
});

describe("run_command", () => {
  test("passes the name, the arguments and a 60 s timeout to the service", async () => {
    const django = fakeDjango();
    const result = await call(django, "run_command", { name: "seed_catalog", args: ["--books", "2"] });
    expect(result.structuredContent).toMatchObject({ command: "seed_catalog", args: ["--books", "2"], status: 0 });
    expect(django.calls.commands).toEqual([{ name: "seed_catalog", args: ["--books", "2"], options: { timeoutSeconds: 60, signal: expect.any(AbortSignal) } }]);
  });

  test("runs a command without arguments when none are given", async () => {
    const django = fakeDjango();
    await call(django, "run_command", { name: "check" });
    expect(django.calls.commands[0]?.args).toEqual([]);
  });

  test("a timeout over an hour is refused", async () => {
    const result = await call(fakeDjango(), "run_command", { name: "check", timeout_seconds: 3601 });
    expect(result.isError).toBe(true);
  });

  test("a command the service refuses is a tool error with what to do instead", async () => {
    const django = fakeDjango();
    django.commands.run = async () => {
      throw new InvalidArgumentError("The runserver command is not run here: it serves until stopped.");
    };
    const result = await call(django, "run_command", { name: "runserver" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("The runserver command is not run here: it serves until stopped.");
  });

  test("a sidecar lost under the command is a tool error saying the next call starts a new one", async () => {
    const django = fakeDjango();
    django.commands.run = async () => {
      throw new SidecarLostError("The Python sidecar ended while running this call (killed)");
    };
    const result = await call(django, "run_command", { name: "migrate" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("the next call starts a new one");
  });
});
