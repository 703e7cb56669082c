/**
 * The MCP clients `install` knows: where each keeps its MCP servers, how it is detected and what
 * our entry looks like there. Plain data plus small functions, so `doctor` can read a client's
 * entry back from the same table.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { FormatError, valueAt } from "./formats/format.ts";
import { FORMATS, type FormatName } from "./formats/index.ts";

/** The entry's name in every client's configuration. */
export const SERVER_NAME = "django";

/** A command line that starts this server for the project. */
export interface ServerCommand {
  command: string;
  args: string[];
}

/** Where the installer looks: a home folder, an environment and a project, all injectable for tests. */
export interface ClientContext {
  home: string;
  env: NodeJS.ProcessEnv;
  /** The Django project's root (the folder with manage.py): project-level files go there. */
  projectRoot: string;
}

export interface ClientDefinition {
  /** The name --client takes. */
  id: string;
  /** Other names --client accepts. */
  aliases: readonly string[];
  /** The client's own name, for output. */
  name: string;
  /** Whether the file belongs to the project (it can be committed) or to the user (it names one project for all). */
  scope: "project" | "user";
  format: FormatName;
  /** The file our entry goes in. */
  file(ctx: ClientContext): string;
  /** What shows the client is installed (a folder, a command on PATH), or undefined. */
  detect(ctx: ClientContext): string | undefined;
  /** The keys leading to the object that maps server names to entries. */
  serversKey: readonly string[];
  /** The fields of our entry that `install` sets; other fields the user added are kept. */
  entry(server: ServerCommand): Record<string, unknown>;
  /** Fields given only when the entry lacks them, so the user's values win. */
  defaults?: Record<string, unknown>;
  /** Top-level keys a file we create starts with. */
  newFile?: Record<string, unknown>;
  /** The command line an entry runs, read back from the file; undefined when it isn't a local command. */
  commandLine(entry: unknown): string[] | undefined;
}

/** Fields of a remote (HTTP/SSE) server, dropped when the entry becomes our local command. */
export const REMOTE_FIELDS: readonly string[] = ["url", "serverUrl", "httpUrl", "headers", "http_headers", "bearer_token_env_var"];

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The first piece of evidence found: an existing folder or a command on the context's PATH. */
function evidence(ctx: ClientContext, folders: string[], commands: string[] = []): string | undefined {
  const folder = folders.find(isDirectory);
  if (folder) return `${folder} exists`;
  const command = commands.find((name) => Bun.which(name, { PATH: ctx.env.PATH ?? "" }));
  return command && `${command} is on PATH`;
}

/** $XDG_CONFIG_HOME, else ~/.config: where opencode and Zed keep their user settings. */
function configHome(ctx: ClientContext): string {
  return ctx.env.XDG_CONFIG_HOME || join(ctx.home, ".config");
}

const stdioShape = z.object({ command: z.string(), args: z.array(z.string()).optional() });

/** {command, args}: the shape most clients share. */
function stdioCommandLine(entry: unknown): string[] | undefined {
  const parsed = stdioShape.safeParse(entry);
  return parsed.success ? [parsed.data.command, ...(parsed.data.args ?? [])] : undefined;
}

function stdioEntry(extra: Record<string, unknown> = {}): (server: ServerCommand) => Record<string, unknown> {
  return (server) => ({ ...extra, command: server.command, args: server.args });
}

/** opencode's `opencode.json`, or the `opencode.jsonc` the project already has instead. */
function opencodeFile(ctx: ClientContext): string {
  const plain = join(ctx.projectRoot, "opencode.json");
  const commented = join(ctx.projectRoot, "opencode.jsonc");
  return !existsSync(plain) && existsSync(commented) ? commented : plain;
}

