#!/usr/bin/env bun
import { defineCommand, runMain } from "citty";
import { ConfigError, SidecarStartError } from "./errors.ts";
import { log, setDebug } from "./log.ts";
import { choosePython } from "./project/python.ts";
import { locateProject } from "./project/settings.ts";
import { createServer } from "./server.ts";
import { createSupervisor, type Supervisor } from "./sidecar/supervisor.ts";
import { serveStdio } from "./transports/stdio.ts";
import { VERSION } from "./version.ts";

const TRANSPORTS = ["stdio", "http", "sse"] as const;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`--port ${value}: not a port number (1-65535)`);
  return port;
}

/** Ends the process once: stops the sidecar's process group first, so nothing is orphaned. */
function exitOnce(supervisor: Supervisor): (code: number) => Promise<never> {
  let exiting: Promise<never> | undefined;
  return (code) =>
    (exiting ??= supervisor.stop().then(() => process.exit(code)));
}

const main = defineCommand({
  meta: { name: "mcp-django", version: VERSION, description: "MCP server for a Django project (development only)" },
  args: {
    settings: { type: "string", description: "Django settings module (default: $DJANGO_SETTINGS_MODULE, else manage.py's)" },
    pythonpath: { type: "string", description: "Directory to add to the Python path" },
    python: { type: "string", description: "Python interpreter (default: $VIRTUAL_ENV, .venv next to manage.py, python3)" },
    debug: { type: "boolean", description: "Debug logging (stderr)" },
    transport: { type: "enum", options: [...TRANSPORTS], default: "stdio", description: "stdio, http or sse" },
    host: { type: "string", default: "127.0.0.1", description: "HTTP/SSE host" },
    port: { type: "string", default: "8000", description: "HTTP/SSE port" },
    path: { type: "string", default: "/mcp", description: "Streamable HTTP endpoint path" },
  },
  async run({ args }) {
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

    // Start Python now so django.setup() overlaps with the client's handshake.
    supervisor.start().then(
      (hello) => {
        if (hello.setup_error?.kind === "django_missing") {
          log.error(`${hello.setup_error.message}: install Django there, or pass --python with your project's interpreter`);
          void exit(1);
        } else if (hello.setup_error) {
          log.error(`Django setup failed (${hello.setup_error.exc_type}: ${hello.setup_error.message}); tool calls will report it until it is fixed`);
        }
      },
      (error: Error) => {
        log.error(error.message);
        if (error instanceof SidecarStartError && error.fatal) void exit(1);
      },
    );

    const server = createServer({ supervisor, sessionKey: (id) => id ?? "default" });
    log.info(`mcp-django ${VERSION} serving ${project.settingsModule} over stdio`);
    await serveStdio(server);
    await server.close();
    await exit(0);
  },
});

runMain(main).catch((error: unknown) => {
  log.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
