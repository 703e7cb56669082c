/**
 * The djangopackages.org endpoints, behind the file cache: a fresh entry is served without a
 * request; otherwise the API is asked, and if it can't answer, a stale entry is served and marked
 * stale. Settings come from the environment at call time.
 */
import type { z } from "zod";
import { NetworkError, UpstreamError } from "../errors.ts";
import { log } from "../log.ts";
import { apiBaseUrl, fetchJson, requestTimeoutMs } from "./api.ts";
import { type CacheEntry, cacheDir, cacheTtlMs, isFresh, readEntry, writeEntry } from "./cache.ts";
import {
  SLUG_PATTERN,
  type UpstreamCategory,
  type UpstreamGrid,
  type UpstreamPackage,
  type UpstreamSearchItem,
  upstreamCategory,
  upstreamGrid,
  upstreamPackage,
  upstreamPage,
  upstreamSearch,
} from "./schemas.ts";

/** A bound on `next` links, in case an API keeps handing them out. */
const MAX_PAGES = 200;

export interface Freshness {
  stale: boolean;
  /** ISO time the data was fetched from djangopackages.org. */
  fetchedAt: string;
  /** Why stale data was served. */
  cause?: string;
}

export interface Fetched<T> extends Freshness {
  data: T;
}

export interface GetOptions {
  /**
   * The network already failed during this call, with this cause: don't try again, serve the
   * cache however old it is, or fail.
   */
  unreachable?: string;
}

function isTransient(error: unknown): boolean {
  return error instanceof NetworkError || (error instanceof UpstreamError && error.transient);
}

function cachedData<S extends z.ZodType>(entry: CacheEntry | undefined, schema: S): { data: z.output<S> } | undefined {
  if (!entry) return undefined;
  const parsed = schema.safeParse(entry.body);
  return parsed.success ? { data: parsed.data } : undefined;
}

async function getJson<S extends z.ZodType>(url: string, schema: S, options: GetOptions = {}): Promise<Fetched<z.output<S>>> {
  const dir = cacheDir();
  const entry = await readEntry(dir, url);
  const cached = cachedData(entry, schema);
  if (entry && cached && isFresh(entry, cacheTtlMs())) return { data: cached.data, stale: false, fetchedAt: entry.fetched_at };
  const serveStale = (cause: string): Fetched<z.output<S>> | undefined =>
    entry && cached ? { data: cached.data, stale: true, fetchedAt: entry.fetched_at, cause } : undefined;

  if (options.unreachable !== undefined) {
    const stale = serveStale(options.unreachable);
    if (stale) return stale;
    throw new NetworkError(url, `not tried after an earlier failure (${options.unreachable})`);
  }
  try {
    const started = performance.now();
    const body = await fetchJson(url, requestTimeoutMs());
    const parsed = schema.safeParse(body);
    // Checked before caching, so an odd answer never replaces a good entry.
    if (!parsed.success) throw new UpstreamError(url, "the response does not have the expected shape");
    log.debug(`djangopackages: GET ${url} (${Math.round(performance.now() - started)} ms)`);
    const fetchedAt = new Date();
    await writeEntry(dir, url, body, fetchedAt).catch((error: Error) => log.warn(`cache: cannot write ${dir}: ${error.message}`));
    return { data: parsed.data, stale: false, fetchedAt: fetchedAt.toISOString() };
  } catch (error) {
    const stale = isTransient(error) ? serveStale((error as Error).message) : undefined;
    if (stale) return stale;
    throw error;
  }
}

function endpoint(path: string): string {
  return new URL(path, apiBaseUrl()).toString();
}

function detailUrl(kind: "packages" | "grids" | "categories", slug: string): string {
  if (!SLUG_PATTERN.test(slug)) throw new RangeError(`not a slug: ${JSON.stringify(slug)}`);
  return endpoint(`${kind}/${slug}/`);
}

/** Only the query of a `next` link is used, so that pages are always fetched from the configured API. */
function nextPageUrl(listUrl: string, next: string | null | undefined): string | undefined {
  if (!next) return undefined;
  const url = new URL(listUrl);
  url.search = new URL(next, listUrl).search;
  return url.toString();
}

/** One status for data assembled from several responses: stale if any part was. */
export function combineFreshness(parts: Freshness[]): Freshness {
  const stale = parts.filter((part) => part.stale);
  const considered = stale.length ? stale : parts;
  const fetchedAt = considered.map((part) => part.fetchedAt).sort()[0] ?? new Date().toISOString();
  return stale.length ? { stale: true, fetchedAt, cause: stale[0]?.cause } : { stale: false, fetchedAt };
}

/** What to tell the caller when stale data was served. */
export function staleNotice(freshness: Freshness): string | undefined {
  if (!freshness.stale) return undefined;
  return (
    `Served from the local cache (fetched ${freshness.fetchedAt}) because djangopackages.org ` +
    `could not be reached (${freshness.cause}); it may be out of date.`
  );
}

async function getAllPages<S extends z.ZodType>(path: string, item: S, options: GetOptions = {}): Promise<Fetched<z.output<S>[]>> {
  const first = endpoint(path);
  const pageSchema = upstreamPage(item);
  const pages: Fetched<z.output<typeof pageSchema>>[] = [];
  const seen = new Set<string>();
  for (let url: string | undefined = first; url && !seen.has(url) && seen.size < MAX_PAGES; ) {
    seen.add(url);
    const page = await getJson(url, pageSchema, options);
    pages.push(page);
    url = nextPageUrl(first, page.data.next);
  }
  return { data: pages.flatMap((page) => page.data.results), ...combineFreshness(pages) };
}

export function searchItems(query: string): Promise<Fetched<UpstreamSearchItem[]>> {
  return getJson(endpoint(`search/?q=${encodeURIComponent(query)}`), upstreamSearch);
}

export function getPackage(slug: string, options?: GetOptions): Promise<Fetched<UpstreamPackage>> {
  return getJson(detailUrl("packages", slug), upstreamPackage, options);
}

export function getGrid(slug: string): Promise<Fetched<UpstreamGrid>> {
  return getJson(detailUrl("grids", slug), upstreamGrid);
}

export function getCategory(slug: string): Promise<Fetched<UpstreamCategory>> {
  return getJson(detailUrl("categories", slug), upstreamCategory);
}

export function listGrids(options?: GetOptions): Promise<Fetched<UpstreamGrid[]>> {
  return getAllPages("grids/", upstreamGrid, options);
}

export function listCategories(options?: GetOptions): Promise<Fetched<UpstreamCategory[]>> {
  return getAllPages("categories/", upstreamCategory, options);
}

/** A list as far as the cache has it, without touching the network (for completions); [] when it isn't cached. */
export async function cachedOnly<T>(list: (options: GetOptions) => Promise<Fetched<T[]>>): Promise<T[]> {
  try {
    return (await list({ unreachable: "completions use the cache only" })).data;
  } catch {
    return [];
  }
}
