/** `mcp-django install`: our entry in the configuration of every MCP client found (or named), written or shown. */
import { homedir } from "node:os";
import { launcher as currentLauncher, type Launcher } from "../cli/launcher.ts";
import { ConfigError } from "../errors.ts";
import { findProject, type ProjectOptions } from "../project/launch.ts";
import { applyPlan } from "./apply.ts";
import { CLIENTS, type ClientContext, type ClientDefinition, detectClient, findClient, type ServerCommand } from "./clients.ts";
import { unifiedDiff } from "./diff.ts";
import { FormatError } from "./formats/format.ts";
import { planClient } from "./plan.ts";
import { serverCommand } from "./server.ts";

export interface InstallOptions extends ProjectOptions {
  /** --client values: names, or comma-separated lists of names. None: every client detected. */
  clients?: readonly string[];
  /** Show what would change; write nothing. */
  dryRun?: boolean;
  home?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How the entry starts this server; by default, the way this process was started. */
  launcher?: Launcher;
  now?: () => Date;
}

interface OutcomeBase {
  client: ClientDefinition;
  path: string;
}

export type Outcome = OutcomeBase &
  (
    | { status: "written"; created: boolean; backup?: string; droppedComments: number }
    | { status: "unchanged" }
    | { status: "would-change"; created: boolean; diff: string; droppedComments: number }
    | { status: "skipped" }
    | { status: "failed"; error: string }
  );

export interface InstallResult {
  server: ServerCommand;
  projectRoot: string;
  outcomes: Outcome[];
}

/** The clients --client names, in the registry's order; every one when none is named. Throws ConfigError on an unknown name. */
export function selectClients(names: readonly string[] | undefined): { clients: readonly ClientDefinition[]; named: boolean } {
  const wanted = (names ?? []).flatMap((value) => value.split(",")).filter((name) => name.trim() !== "");
  if (wanted.length === 0) return { clients: CLIENTS, named: false };
  const chosen = new Set<ClientDefinition>();
  for (const name of wanted) {
    const client = findClient(name);
    if (!client) throw new ConfigError(`--client ${name.trim()}: unknown client; choose from ${CLIENTS.map((known) => known.id).join(", ")}`);
    chosen.add(client);
  }
  return { clients: CLIENTS.filter((client) => chosen.has(client)), named: true };
}

function installOne(client: ClientDefinition, ctx: ClientContext, server: ServerCommand, dryRun: boolean, now: () => Date): Outcome {
  const path = client.file(ctx);
  try {
    const plan = planClient(client, ctx, server);
    const { droppedComments } = plan;
    const created = plan.action === "create";
    if (plan.action === "unchanged") return { client, path, status: "unchanged" };
    if (dryRun) return { client, path, status: "would-change", created, droppedComments, diff: unifiedDiff(plan.before, plan.after, path) };
    return { client, path, status: "written", created, droppedComments, backup: applyPlan(plan, now()) };
  } catch (error) {
    if (!(error instanceof FormatError || (error as NodeJS.ErrnoException).code)) throw error;
    return { client, path, status: "failed", error: (error as Error).message };
  }
}

/**
 * Installs into each client: those named, else those detected. Throws ConfigError when a name
 * is unknown or the project can't be found; a file that can't be read or edited is a "failed"
 * outcome, left untouched, while the other clients go on.
 */
export function install(options: InstallOptions = {}): InstallResult {
  const env = options.env ?? process.env;
  const { clients, named } = selectClients(options.clients);
  const found = findProject(options, env, options.cwd ?? process.cwd());
  const server = serverCommand(options.launcher ?? currentLauncher(env), found);
  const ctx: ClientContext = { home: options.home ?? homedir(), env, projectRoot: found.project.root };
  const now = options.now ?? (() => new Date());
  const outcomes = clients.map((client): Outcome => {
    // A named client is installed even when it isn't detected: the user knows it is there.
    if (!named && !detectClient(client, ctx)) return { client, path: client.file(ctx), status: "skipped" };
    return installOne(client, ctx, server, Boolean(options.dryRun), now);
  });
  return { server, projectRoot: found.project.root, outcomes };
}
