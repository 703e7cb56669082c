/**
 * The file cache of djangopackages.org responses: one JSON file per URL. Several servers may share
 * the directory, so entries are written to a temporary file and renamed into place (readers see
 * the old entry or the new one, never half of one), and anything unreadable counts as missing.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { log } from "../log.ts";

const DEFAULT_TTL_SECONDS = 24 * 60 * 60;

type Env = Record<string, string | undefined>;

const entrySchema = z.object({
  url: z.string(),
  fetched_at: z.iso.datetime(),
  body: z.unknown().refine((body) => body !== undefined, "missing body"),
});
export type CacheEntry = z.infer<typeof entrySchema>;

export function cacheDir(env: Env = process.env): string {
  if (env.MCP_DJANGO_CACHE_DIR) return env.MCP_DJANGO_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "mcp-django");
  return join(homedir(), ".cache", "mcp-django");
}

/** How long an entry counts as fresh; `MCP_DJANGO_CACHE_TTL_SECONDS` overrides the one-day default. */
export function cacheTtlMs(env: Env = process.env): number {
  const raw = env.MCP_DJANGO_CACHE_TTL_SECONDS;
  const seconds = raw === undefined || raw.trim() === "" ? Number.NaN : Number(raw);
  return (Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_TTL_SECONDS) * 1000;
}

/** URLs can be long and hold any character: the file is named by their hash. */
export function cacheFile(dir: string, url: string): string {
  return join(dir, `${createHash("sha256").update(url).digest("hex")}.json`);
}

/** The entry for `url`, or undefined when there is none or it is unreadable (it is replaced on the next write). */
export async function readEntry(dir: string, url: string): Promise<CacheEntry | undefined> {
  const file = cacheFile(dir, url);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") log.warn(`cache: cannot read ${file}: ${(error as Error).message}`);
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    log.debug(`cache: ignoring corrupt entry ${file}`);
    return undefined;
  }
  const parsed = entrySchema.safeParse(json);
  if (!parsed.success || parsed.data.url !== url) {
    log.debug(`cache: ignoring malformed entry ${file}`);
    return undefined;
  }
  return parsed.data;
}

export async function writeEntry(dir: string, url: string, body: unknown, now = new Date()): Promise<void> {
  const file = cacheFile(dir, url);
  const entry = { url, fetched_at: now.toISOString(), body };
  // Unique per writer, in the same directory so that rename() is atomic.
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await writeFile(temp, JSON.stringify(entry));
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export function isFresh(entry: CacheEntry, ttlMs: number, now = Date.now()): boolean {
  const age = now - Date.parse(entry.fetched_at);
  // A negative age means the clock went back: don't trust the entry forever.
  return age >= 0 && age < ttlMs;
}
