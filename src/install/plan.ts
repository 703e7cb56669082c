/** What installing into one client's file would change: the text before and after, computed without writing. */
import { type ClientContext, type ClientDefinition, entryPath, REMOTE_FIELDS, readConfig, type ServerCommand } from "./clients.ts";
import { FormatError, isPlainObject, valueAt, withValueAt } from "./formats/format.ts";
import { FORMATS } from "./formats/index.ts";

export interface ClientPlan {
  client: ClientDefinition;
  /** The file, as the client names it. */
  path: string;
  /** "create": no file yet; "update": the file changes; "unchanged": our entry is already as it should be. */
  action: "create" | "update" | "unchanged";
  /** The file's text now, when it exists. */
  before?: string;
  /** The file's text once installed. */
  after: string;
  /** Our entry as it will be. */
  entry: Record<string, unknown>;
  /** How many comments the edit drops: those inside the old entry it rewrote (the backup keeps them). */
  droppedComments: number;
}

/** How many of `before`'s comments are not in `after`, each counted as often as it appears. */
function countDropped(before: string[], after: string[]): number {
  const left = new Map<string, number>();
  for (const comment of after) left.set(comment, (left.get(comment) ?? 0) + 1);
  let dropped = 0;
  for (const comment of before) {
    const count = left.get(comment) ?? 0;
    if (count === 0) dropped++;
    else left.set(comment, count - 1);
  }
  return dropped;
}

/**
 * Our entry for this client: the fields we own, over whatever else the user put in an existing
 * entry (an env, a timeout), less the fields of a remote server that would contradict a command.
 */
export function desiredEntry(client: ClientDefinition, server: ServerCommand, existing: unknown): Record<string, unknown> {
  const kept = isPlainObject(existing) ? Object.entries(existing).filter(([key]) => !REMOTE_FIELDS.includes(key)) : [];
  const entry = Object.fromEntries([...kept, ...Object.entries(client.entry(server))]);
  for (const [key, value] of Object.entries(client.defaults ?? {})) if (!Object.hasOwn(entry, key)) entry[key] = value;
  return entry;
}

/** The client's file with our entry in place. Throws FormatError (naming the file) when the file can't be read or edited. */
export function planClient(client: ClientDefinition, ctx: ClientContext, server: ServerCommand): ClientPlan {
  const path = client.file(ctx);
  const config = readConfig(client, ctx);
  const keys = entryPath(client);
  const existing = config && valueAt(config.parsed, keys);
  const entry = desiredEntry(client, server, existing);
  if (config && Bun.deepEquals(existing, entry, true)) {
    return { client, path, action: "unchanged", before: config.text, after: config.text, entry, droppedComments: 0 };
  }
  const format = FORMATS[client.format];
  let after: string;
  try {
    after = format.set(config?.text ?? "", keys, entry, client.newFile);
  } catch (error) {
    if (error instanceof FormatError) throw new FormatError(`${path}: ${error.message}`);
    throw error;
  }
  // The edit is text surgery: check that it produced our entry and touched nothing else.
  const expected = withValueAt(config?.parsed ?? client.newFile ?? {}, keys, entry);
  let produced: unknown;
  try {
    produced = format.parse(after);
  } catch {
    produced = undefined;
  }
  if (!Bun.deepEquals(produced, expected, true)) {
    throw new FormatError(`${path}: mcp-django could not edit this file safely (unusual layout); add the "${keys.join(".")}" entry by hand`);
  }
  const droppedComments = config ? countDropped(format.comments(config.text), format.comments(after)) : 0;
  return { client, path, action: config ? "update" : "create", before: config?.text, after, entry, droppedComments };
}
