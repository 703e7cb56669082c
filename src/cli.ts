#!/usr/bin/env bun
import { defineCommand, runMain, type ArgsDef, type ParsedArgs } from "citty";
import type { ServerContext } from "./context.ts";
import { ConfigError, SidecarStartError } from "./errors.ts";
import { log, setDebug } from "./log.ts";
import { choosePython } from "./project/python.ts";
import { locateProject } from "./project/settings.ts";
import { createServer } from "./server.ts";
import type { Hello } from "./sidecar/protocol.ts";
import { createSupervisor, type Supervisor } from "./sidecar/supervisor.ts";
import { serveStdio } from "./transports/stdio.ts";
import { VERSION } from "./version.ts";

const cliArgs = {
  settings: { type: "string", description: "Django settings module (default: $DJANGO_SETTINGS_MODULE, else manage.py's)" },
  pythonpath: { type: "string", description: "Directory to add to the Python path" },
  python: { type: "string", description: "Python interpreter (default: $VIRTUAL_ENV, .venv next to manage.py, python3)" },
  debug: { type: "boolean", description: "Debug logging (stderr)" },
  transport: { type: "enum", options: ["stdio", "http", "sse"], default: "stdio", description: "MCP transport" },
  host: { type: "string", default: "127.0.0.1", description: "HTTP/SSE host" },
  port: { type: "string", default: "8000", description: "HTTP/SSE port" },
  path: { type: "string", default: "/mcp", description: "Streamable HTTP endpoint path" },
} as const satisfies ArgsDef;
type CliArgs = ParsedArgs<typeof cliArgs>;

/** A start-up failure: one plain line on stderr. */
function reportFatal(message: string): void {
  process.stderr.write(`mcp-django: ${message}\n`);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`--port ${value}: not a port number (1-65535)`);
  return port;
}

/** Ends the process once, stopping the sidecar's process group first so nothing is orphaned. */
function exitOnce(supervisor: Supervisor): (code: number) => Promise<never> {
  let exiting: Promise<never> | undefined;
  return (code) => (exiting ??= supervisor.stop().then(() => process.exit(code)));
}

/** Django missing or Python unusable: no point serving. A failing settings module is reported per call instead. */
function watchStartup(hello: Promise<Hello>, exit: (code: number) => Promise<never>): void {
  hello.then(
    ({ setup_error }) => {
      if (setup_error?.kind === "django_missing") {
        reportFatal(`${setup_error.message}: install Django there, or pass --python with your project's interpreter`);
        void exit(1);
      } else if (setup_error) {
        log.error(`Django setup failed (${setup_error.exc_type}: ${setup_error.message}); tool calls report it until it is fixed`);
      }
    },
    (error: Error) => {
      if (!(error instanceof SidecarStartError && error.fatal)) return log.error(error.message);
      reportFatal(error.message);
      void exit(1);
    },
  );
}

/** Shown when a person starts the server in a terminal: how to point a client at it instead. */
function connectHint(projectRoot: string, python: string): string {
  // The command that started this process, so the hint works from a clone as well as from bunx.
  const entry = { command: process.execPath, args: [process.argv[1] ?? "mcp-django", "--python", python], cwd: projectRoot };
  return [
    "This server talks MCP on stdin/stdout: start it from a client rather than a terminal.",
    `Claude Code (run in ${projectRoot}):  claude mcp add django -- ${[entry.command, ...entry.args].join(" ")}`,
    `Other clients (mcpServers entry):  ${JSON.stringify({ django: entry })}`,
    "Press Ctrl-C to stop.",
  ].join("\n");
}

async function serve(args: CliArgs): Promise<void> {
  setDebug(Boolean(args.debug));
  const cwd = process.cwd();
  const project = locateProject(cwd, args.settings, process.env);
  const python = choosePython(args.python, project.root, process.env, cwd);
  parsePort(args.port);
  if (args.transport !== "stdio") {
    throw new ConfigError(`--transport ${args.transport} is not supported yet; use --transport stdio`);
  }
  log.debug(`project ${project.root}, settings ${project.settingsModule}, python ${python.path} (${python.source})`);

  const supervisor = createSupervisor({
    python: python.path,
    projectRoot: project.root,
    settingsModule: project.settingsModule,
    pythonPath: args.pythonpath ? [args.pythonpath] : [],
  });
  const exit = exitOnce(supervisor);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => void exit(0));
  // Start Python now, so django.setup() overlaps with the client's handshake.
  watchStartup(supervisor.start(), exit);

  const context: ServerContext = { supervisor, sessionKey: (id) => id ?? "default" };
  const server = createServer(context);
  log.info(`mcp-django ${VERSION}: serving ${project.settingsModule} (${project.root}) over stdio`);
  if (process.stdin.isTTY) log.info(connectHint(project.root, python.path));
  await serveStdio(server);
  await server.close();
  await exit(0);
}

const main = defineCommand({
  meta: { name: "mcp-django", version: VERSION, description: "MCP server for a Django project (development only)" },
  args: cliArgs,
  async run({ args }) {
    try {
      await serve(args);
    } catch (error) {
      if (!(error instanceof ConfigError || error instanceof SidecarStartError)) throw error;
      reportFatal(error.message);
      process.exit(1);
    }
  },
});

void runMain(main);
