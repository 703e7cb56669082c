import { type ArgsDef, defineCommand, type ParsedArgs } from "citty";
import { createActivity } from "../activity.ts";
import type { ServerContext } from "../context.ts";
import { secretsCollector } from "../django/secrets.ts";
import { createDjangoService } from "../django/service.ts";
import { ConfigError, ShuttingDownError, SidecarStartError } from "../errors.ts";
import { log, setDebug } from "../log.ts";
import { createRedactor } from "../mcp/redact.ts";
import { findProject } from "../project/launch.ts";
import { type ProjectWatcher, watchProject } from "../project/watcher.ts";
import { randomToken } from "../random.ts";
import { lookUpDevServer } from "../sidecar/devserver.ts";
import type { Hello, ReadOnlyRequest } from "../sidecar/protocol.ts";
import { commandSource, devServerSource, type SidecarSource, spawnedSource } from "../sidecar/sources.ts";
import { createSupervisor, type Supervisor } from "../sidecar/supervisor.ts";
import { isLoopback } from "../transports/guard.ts";
import { validatePath } from "../transports/path.ts";
import { VERSION } from "../version.ts";
import { projectArgs } from "./args.ts";
import { launcher } from "./launcher.ts";
import { logReadOnly, readOnlyRequest } from "./read-only.ts";

export const serveArgs = {
  ...projectArgs,
  debug: { type: "boolean", description: "Debug logging (stderr)" },
  transport: { type: "enum", options: ["stdio", "http", "sse"], default: "stdio", description: "MCP transport: stdio, http (Streamable HTTP) or sse (legacy)" },
  host: { type: "string", default: "127.0.0.1", description: "HTTP/SSE host" },
  port: { type: "string", default: "8765", description: "HTTP/SSE port (not 8000, which runserver takes)" },
  path: { type: "string", default: "/mcp", description: "Streamable HTTP endpoint path" },
  auth: { type: "boolean", default: true, description: "Require a bearer token over HTTP/SSE (--no-auth turns it off)" },
  "allow-remote": { type: "boolean", default: false, description: "Allow --host to be a non-loopback address" },
  attach: {
    type: "boolean",
    description: "Insist on the project's running dev server (--no-attach: always start a sidecar; default: attach when one listens)",
  },
  reload: {
    type: "boolean",
    default: true,
    description: "Pick up edits to the project's code on the next call, carrying the shell session over (--no-reload: keep the first process)",
  },
  "read-only": {
    type: "boolean",
    description:
      "The database refuses every write of the shell, tools and commands (also MCP_DJANGO_READ_ONLY=1; default: on when DEBUG is False or a database is on another machine)",
  },
  "allow-writes": { type: "boolean", description: "Turn read-only mode off, whatever DEBUG and the database hosts say (also MCP_DJANGO_ALLOW_WRITES=1)" },
  "show-secrets": {
    type: "boolean",
    default: false,
    description: "Don't hide the project's secret values (SECRET_KEY, passwords, API keys) in results (also MCP_DJANGO_SHOW_SECRETS=1)",
  },
} as const satisfies ArgsDef;
type CliArgs = ParsedArgs<typeof serveArgs>;

/** A start-up failure: one plain line on stderr. */
function reportFatal(message: string): void {
  process.stderr.write(`mcp-django: ${message}\n`);
}

/** A port number; 0 asks the system for a free one. */
function parsePort(value: string): number {
  const port = Number(value);
  if (value.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`--port ${value}: not a port number (0-65535)`);
  }
  return port;
}

/**
 * Ends the process once: first `cleanups` (closing HTTP sessions), then the sidecar's process
 * group, so nothing is orphaned.
 */
function exitOnce(supervisor: Supervisor, cleanups: (() => Promise<void>)[]): (code: number) => Promise<never> {
  let exiting: Promise<never> | undefined;
  return (code) =>
    (exiting ??= Promise.allSettled(cleanups.map((cleanup) => cleanup()))
      .then(() => supervisor.stop())
      .then(() => process.exit(code)));
}

/** Django missing or Python unusable: no point serving. A failing settings module is reported per call instead. */
function watchStartup(hello: Promise<Hello>, exit: (code: number) => Promise<never>): void {
  hello.then(
    ({ setup_error }) => {
      if (setup_error?.kind === "django_missing") {
        reportFatal(`${setup_error.message}: install Django there, or pass --python with your project's interpreter`);
        void exit(1);
      } else if (setup_error?.kind === "settings_missing") {
        reportFatal(
          `the settings module can't be imported (${setup_error.exc_type}: ${setup_error.message}): pass --settings with your settings module, or --project with the folder that holds manage.py`,
        );
        void exit(1);
      } else if (setup_error) {
        log.error(`Django setup failed (${setup_error.exc_type}: ${setup_error.message}); tool calls report it until it is fixed`);
      }
    },
    (error: Error) => {
      // Stopping (the client left) kills a sidecar still starting: nothing failed.
      if (error instanceof ShuttingDownError) return log.debug(`the sidecar's start was abandoned: ${error.message}`);
      if (!(error instanceof SidecarStartError && error.fatal)) return log.error(error.message);
      reportFatal(error.message);
      void exit(1);
    },
  );
}

