/**
 * Shapes of djangopackages.org payloads (read tolerantly) and of what this server returns.
 * Upstream fields may be missing, null or of an unexpected type: each such field reads as null
 * instead of failing the whole call.
 */
import { z } from "zod";

/** Slugs we put into API paths: nothing that could climb out of the endpoint ("..", "/"). */
export const SLUG_PATTERN = /^[\w-]+$/;

const text = z.string().nullish().catch(null);
const integer = z.number().nullish().catch(null);
const flag = z.boolean().nullish().catch(null);
const urlList = z.array(z.string()).nullish().catch(null);

/** A list in package details, a comma-separated string in search results. */
const participants = z
  .union([z.array(z.string()), z.string()])
  .nullish()
  .catch(null)
  .transform((value) =>
    typeof value === "string"
      ? value
          .split(",")
          .map((name) => name.trim())
          .filter(Boolean)
      : (value ?? []),
  );

export const upstreamSearchItem = z.object({
  item_type: text,
  title: text,
  slug: text,
  description: text,
  category: text,
  absolute_url: text,
  repo_watchers: integer,
  repo_forks: integer,
  pypi_downloads: integer,
  participants,
  last_committed: text,
  last_released: text,
  modified: text,
});
export type UpstreamSearchItem = z.infer<typeof upstreamSearchItem>;

/** The search endpoint returns a bare array; anything in it that is not an object is skipped. */
export const upstreamSearch = z
  .union([z.array(z.unknown()), z.object({ results: z.array(z.unknown()) }).transform((page) => page.results)])
  .transform((items) =>
    items.flatMap((item) => {
      const parsed = upstreamSearchItem.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    }),
  );

export const upstreamPackage = z.object({
  id: integer,
  title: text,
  slug: text,
  category: text,
  grids: urlList,
  last_updated: text,
  last_fetched: text,
  repo_url: text,
  pypi_version: text,
  pypi_url: text,
  documentation_url: text,
  repo_description: text,
  repo_forks: integer,
  repo_watchers: integer,
  commits_over_52: z.array(z.number()).nullish().catch(null),
  participants,
  created: text,
  modified: text,
});
export type UpstreamPackage = z.infer<typeof upstreamPackage>;

export const upstreamGrid = z.object({
  id: integer,
  title: text,
  slug: text,
  description: text,
  is_locked: flag,
  header: flag,
  packages: urlList,
  created: text,
  modified: text,
});
export type UpstreamGrid = z.infer<typeof upstreamGrid>;

export const upstreamCategory = z.object({
  id: integer,
  title: text,
  slug: text,
  description: text,
  title_plural: text,
  show_pypi: flag,
  created: text,
  modified: text,
});
export type UpstreamCategory = z.infer<typeof upstreamCategory>;

/** One page of a list endpoint (`{count, next, previous, results}`); a bare array is one final page. */
export function upstreamPage<T extends z.ZodType>(item: T) {
  return z.union([z.object({ next: text, results: z.array(item) }), z.array(item).transform((results) => ({ next: null, results }))]);
}

const nullableText = z.string().nullable();

/** What was served from the local cache because djangopackages.org could not be reached. */
export const staleFields = {
  stale: z.boolean().optional().describe("true when some data came from an out-of-date local cache because djangopackages.org could not be reached"),
  notice: z.string().optional().describe("What the caller should know about the data, e.g. why it is stale"),
};

export const packageOutput = z.object({
  id: z.number().nullable(),
  title: z.string(),
  slug: z.string().describe("Use with djangopackages.org://packages/{slug}, or djangopackages.org://grids/{slug} for a grid"),
  description: nullableText,
  category: nullableText.describe("Category slug (djangopackages.org://categories/{slug}) when known, else the category name"),
  item_type: z.string().describe('"package", or "grid" for a comparison grid'),
  pypi_url: nullableText,
  repo_url: nullableText,
  documentation_url: nullableText,
  repo_watchers: z.number().nullable().describe("Repository stars"),
  last_updated: nullableText,
  grids: z.array(z.string()).optional().describe("Slugs of the comparison grids the package is in"),
});
export type PackageOutput = z.infer<typeof packageOutput>;

export const searchOutput = z.object({
  results: z.array(packageOutput),
  count: z.number().int().describe("Number of results the search found in all"),
  next_offset: z.number().int().nullable().describe("Pass as `offset` for the next page; null on the last page"),
  has_more: z.boolean(),
  ...staleFields,
});
export type SearchOutput = z.infer<typeof searchOutput>;

export const packageDetailOutput = packageOutput.extend({
  grids: z.array(z.string()),
  pypi_version: nullableText,
  repo_description: nullableText,
  repo_forks: z.number().nullable(),
  commits_over_52: z.array(z.number()).describe("Commits per week over the last year"),
  participants: z.array(z.string()),
  last_fetched: nullableText,
  created: nullableText,
  modified: nullableText,
});
export type PackageDetailOutput = z.infer<typeof packageDetailOutput>;

const gridBase = {
  id: z.number().nullable(),
  title: z.string(),
  slug: z.string(),
  description: nullableText,
  is_locked: z.boolean().nullable(),
};

export const gridSummaryOutput = z.object({ ...gridBase, package_count: z.number().int() });
export type GridSummaryOutput = z.infer<typeof gridSummaryOutput>;

export const gridOutput = z.object({
  ...gridBase,
  packages: z.array(z.string()).describe("Package slugs, for djangopackages.org://packages/{slug}"),
  created: nullableText,
  modified: nullableText,
});
export type GridOutput = z.infer<typeof gridOutput>;

export const categoryOutput = z.object({
  id: z.number().nullable(),
  title: z.string(),
  slug: z.string(),
  description: nullableText,
  title_plural: nullableText,
  show_pypi: z.boolean().nullable(),
  created: nullableText,
  modified: nullableText,
});
export type CategoryOutput = z.infer<typeof categoryOutput>;
