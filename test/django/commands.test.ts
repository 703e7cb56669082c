/** The management commands' policy over the supervisor: what is refused before the sidecar, and what is sent to it. */
import { describe, expect, test } from "bun:test";
import { createCommands } from "../../src/django/commands.ts";
import { InvalidArgumentError } from "../../src/errors.ts";
import { recordingSupervisor } from "../support/recording-supervisor.ts";

describe("running a command", () => {
  test.each(["runserver", "runserver_plus", "testserver", "shell", "shell_plus", "dbshell", "test", "mcp"])(
    "%s is refused without reaching the sidecar",
    async (name) => {
      const { supervisor, sent } = recordingSupervisor();
      await expect(createCommands(supervisor).run(name, [], { timeoutSeconds: 5 })).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(sent).toEqual([]);
    },
  );

  test("another command goes to the sidecar with its arguments and its timeout, in seconds and as the call's deadline", async () => {
    const { supervisor, sent } = recordingSupervisor();
    const signal = new AbortController().signal;
    await expect(createCommands(supervisor).run("migrate", ["catalog"], { timeoutSeconds: 5, signal })).rejects.toThrow("no sidecar");
    expect(sent).toEqual([{ op: "commands.run", args: { name: "migrate", args: ["catalog"], timeout: 5 }, options: { timeoutMs: 5000, signal } }]);
  });
});