/** Shown when a person starts the server in a terminal: how to point a client at it instead. */
function connectHint(projectRoot: string, python: string): string {
  // The way this process was started, so the hint works from a clone as well as from npx.
  const { command, args } = launcher();
  const entry = { command, args: [...args, "--project", projectRoot, "--python", python] };
  return [
    "This server talks MCP on stdin/stdout: start it from a client rather than a terminal.",
    `To configure your clients for this project:  ${[command, ...args, "install", "--project", projectRoot].join(" ")}`,
    `Claude Code:  claude mcp add django -- ${[entry.command, ...entry.args].join(" ")}`,
    `Other clients (mcpServers entry):  ${JSON.stringify({ django: entry })}`,
    "Press Ctrl-C to stop.",
  ].join("\n");
}

interface Source {
  source: SidecarSource;
  /** What is being served, for the log. */
  label: string;
  /** For the stdio connection hint; absent under manage.py mcp. */
  project?: { root: string; python: string };
  /** The folders whose code the sidecar loads: the project's and --pythonpath's. */
  codeRoots?: string[];
}

/** Where the shell runs: manage.py mcp's process, the project's dev server, or a spawned sidecar. */
function chooseSource(args: CliArgs, client: string, onCommandGone: () => void, readOnly: ReadOnlyRequest): Source {
  // Set by python manage.py mcp, whose process holds the Django side.
  const socket = process.env.MCP_DJANGO_SIDECAR_SOCKET;
  if (socket) {
    const secret = process.env.MCP_DJANGO_SIDECAR_SECRET;
    if (!secret) throw new ConfigError("MCP_DJANGO_SIDECAR_SOCKET is for python manage.py mcp, which also passes MCP_DJANGO_SIDECAR_SECRET");
    // Fresh code needs a fresh process: after an edit, calls move to a sidecar of our own, when
    // the project can be found from here (manage.py mcp passes its interpreter).
    const found = (() => {
      try {
        return findProject(args);
      } catch (error) {
        log.debug(`edits are not picked up: ${(error as Error).message}`);
        return undefined;
      }
    })();
    const fresh = args.reload && found ? spawnedSource({ ...found.launch, readOnly }, client) : undefined;
    return {
      source: commandSource(socket, secret, client, onCommandGone, fresh, readOnly),
      label: "the manage.py mcp process",
      codeRoots: fresh && found && [found.project.root, ...found.launch.pythonPath],
    };
  }
  const found = findProject(args);
  const { project, python } = found;
  const launch = { ...found.launch, readOnly };
  if (args.attach === true && lookUpDevServer(project.root).state === "absent") {
    throw new ConfigError(`--attach: no dev server of ${project.root} is listening; start python manage.py runserver with "mcp_django_bun" in INSTALLED_APPS`);
  }
  const source = args.attach === false ? spawnedSource(launch, client) : devServerSource(project.root, launch, client, args.attach === true);
  return {
    source,
    label: `${project.settingsModule} (${project.root})`,
    project: { root: project.root, python: python.path },
    codeRoots: [project.root, ...launch.pythonPath],
  };
}