export const CLIENTS: readonly ClientDefinition[] = [
  {
    id: "claude",
    aliases: ["claude-code"],
    name: "Claude Code",
    scope: "project",
    format: "json",
    file: (ctx) => join(ctx.projectRoot, ".mcp.json"),
    detect: (ctx) =>
      existsSync(join(ctx.home, ".claude.json")) ? `${join(ctx.home, ".claude.json")} exists` : evidence(ctx, [join(ctx.home, ".claude")], ["claude"]),
    serversKey: ["mcpServers"],
    entry: stdioEntry({ type: "stdio" }),
    commandLine: stdioCommandLine,
  },
  {
    id: "cursor",
    aliases: [],
    name: "Cursor",
    scope: "project",
    format: "json",
    file: (ctx) => join(ctx.projectRoot, ".cursor", "mcp.json"),
    detect: (ctx) => evidence(ctx, [join(ctx.home, ".cursor"), join(ctx.projectRoot, ".cursor")]),
    serversKey: ["mcpServers"],
    entry: stdioEntry(),
    commandLine: stdioCommandLine,
  },
  {
    id: "vscode",
    aliases: ["vs-code", "code"],
    name: "VS Code",
    scope: "project",
    format: "jsonc",
    file: (ctx) => join(ctx.projectRoot, ".vscode", "mcp.json"),
    detect: (ctx) => evidence(ctx, [join(ctx.home, ".vscode"), join(ctx.projectRoot, ".vscode")], ["code"]),
    // VS Code's own key: "servers", not "mcpServers".
    serversKey: ["servers"],
    entry: stdioEntry({ type: "stdio" }),
    commandLine: stdioCommandLine,
  },
  {
    id: "windsurf",
    aliases: [],
    name: "Windsurf",
    // Windsurf reads MCP servers from one global file only.
    scope: "user",
    format: "json",
    file: (ctx) => join(ctx.home, ".codeium", "windsurf", "mcp_config.json"),
    detect: (ctx) => evidence(ctx, [join(ctx.home, ".codeium", "windsurf")]),
    serversKey: ["mcpServers"],
    entry: stdioEntry(),
    commandLine: stdioCommandLine,
  },
  {
    id: "opencode",
    aliases: [],
    name: "opencode",
    scope: "project",
    format: "jsonc",
    file: opencodeFile,
    detect: (ctx) => evidence(ctx, [join(configHome(ctx), "opencode")], ["opencode"]),
    serversKey: ["mcp"],
    // opencode takes the whole command line as one array.
    entry: (server) => ({ type: "local", command: [server.command, ...server.args], enabled: true }),
    newFile: { $schema: "https://opencode.ai/config.json" },
    commandLine: (entry) => {
      const parsed = z.object({ type: z.literal("local").optional(), command: z.array(z.string()).min(1) }).safeParse(entry);
      return parsed.success ? parsed.data.command : undefined;
    },
  },
  {
    id: "codex",
    aliases: ["codex-cli"],
    name: "Codex CLI",
    // Codex reads a project's .codex/config.toml only once the project is trusted: the user file always works.
    scope: "user",
    format: "toml",
    file: (ctx) => join(ctx.env.CODEX_HOME || join(ctx.home, ".codex"), "config.toml"),
    detect: (ctx) => (ctx.env.CODEX_HOME ? "CODEX_HOME is set" : evidence(ctx, [join(ctx.home, ".codex")], ["codex"])),
    serversKey: ["mcp_servers"],
    entry: stdioEntry(),
    commandLine: stdioCommandLine,
  },
  {
    id: "gemini",
    aliases: ["gemini-cli"],
    name: "Gemini CLI",
    scope: "project",
    // Gemini CLI strips comments from its settings files.
    format: "jsonc",
    file: (ctx) => join(ctx.projectRoot, ".gemini", "settings.json"),
    detect: (ctx) => evidence(ctx, [join(ctx.home, ".gemini")], ["gemini"]),
    serversKey: ["mcpServers"],
    entry: stdioEntry(),
    commandLine: stdioCommandLine,
  },
  {
    id: "zed",
    aliases: [],
    name: "Zed",
    scope: "project",
    // Zed's settings are JSON with comments and trailing commas; a project's .zed/settings.json may hold context_servers.
    format: "jsonc",
    file: (ctx) => join(ctx.projectRoot, ".zed", "settings.json"),
    detect: (ctx) => evidence(ctx, [join(configHome(ctx), "zed")]),
    serversKey: ["context_servers"],
    entry: stdioEntry(),
    defaults: { env: {} },
    commandLine: stdioCommandLine,
  },
];

/** Why we take the client to be in use here: its own evidence, or its configuration file already in place. */
export function detectClient(client: ClientDefinition, ctx: ClientContext): string | undefined {
  const file = client.file(ctx);
  return client.detect(ctx) ?? (existsSync(file) ? `${file} exists` : undefined);
}

/** The client --client names (by id or alias, any case), or undefined. */
export function findClient(name: string): ClientDefinition | undefined {
  const wanted = name.trim().toLowerCase();
  return CLIENTS.find((client) => client.id === wanted || client.aliases.includes(wanted));
}

/** The keys from the top of the client's file to our entry. */
export function entryPath(client: ClientDefinition): string[] {
  return [...client.serversKey, SERVER_NAME];
}

/** The client's file, read and parsed: undefined when it doesn't exist. Throws FormatError when it can't be parsed. */
export function readConfig(client: ClientDefinition, ctx: ClientContext): { path: string; text: string; parsed: unknown } | undefined {
  const path = client.file(ctx);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new FormatError(`${path}: ${(error as Error).message}`);
  }
  try {
    return { path, text, parsed: FORMATS[client.format].parse(text) };
  } catch (error) {
    throw new FormatError(`${path}: ${(error as Error).message}`);
  }
}

/** The entry named "django" in the client's configuration as it is now, or undefined. Throws FormatError when the file can't be parsed. */
export function configuredEntry(client: ClientDefinition, ctx: ClientContext): unknown {
  const config = readConfig(client, ctx);
  return config && valueAt(config.parsed, entryPath(client));
}

/** The project an entry's command line serves (its --project value), or undefined. */
export function entryProject(client: ClientDefinition, entry: unknown): string | undefined {
  const line = client.commandLine(entry) ?? [];
  const flag = line.findIndex((part) => part === "--project" || part.startsWith("--project="));
  if (flag < 0) return undefined;
  const part = line[flag] ?? "";
  return part.includes("=") ? part.slice(part.indexOf("=") + 1) : line[flag + 1];
}
