/**
 * Long lists in pages, for the tools and resources that return a whole project's worth (routes,
 * models): a list of PAGE_SIZE items or fewer comes whole, as it always did; a longer one comes
 * PAGE_SIZE at a time unless a `limit` says otherwise, with where the next page starts. Pages are
 * slices of one list, kept while the code is unchanged (src/django/cache.ts): together they are
 * the whole list, in order, each item once.
 */
import { z } from "zod";
import { InvalidArgumentError } from "../errors.ts";

/** Items in a page when no limit is given: a list this long or shorter comes whole. */
export const PAGE_SIZE = 500;

export interface PageRequest {
  /** Items to skip (0 by default). */
  offset?: number;
  /** Items at most (PAGE_SIZE by default). */
  limit?: number;
}

export interface Page<T> {
  items: T[];
  /** Where this page starts in the whole list. */
  offset: number;
  /** Where the next page starts; null on the last page. */
  next_offset: number | null;
  has_more: boolean;
}

/** The inputs a tool takes for paging, described for the model. */
export const pageInput = {
  offset: z.number().int().min(0).optional().describe("Skip this many items: the next_offset of the previous page. Default 0."),
  limit: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(`At most this many items. Default ${PAGE_SIZE}: a longer list comes in pages, each saying its next_offset.`),
};

/** The fields a paged result adds, described for its output schema. */
export const pageOutput = {
  offset: z.number().int().describe("Where this page starts among the matching items"),
  next_offset: z.number().int().nullable().describe("The offset of the next page; null on the last"),
  has_more: z.boolean().describe("Whether items follow this page"),
};

export function pageOf<T>(items: readonly T[], { offset = 0, limit = PAGE_SIZE }: PageRequest): Page<T> {
  const end = Math.min(items.length, offset + limit);
  const has_more = end < items.length;
  return { items: items.slice(offset, end), offset, next_offset: has_more ? end : null, has_more };
}

/** "items 501–1000 of 5000" (`noun` plural); "no items at offset 6000 of 5000" past the end. */
export function describePage(page: Page<unknown>, total: number, noun: string): string {
  if (page.items.length === 0) return `no ${noun} at offset ${page.offset} of ${total}`;
  return `${noun} ${page.offset + 1}–${page.offset + page.items.length} of ${total}`;
}

/** A query parameter as a whole number of at least `min`; InvalidArgumentError for anything else. */
export function wholeNumberParameter(params: URLSearchParams, name: string, min: number): number | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new InvalidArgumentError(`${name} must be a whole number of at least ${min}, not "${text}"`);
  }
  return Number(text);
}

/** A query parameter as a boolean ("true"/"1", "false"/"0"); InvalidArgumentError for anything else. */
export function booleanParameter(params: URLSearchParams, name: string): boolean | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  throw new InvalidArgumentError(`${name} must be true or false, not "${text}"`);
}

/** One group of a summary: its key, how many items, the names of those that have one. */
export interface Group<K> {
  key: K;
  count: number;
  names: string[];
}

/** A summary of a long list: `items` grouped by `keyOf`, in order of first appearance; `nameOf` null for an item counted but not named. */
export function summarize<T, K>(items: readonly T[], keyOf: (item: T) => K, nameOf: (item: T) => string | null): Group<K>[] {
  const groups = new Map<K, Group<K>>();
  for (const item of items) {
    const key = keyOf(item);
    let group = groups.get(key);
    if (!group) {
      group = { key, count: 0, names: [] };
      groups.set(key, group);
    }
    group.count++;
    const name = nameOf(item);
    if (name !== null) group.names.push(name);
  }
  return [...groups.values()];
}
