/**
 * search_djangopackages: one search request, a page cut from the array it returns, and each
 * package on the page completed from its detail endpoint, a few at a time.
 */
import { NetworkError, UpstreamError } from "../errors.ts";
import { combineFreshness, type Freshness, type GetOptions, getPackage, searchItems, staleNotice } from "./client.ts";
import { enrichedPackage, fromSearchItem } from "./normalize.ts";
import { type PackageOutput, type SearchOutput, SLUG_PATTERN } from "./schemas.ts";

/** Detail requests in flight at once: fast enough for a page, polite to a volunteer-run site. */
const DETAIL_CONCURRENCY = 6;

export interface SearchRequest {
  query: string;
  maxResults: number;
  offset: number;
}

interface Enriched {
  result: PackageOutput;
  freshness?: Freshness;
  failure?: string;
}

/** `fn` over `items` with at most `limit` calls pending; results keep the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  // One iterator shared by the workers: each takes the next item when it is free.
  const queue = items.entries();
  const worker = async (): Promise<void> => {
    for (const [index, item] of queue) results[index] = await fn(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Grids (and anything else that is not a package) are returned as found. A package whose details
 * can't be had keeps the search's fields. Once the network has failed, the remaining packages use
 * the cache only (`network` is shared by the page), so a dead connection costs one timeout, not one
 * per package.
 */
async function enrich(hit: PackageOutput, network: GetOptions): Promise<Enriched> {
  if (hit.item_type !== "package" || !SLUG_PATTERN.test(hit.slug)) return { result: hit };
  try {
    const detail = await getPackage(hit.slug, network);
    return { result: enrichedPackage(hit, detail.data), freshness: detail };
  } catch (error) {
    if (!(error instanceof NetworkError || error instanceof UpstreamError)) throw error;
    if (error instanceof NetworkError) network.unreachable ??= error.message;
    return { result: hit, failure: `${hit.slug} (${error.message})` };
  }
}

export async function searchPackages({ query, maxResults, offset }: SearchRequest): Promise<SearchOutput> {
  const found = await searchItems(query);
  const hits = found.data.flatMap((item) => fromSearchItem(item) ?? []);
  const page = hits.slice(offset, offset + maxResults);
  // A search served stale means the site is down: the details then come from the cache only.
  const network: GetOptions = found.stale ? { unreachable: found.cause } : {};
  const enriched = await mapBounded(page, DETAIL_CONCURRENCY, (hit) => enrich(hit, network));
  const end = offset + page.length;
  const hasMore = end < hits.length;
  const freshness = combineFreshness([found, ...enriched.flatMap((item) => item.freshness ?? [])]);
  const failures = enriched.flatMap((item) => item.failure ?? []);
  const notices = [
    staleNotice(freshness),
    failures.length ? `Details could not be fetched for ${failures.join("; ")}: those results have the search's fields only.` : undefined,
  ].filter((notice) => notice !== undefined);
  return {
    results: enriched.map((item) => item.result),
    count: hits.length,
    next_offset: hasMore ? end : null,
    has_more: hasMore,
    ...(freshness.stale ? { stale: true } : {}),
    ...(notices.length ? { notice: notices.join(" ") } : {}),
  };
}
