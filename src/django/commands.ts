/**
 * Management commands over the sidecar: the list, one command's arguments, and running one as
 * `manage.py` would, on the thread and with the timeouts, interrupts and output capture of shell
 * code. Commands that serve until stopped or need a terminal are refused before they reach the
 * sidecar, saying what to do instead.
 */
import type { CommandHelp, CommandRun, CommandSummary } from "../contract/payloads.ts";
import { InvalidArgumentError } from "../errors.ts";
import type { Supervisor } from "../sidecar/supervisor.ts";
import type { ExecuteOptions } from "./shell.ts";

export interface Commands {
  /** Every command with its app and the first line of its help. */
  list(signal?: AbortSignal): Promise<CommandSummary[]>;
  /** One command's usage and arguments; raises NotFoundError, naming close commands, for an unknown one. */
  help(name: string, signal?: AbortSignal): Promise<CommandHelp>;
  /** Runs `manage.py <name> <args…>`; raises InvalidArgumentError for a command that can't run here. */
  run(name: string, args: string[], options: ExecuteOptions): Promise<CommandRun>;
}

/** Loading every command's module is quick; this bounds a project whose command hangs on import. */
const LOOKUP_TIMEOUT_MS = 60_000;

const DEV_SERVER =
  "it serves until stopped. Start the dev server yourself, in a terminal (python manage.py runserver): with the mcp_django_bun app installed, mcp-django attaches to it, and the shell tool then runs inside the live server.";
const SHELL = "it needs a terminal. Use the shell tool: it runs Python in the project, with Django set up and its variables kept between calls.";

/** Commands that never end or need a person at a terminal, with what to do instead. */
const REFUSED: Readonly<Record<string, string>> = {
  runserver: DEV_SERVER,
  runserver_plus: DEV_SERVER,
  runsslserver: DEV_SERVER,
  testserver:
    "it serves until stopped, on a test database made from fixtures. Run python manage.py testserver <fixture> yourself, in a terminal; to look at a fixture's data here, read the fixture file instead.",
  shell: SHELL,
  shell_plus: SHELL,
  dbshell:
    "it needs a terminal, for the database's own client. Use the shell tool with django.db.connection: `with connection.cursor() as cursor: cursor.execute(sql); cursor.fetchall()`.",
  test: "it swaps the databases for test ones and changes settings while it runs, which must not happen in the process the other tools use. Run python manage.py test (or your test runner) yourself, in a terminal.",
  mcp: "it serves MCP, as this server does already.",
};

export function createCommands(supervisor: Supervisor): Commands {
  return {
    list: async (signal) => (await supervisor.call("commands.list", {}, { timeoutMs: LOOKUP_TIMEOUT_MS, signal })).result.commands,
    help: async (name, signal) => (await supervisor.call("commands.help", { name }, { timeoutMs: LOOKUP_TIMEOUT_MS, signal })).result,
    async run(name, args, { timeoutSeconds, signal }) {
      const refused = REFUSED[name];
      if (refused) throw new InvalidArgumentError(`The ${name} command is not run here: ${refused}`);
      const call = { name, args, timeout: timeoutSeconds };
      return (await supervisor.call("commands.run", call, { timeoutMs: timeoutSeconds * 1000, signal })).result;
    },
  };
}
