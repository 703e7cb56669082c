import { accessSync, constants } from "node:fs";
import { resolve } from "node:path";
import { CLIENTS, type ClientContext, type ClientDefinition, configuredEntry, detectClient, entryProject } from "../install/clients.ts";
import { FormatError } from "../install/formats/format.ts";
import type { CheckResult, DoctorContext } from "./types.ts";

function installFix(client: ClientDefinition): string {
  return `run mcp-django install --client ${client.id} in this project`;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether the entry's command can be run: an executable path, or a command on PATH. */
function commandFound(command: string, env: NodeJS.ProcessEnv): boolean {
  return command.includes("/") ? isExecutable(command) : Bun.which(command, { PATH: env.PATH ?? "" }) !== null;
}

/** One client found here: does its "django" entry serve this project, with a command that exists? */
function clientCheck(client: ClientDefinition, ctx: ClientContext): CheckResult {
  const name = `client ${client.id}`;
  const file = client.file(ctx);
  let entry: unknown;
  try {
    entry = configuredEntry(client, ctx);
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    return { name, status: "fail", detail: `${client.name}: ${error.message}`, fix: `fix the file (or restore a backup), then ${installFix(client)}` };
  }
  if (entry === undefined) return { name, status: "warn", detail: `${client.name}: no "django" server in ${file}`, fix: installFix(client) };
  const command = client.commandLine(entry);
  if (!command?.[0]) return { name, status: "fail", detail: `${client.name}: the "django" server in ${file} runs no local command`, fix: installFix(client) };
  const project = entryProject(client, entry);
  if (!project) {
    return {
      name,
      status: "warn",
      detail: `${client.name}: ${file} does not pass --project, so the project depends on the client's working folder`,
      fix: installFix(client),
    };
  }
  if (resolve(ctx.projectRoot, project) !== ctx.projectRoot) {
    // A user-wide file names one project at a time: another one's is a choice, not a fault.
    const status = client.scope === "user" ? "warn" : "fail";
    return { name, status, detail: `${client.name}: ${file} serves ${project}, not this project`, fix: installFix(client) };
  }
  if (!commandFound(command[0], ctx.env)) {
    return { name, status: "fail", detail: `${client.name}: ${file} runs ${command[0]}, which is not there`, fix: installFix(client) };
  }
  return { name, status: "ok", detail: `${client.name}: ${file} serves this project` };
}

/** Every MCP client found on this machine, checked against this project. */
export function clientChecks(context: DoctorContext): CheckResult[] {
  if (!context.found) return [{ name: "clients", status: "skip", detail: "needs the project" }];
  const ctx: ClientContext = { home: context.home, env: context.env, projectRoot: context.found.project.root };
  const found = CLIENTS.filter((client) => detectClient(client, ctx));
  if (found.length === 0) {
    return [{ name: "clients", status: "ok", detail: "no MCP client found on this machine", fix: "mcp-django install --client NAME configures one" }];
  }
  return found.map((client) => clientCheck(client, ctx));
}
