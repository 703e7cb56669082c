/** The djangopackages.org:// resources: packages, comparison grids and categories from Django Packages. */
import { ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { InvalidArgumentError, NotFoundError, UpstreamError } from "../errors.ts";
import { JSON_MIME, jsonContents, type ResourceRegistry } from "../mcp/resources.ts";
import type { Fetched, Freshness } from "../packages/client.ts";
import { SLUG_PATTERN } from "../packages/schemas.ts";

// The Django Packages client and its normalizers, loaded on the first read or completion: most
// sessions never use them.
const client = () => import("../packages/client.ts");
const normalize = () => import("../packages/normalize.ts");

type Variables = Record<string, string | string[]>;

/** The payload, marked when it came from an out-of-date cache. */
async function withFreshness<T extends object>(payload: T, freshness: Freshness): Promise<T & { stale?: true; notice?: string }> {
  const notice = (await client()).staleNotice(freshness);
  return notice ? { ...payload, stale: true, notice } : payload;
}

function slugOf(uri: URL, variables: Variables): string {
  const raw = variables.slug;
  const slug = (Array.isArray(raw) ? raw[0] : raw) ?? "";
  if (!SLUG_PATTERN.test(slug)) {
    throw new InvalidArgumentError(`${uri.href}: "${slug}" is not a slug (letters, digits, "-" and "_" only)`);
  }
  return slug;
}

/** A page djangopackages.org does not have is a resource we do not have. */
async function fetching<T>(what: string, fetch: () => Promise<Fetched<T>>): Promise<Fetched<T>> {
  try {
    return await fetch();
  } catch (error) {
    if (error instanceof UpstreamError && error.status === 404) throw new NotFoundError(`Django Packages has no ${what} (${error.message})`);
    throw error;
  }
}

async function readPackage(uri: URL, variables: Variables): Promise<ReadResourceResult> {
  const slug = slugOf(uri, variables);
  const { getPackage } = await client();
  const fetched = await fetching(`package "${slug}"`, () => getPackage(slug));
  return jsonContents(uri, await withFreshness((await normalize()).packageDetail(fetched.data, slug), fetched));
}

async function readGrids(uri: URL): Promise<ReadResourceResult> {
  const { listGrids } = await client();
  const fetched = await fetching("grid list", () => listGrids());
  const results = (await normalize()).gridSummaries(fetched.data);
  return jsonContents(uri, await withFreshness({ count: results.length, results }, fetched));
}

async function readGrid(uri: URL, variables: Variables): Promise<ReadResourceResult> {
  const slug = slugOf(uri, variables);
  const { getGrid } = await client();
  const fetched = await fetching(`grid "${slug}"`, () => getGrid(slug));
  return jsonContents(uri, await withFreshness((await normalize()).gridDetail(fetched.data, slug), fetched));
}

async function readCategories(uri: URL): Promise<ReadResourceResult> {
  const { listCategories } = await client();
  const fetched = await fetching("category list", () => listCategories());
  const results = (await normalize()).categoryList(fetched.data);
  return jsonContents(uri, await withFreshness({ count: results.length, results }, fetched));
}

async function readCategory(uri: URL, variables: Variables): Promise<ReadResourceResult> {
  const slug = slugOf(uri, variables);
  const { getCategory } = await client();
  const fetched = await fetching(`category "${slug}"`, () => getCategory(slug));
  return jsonContents(uri, await withFreshness((await normalize()).categoryDetail(fetched.data, slug), fetched));
}

function startingWith(values: Iterable<string>, prefix: string): string[] {
  const lower = prefix.toLowerCase();
  return [...new Set(values)].filter((value) => value.toLowerCase().startsWith(lower)).sort();
}

// Completions come from lists already in the cache: a keystroke never waits for the network.
async function gridSlugs(value: string): Promise<string[]> {
  const { cachedOnly, listGrids } = await client();
  return startingWith(
    (await cachedOnly(listGrids)).flatMap((grid) => grid.slug ?? []),
    value,
  );
}

/** The cached grid list links each grid's packages: that is the package list we have. */
async function packageSlugs(value: string): Promise<string[]> {
  const [{ cachedOnly, listGrids }, { slugsFromUrls }] = await Promise.all([client(), normalize()]);
  return startingWith(
    (await cachedOnly(listGrids)).flatMap((grid) => slugsFromUrls(grid.packages)),
    value,
  );
}

async function categorySlugs(value: string): Promise<string[]> {
  const { cachedOnly, listCategories } = await client();
  return startingWith(
    (await cachedOnly(listCategories)).flatMap((category) => category.slug ?? []),
    value,
  );
}

export function registerDjangoPackagesResources(registry: ResourceRegistry): void {
  registry.template(
    "djangopackages-package",
    new ResourceTemplate("djangopackages.org://packages/{slug}", { list: undefined, complete: { slug: packageSlugs } }),
    {
      title: "Django Packages: one package",
      description:
        "One package from djangopackages.org by slug: description, category, PyPI version and link, repository, " +
        "documentation, stars, forks, weekly commits, participants, and the slugs of the grids it is in.",
      mimeType: JSON_MIME,
    },
    readPackage,
  );
  registry.resource(
    "djangopackages-grids",
    "djangopackages.org://grids",
    {
      title: "Django Packages: comparison grids",
      description: "Every comparison grid on djangopackages.org (all pages): slug, title, description and number of packages.",
      mimeType: JSON_MIME,
    },
    readGrids,
  );
  registry.template(
    "djangopackages-grid",
    new ResourceTemplate("djangopackages.org://grids/{slug}", { list: undefined, complete: { slug: gridSlugs } }),
    {
      title: "Django Packages: one grid",
      description: "One comparison grid by slug, with the slugs of its packages (read each with djangopackages.org://packages/{slug}).",
      mimeType: JSON_MIME,
    },
    readGrid,
  );
  registry.resource(
    "djangopackages-categories",
    "djangopackages.org://categories",
    {
      title: "Django Packages: categories",
      description: "Every package category on djangopackages.org (all pages): slug, title, description.",
      mimeType: JSON_MIME,
    },
    readCategories,
  );
  registry.template(
    "djangopackages-category",
    new ResourceTemplate("djangopackages.org://categories/{slug}", { list: undefined, complete: { slug: categorySlugs } }),
    {
      title: "Django Packages: one category",
      description: "One package category by slug.",
      mimeType: JSON_MIME,
    },
    readCategory,
  );
}