async function serve(args: CliArgs): Promise<void> {
  setDebug(Boolean(args.debug));
  // Flags are checked even where this transport ignores them: a typo should not pass silently.
  const port = parsePort(args.port);
  const path = validatePath(args.path);
  const http = args.transport === "stdio" ? undefined : httpSettings(args, port, path);
  // Names this server's shell sessions in the sidecar, apart from other MCP servers attached to it.
  const client = randomToken(6, "hex");
  let exit: (code: number) => Promise<never> = (code) => process.exit(code);
  const { source, label, project, codeRoots } = chooseSource(args, client, () => void exit(0), readOnlyRequest(args));

  // Secrets never reach the model: each sidecar's secret values are hidden in every message sent.
  const showSecrets = args["show-secrets"] || /^(1|true|yes)$/i.test(process.env.MCP_DJANGO_SHOW_SECRETS ?? "");
  if (showSecrets) {
    log.warn("secrets are shown (--show-secrets or MCP_DJANGO_SHOW_SECRETS): the project's SECRET_KEY, passwords and API keys reach the model as they are");
  }
  const redactor = createRedactor({ enabled: !showSecrets });
  if (http?.token) redactor.add([{ name: "MCP_DJANGO_TOKEN", value: http.token }]);

  let watcher: ProjectWatcher | undefined;
  const supervisor = createSupervisor(source, {
    flushChanges: () => watcher?.flush(),
    onSidecar: showSecrets ? undefined : secretsCollector(redactor),
  });
  const cleanups: (() => Promise<void>)[] = [async () => watcher?.close()];
  exit = exitOnce(supervisor, cleanups);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => void exit(0));
  // Start Python now, so django.setup() overlaps with the client's handshake (and the watcher's walk).
  const hello = supervisor.start();
  watchStartup(hello, exit);
  hello.then(logReadOnly, () => undefined);
  if (args.reload && codeRoots) watcher = watchProject({ roots: codeRoots, onChange: (files) => supervisor.codeChanged(files) });
  hello.then(
    ({ asset_dirs }) => watcher?.ignore(asset_dirs ?? []),
    () => undefined,
  );

  // Loaded only now, while Python starts: the MCP SDK and the tools are most of the server's code.
  const { createServer } = await import("../server.ts");
  const context: ServerContext = {
    django: createDjangoService(supervisor, client, watcher && (() => watcher.changedSinceStart())),
    activity: createActivity(),
    redactor,
  };
  if (http) {
    // Loaded only here: a stdio server never needs the HTTP and SSE code.
    const { serveHttp } = await import("../transports/http.ts");
    const served = serveHttp({
      ...http,
      createServer: () => createServer(context),
      onSessionClosed: (id) => void context.django.shell.close(id),
      isBusy: context.activity.busy,
    });
    cleanups.push(served.stop);
    log.info(`mcp-django ${VERSION}: serving ${label} at ${served.url}`);
    log.info(httpHint(served.url, http));
    return;
  }
  const { serveStdio } = await import("../transports/stdio.ts");
  const server = createServer(context);
  log.info(`mcp-django ${VERSION}: serving ${label} over stdio`);
  if (process.stdin.isTTY && project) log.info(connectHint(project.root, project.python));
  await serveStdio(server);
  await server.close();
  await exit(0);
}

interface HttpSettings {
  transport: "http" | "sse";
  host: string;
  port: number;
  path: string;
  token?: string;
  /** The token came from MCP_DJANGO_TOKEN: long-lived, so never written to the log. */
  tokenChosen: boolean;
  sessionIdleMs?: number;
}

/** Safe by default: loopback only unless --allow-remote, and a bearer token unless --no-auth. */
function httpSettings(args: CliArgs, port: number, path: string): HttpSettings {
  const remote = !isLoopback(args.host);
  if (remote && !args["allow-remote"]) {
    throw new ConfigError(
      `--host ${args.host} is not a loopback address: anyone who can reach it could run code in your project. Pass --allow-remote to do it anyway (a bearer token stays required)`,
    );
  }
  if (remote && !args.auth) throw new ConfigError("--no-auth is only allowed on a loopback --host");
  const chosen = process.env.MCP_DJANGO_TOKEN;
  const token = args.auth ? chosen || randomToken(24, "base64url") : undefined;
  return { transport: args.transport as "http" | "sse", host: args.host, port, path, token, tokenChosen: Boolean(chosen), sessionIdleMs: sessionIdleMs() };
}

/** MCP_DJANGO_SESSION_IDLE_SECONDS: how long an unused HTTP session (and its shell namespace) lives. */
function sessionIdleMs(): number | undefined {
  const raw = process.env.MCP_DJANGO_SESSION_IDLE_SECONDS;
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (!(seconds > 0)) throw new ConfigError(`MCP_DJANGO_SESSION_IDLE_SECONDS=${raw}: not a positive number of seconds`);
  return seconds * 1000;
}

function httpHint(url: string, { transport, token, tokenChosen }: HttpSettings): string {
  if (!token) return `No authentication (--no-auth). Claude Code:  claude mcp add --transport ${transport} django ${url}`;
  const shown = tokenChosen ? "$MCP_DJANGO_TOKEN" : token;
  return [
    tokenChosen ? "Bearer token: the one in MCP_DJANGO_TOKEN" : `Bearer token: ${token}  (set MCP_DJANGO_TOKEN to choose your own)`,
    `Claude Code:  claude mcp add --transport ${transport} django ${url} --header "Authorization: Bearer ${shown}"`,
  ].join("\n");
}

export const serveCommand = defineCommand({
  meta: { name: "serve", description: "Serve the project over MCP (the default command)" },
  args: serveArgs,
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
