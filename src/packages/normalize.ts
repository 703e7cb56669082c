/**
 * djangopackages.org payloads → this server's shapes. Links to categories, grids and packages
 * become slugs that work with the djangopackages.org:// resources.
 */
import type {
  CategoryOutput,
  GridOutput,
  GridSummaryOutput,
  PackageDetailOutput,
  PackageOutput,
  UpstreamCategory,
  UpstreamGrid,
  UpstreamPackage,
  UpstreamSearchItem,
} from "./schemas.ts";

/** Upstream uses "" as often as null for "none". */
function nonEmpty(value: string | null | undefined): string | null {
  return value ? value : null;
}

/** The last path segment of an API link ("…/api/v4/categories/apps/" → "apps"). */
function slugFromUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const segment = new URL(url, "http://relative.invalid/").pathname.split("/").filter(Boolean).at(-1);
    return segment ? decodeURIComponent(segment) : null;
  } catch {
    return null;
  }
}

export function slugsFromUrls(urls: string[] | null | undefined): string[] {
  return (urls ?? []).flatMap((url) => slugFromUrl(url) ?? []);
}

/** A search hit as a result; null when it has no slug to address it by. */
export function fromSearchItem(item: UpstreamSearchItem): PackageOutput | null {
  const slug = nonEmpty(item.slug) ?? slugFromUrl(item.absolute_url);
  if (!slug) return null;
  return {
    id: null,
    title: nonEmpty(item.title) ?? slug,
    slug,
    description: nonEmpty(item.description),
    category: nonEmpty(item.category),
    item_type: nonEmpty(item.item_type) ?? "package",
    pypi_url: null,
    repo_url: null,
    documentation_url: null,
    repo_watchers: item.repo_watchers ?? null,
    last_updated: nonEmpty(item.last_committed) ?? nonEmpty(item.last_released) ?? nonEmpty(item.modified),
  };
}

export function packageDetail(detail: UpstreamPackage, requestedSlug: string): PackageDetailOutput {
  const slug = nonEmpty(detail.slug) ?? requestedSlug;
  return {
    id: detail.id ?? null,
    title: nonEmpty(detail.title) ?? slug,
    slug,
    description: nonEmpty(detail.repo_description),
    category: slugFromUrl(detail.category),
    item_type: "package",
    pypi_url: nonEmpty(detail.pypi_url),
    repo_url: nonEmpty(detail.repo_url),
    documentation_url: nonEmpty(detail.documentation_url),
    repo_watchers: detail.repo_watchers ?? null,
    last_updated: nonEmpty(detail.last_updated),
    grids: slugsFromUrls(detail.grids),
    pypi_version: nonEmpty(detail.pypi_version),
    repo_description: nonEmpty(detail.repo_description),
    repo_forks: detail.repo_forks ?? null,
    commits_over_52: detail.commits_over_52 ?? [],
    participants: detail.participants,
    last_fetched: nonEmpty(detail.last_fetched),
    created: nonEmpty(detail.created),
    modified: nonEmpty(detail.modified),
  };
}

/** A search hit completed with its package details; the search's own values fill the gaps. */
export function enrichedPackage(found: PackageOutput, detail: UpstreamPackage): PackageOutput {
  const full = packageDetail(detail, found.slug);
  return {
    id: full.id,
    title: found.title,
    slug: found.slug,
    description: found.description ?? full.description,
    category: full.category ?? found.category,
    item_type: found.item_type,
    pypi_url: full.pypi_url,
    repo_url: full.repo_url,
    documentation_url: full.documentation_url,
    repo_watchers: full.repo_watchers ?? found.repo_watchers,
    last_updated: full.last_updated ?? found.last_updated,
    grids: full.grids,
  };
}

export function gridDetail(grid: UpstreamGrid, requestedSlug: string): GridOutput {
  const slug = nonEmpty(grid.slug) ?? requestedSlug;
  return {
    id: grid.id ?? null,
    title: nonEmpty(grid.title) ?? slug,
    slug,
    description: nonEmpty(grid.description),
    is_locked: grid.is_locked ?? null,
    packages: slugsFromUrls(grid.packages),
    created: nonEmpty(grid.created),
    modified: nonEmpty(grid.modified),
  };
}

/** List entries without a slug can't be addressed by the other resources: they are left out. */
export function gridSummaries(grids: UpstreamGrid[]): GridSummaryOutput[] {
  return grids.flatMap((grid) => {
    if (!grid.slug) return [];
    const { packages, created: _created, modified: _modified, ...summary } = gridDetail(grid, grid.slug);
    return [{ ...summary, package_count: packages.length }];
  });
}

export function categoryDetail(category: UpstreamCategory, requestedSlug: string): CategoryOutput {
  const slug = nonEmpty(category.slug) ?? requestedSlug;
  return {
    id: category.id ?? null,
    title: nonEmpty(category.title) ?? slug,
    slug,
    description: nonEmpty(category.description),
    title_plural: nonEmpty(category.title_plural),
    show_pypi: category.show_pypi ?? null,
    created: nonEmpty(category.created),
    modified: nonEmpty(category.modified),
  };
}

export function categoryList(categories: UpstreamCategory[]): CategoryOutput[] {
  return categories.flatMap((category) => (category.slug ? [categoryDetail(category, category.slug)] : []));
}
