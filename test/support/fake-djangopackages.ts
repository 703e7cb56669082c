/**
 * A local stand-in for the djangopackages.org v4 API (no test may reach the internet), with
 * payloads shaped like the real ones: search returns a bare array of SearchV2 rows (packages
 * and grids), details link categories, grids and packages by absolute API URL, and lists are
 * paginated DRF-style. It logs every request and can be slowed down, broken or stopped.
 */

const API = "/api/v4/";
const PAGE_SIZE = 2;

interface PackageRow {
  id: number;
  slug: string;
  title: string;
  description: string | null;
  category: string | null;
  grids: string[] | null;
  watchers: number | null;
  /** A list, as package details give it; search rows join it with commas. */
  participants: string[];
  pypi: boolean;
  docs: string | null;
}

const CATEGORIES = [
  { id: 1, slug: "apps", title: "App", title_plural: "Apps", description: "Small components used to build projects.", show_pypi: true },
  { id: 2, slug: "frameworks", title: "Framework", title_plural: "Frameworks", description: "Large efforts that combine many apps.", show_pypi: true },
  { id: 3, slug: "projects", title: "Project", title_plural: "Projects", description: "Complete sites you can deploy.", show_pypi: false },
];

const GRIDS = [
  { id: 11, slug: "rest-frameworks", title: "REST frameworks", description: "Build web APIs.", is_locked: false },
  { id: 12, slug: "authentication", title: "Authentication", description: "Log in with accounts and social providers.", is_locked: false },
  { id: 13, slug: "task-queues", title: "Task queues", description: "Run work in the background.", is_locked: true },
];

const PACKAGES: PackageRow[] = [
  {
    id: 101,
    slug: "django-rest-framework",
    title: "Django REST framework",
    description: "Web APIs for Django, made easy.",
    category: "apps",
    grids: ["rest-frameworks"],
    watchers: 28000,
    participants: ["tomchristie", "carltongibson"],
    pypi: true,
    docs: "https://www.django-rest-framework.org/",
  },
  {
    id: 102,
    slug: "django-ninja",
    title: "Django Ninja",
    description: "Fast Django REST framework based on type hints.",
    category: "frameworks",
    grids: ["rest-frameworks"],
    watchers: 7000,
    participants: ["vitalik"],
    pypi: true,
    docs: "https://django-ninja.dev/",
  },
  {
    id: 103,
    slug: "drf-spectacular",
    title: "drf-spectacular",
    description: "OpenAPI 3 schema generation for Django REST framework.",
    category: "apps",
    grids: ["rest-frameworks"],
    watchers: 2300,
    participants: ["tfranzel"],
    pypi: true,
    docs: "https://drf-spectacular.readthedocs.io/",
  },
  {
    id: 104,
    slug: "django-tastypie",
    title: "Tastypie",
    description: null,
    category: null,
    grids: null,
    watchers: null,
    participants: ["toastdriven", "issackelly"],
    pypi: false,
    docs: null,
  },
  {
    id: 105,
    slug: "django-allauth",
    title: "django-allauth",
    description: "Integrated Django authentication, registration and social accounts.",
    category: "apps",
    grids: ["authentication"],
    watchers: 9000,
    participants: ["pennersr"],
    pypi: true,
    docs: "https://docs.allauth.org/",
  },
  {
    id: 106,
    slug: "django-oauth-toolkit",
    title: "Django OAuth Toolkit",
    description: "OAuth2 provider for Django.",
    category: "apps",
    grids: ["authentication"],
    watchers: 3000,
    participants: ["synasius"],
    pypi: true,
    docs: "https://django-oauth-toolkit.readthedocs.io/",
  },
  {
    id: 107,
    slug: "dj-rest-auth",
    title: "dj-rest-auth",
    description: "Authentication endpoints for Django REST framework.",
    category: "apps",
    grids: ["authentication", "rest-frameworks"],
    watchers: 1600,
    participants: ["iMerica"],
    pypi: true,
    docs: "https://dj-rest-auth.readthedocs.io/",
  },
  {
    id: 108,
    slug: "djangorestframework-simplejwt",
    title: "Simple JWT",
    description: "JSON Web Token authentication for Django REST framework.",
    category: "apps",
    grids: ["authentication"],
    watchers: 4000,
    participants: ["davesque", "Andrew-Chen-Wang"],
    pypi: true,
    docs: "https://django-rest-framework-simplejwt.readthedocs.io/",
  },
  {
    id: 109,
    slug: "django-q2",
    title: "Django Q2",
    description: "A multiprocessing task queue for Django.",
    category: "apps",
    grids: ["task-queues"],
    watchers: 400,
    participants: ["GDay"],
    pypi: true,
    docs: "https://django-q2.readthedocs.io/",
  },
  {
    id: 110,
    slug: "django-rq",
    title: "django-rq",
    description: "Django integration for RQ, the Redis queue.",
    category: "apps",
    grids: ["task-queues"],
    watchers: 1800,
    participants: ["selwin"],
    pypi: true,
    docs: null,
  },
  {
    id: 111,
    slug: "django-celery-beat",
    title: "django-celery-beat",
    description: "Celery periodic tasks stored in the Django database.",
    category: "apps",
    grids: ["task-queues"],
    watchers: 1700,
    participants: ["auvipy"],
    pypi: true,
    docs: "https://django-celery-beat.readthedocs.io/",
  },
  {
    id: 112,
    slug: "django-filter",
    title: "django-filter",
    description: "Filter querysets from URL parameters in Django.",
    category: "apps",
    grids: ["rest-frameworks"],
    watchers: 4400,
    participants: ["carltongibson"],
    pypi: true,
    docs: "https://django-filter.readthedocs.io/",
  },
  {
    id: 113,
    slug: "django-cors-headers",
    title: "django-cors-headers",
    description: "Django app for handling CORS headers.",
    category: "apps",
    grids: [],
    watchers: 5300,
    participants: ["adamchainz"],
    pypi: true,
    docs: null,
  },
];

/** A search hit whose package page is gone: its detail request answers 404. */
const GHOST = { slug: "django-ghost", title: "django-ghost", description: "A Django package that was deleted." };

export interface FakeDjangoPackages {
  /** The API base, for MCP_DJANGO_DJANGOPACKAGES_URL. */
  url: string;
  /** Path and query of every request received, in order. */
  requests: string[];
  /** The requests for package details. */
  detailRequests(): string[];
  /** The most requests it has been answering at once. */
  maxInFlight: number;
  /** Milliseconds to wait before each answer. */
  delayMs: number;
  /** When set, every request is answered with this HTTP status. */
  failStatus: number | undefined;
  stop(): Promise<void>;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function notFound(): Response {
  return json({ detail: "No object matches the given query." }, 404);
}

function packageDetail(row: PackageRow, api: string): Record<string, unknown> {
  return {
    category: row.category ? `${api}categories/${row.category}/` : null,
    grids: row.grids?.map((grid) => `${api}grids/${grid}/`) ?? null,
    id: row.id,
    title: row.title,
    slug: row.slug,
    last_updated: "2025-09-30T14:02:11.123456Z",
    last_fetched: "2025-10-01T03:00:00Z",
    repo_url: `https://github.com/example/${row.slug}`,
    pypi_version: row.pypi ? "3.16.1" : null,
    created: "2011-04-01T10:00:00Z",
    modified: "2025-10-01T03:00:00Z",
    repo_forks: row.watchers === null ? null : Math.round(row.watchers / 5),
    repo_description: row.description,
    pypi_url: row.pypi ? `https://pypi.org/project/${row.slug}/` : null,
    documentation_url: row.docs,
    repo_watchers: row.watchers,
    commits_over_52: row.watchers === null ? null : [0, 3, 1, 4, 0, 2],
    // Tastypie's participants come as a comma-separated string: the API has served both shapes.
    participants: row.slug === "django-tastypie" ? row.participants.join(",") : row.participants,
  };
}

function searchRows(): Record<string, unknown>[] {
  const packages = PACKAGES.map((row, index) => ({
    weight: 1000 - index,
    item_type: "package",
    title: row.title,
    title_no_prefix: row.title.replace(/^django-?/i, ""),
    slug: row.slug,
    slug_no_prefix: row.slug.replace(/^django-/, ""),
    clean_title: row.title.toLowerCase(),
    description: row.description,
    category: row.category ? CATEGORIES.find((category) => category.slug === row.category)!.title : null,
    absolute_url: `/packages/p/${row.slug}/`,
    repo_watchers: row.watchers,
    repo_forks: row.watchers === null ? null : Math.round(row.watchers / 5),
    pypi_downloads: 1000 * row.id,
    usage: 10,
    participants: row.participants.join(","),
    last_committed: row.watchers === null ? null : "2025-09-29T08:15:00Z",
    last_released: row.pypi ? "2025-08-01T12:00:00Z" : null,
    created: "2015-01-01T00:00:00Z",
    modified: "2025-10-01T03:00:00Z",
  }));
  const grids = GRIDS.map((grid) => ({
    weight: 2000,
    item_type: "grid",
    title: grid.title,
    title_no_prefix: grid.title,
    slug: grid.slug,
    slug_no_prefix: grid.slug,
    clean_title: grid.title.toLowerCase(),
    description: grid.description,
    category: "",
    absolute_url: `/grids/g/${grid.slug}/`,
    repo_watchers: 0,
    repo_forks: 0,
    pypi_downloads: 0,
    usage: 0,
    participants: "",
    last_committed: null,
    last_released: null,
    created: "2015-01-01T00:00:00Z",
    modified: "2025-10-01T03:00:00Z",
  }));
  const ghost = { ...packages[0]!, weight: 1, ...GHOST, slug_no_prefix: "ghost", absolute_url: `/packages/p/${GHOST.slug}/` };
  return [...grids, ...packages, ghost];
}

/** Like the real endpoint: matches on title, slug and description, heaviest first, 20 at most. */
function search(query: string): Record<string, unknown>[] {
  const needle = query.toLowerCase();
  const text = (row: Record<string, unknown>) => [row.title, row.slug, row.description].join(" ").toLowerCase();
  return searchRows()
    .filter((row) => needle && text(row).includes(needle))
    .sort((a, b) => Number(b.weight) - Number(a.weight))
    .slice(0, 20);
}

function page(url: URL, items: Record<string, unknown>[]): Response {
  const number = Number(url.searchParams.get("page") ?? "1");
  const start = (number - 1) * PAGE_SIZE;
  if (!Number.isInteger(number) || number < 1 || (start >= items.length && number > 1)) return json({ detail: "Invalid page." }, 404);
  const link = (to: number) => {
    const target = new URL(url);
    target.searchParams.set("page", String(to));
    return target.toString();
  };
  return json({
    count: items.length,
    next: start + PAGE_SIZE < items.length ? link(number + 1) : null,
    previous: number > 1 ? link(number - 1) : null,
    results: items.slice(start, start + PAGE_SIZE),
  });
}

function gridPayload(grid: (typeof GRIDS)[number], api: string): Record<string, unknown> {
  return {
    id: grid.id,
    packages: PACKAGES.filter((row) => row.grids?.includes(grid.slug)).map((row) => `${api}packages/${row.slug}/`),
    created: "2012-06-01T00:00:00Z",
    modified: "2025-05-05T00:00:00Z",
    title: grid.title,
    slug: grid.slug,
    description: grid.description,
    is_locked: grid.is_locked,
    header: false,
  };
}

function categoryPayload(category: (typeof CATEGORIES)[number]): Record<string, unknown> {
  return { ...category, created: "2010-08-14T00:00:00Z", modified: "2022-01-01T00:00:00Z" };
}

function route(url: URL): Response {
  const api = `${url.origin}${API}`;
  const [kind, slug, ...rest] = url.pathname.slice(API.length).split("/").filter(Boolean);
  if (!url.pathname.startsWith(API) || rest.length) return notFound();
  if (kind === "search" && !slug) return json(search(url.searchParams.get("q") ?? ""));
  if (kind === "packages" && slug) {
    const row = PACKAGES.find((candidate) => candidate.slug === slug);
    return row ? json(packageDetail(row, api)) : notFound();
  }
  if (kind === "grids") {
    if (!slug)
      return page(
        url,
        GRIDS.map((grid) => gridPayload(grid, api)),
      );
    const grid = GRIDS.find((candidate) => candidate.slug === slug);
    return grid ? json(gridPayload(grid, api)) : notFound();
  }
  if (kind === "categories") {
    if (!slug) return page(url, CATEGORIES.map(categoryPayload));
    const category = CATEGORIES.find((candidate) => candidate.slug === slug);
    return category ? json(categoryPayload(category)) : notFound();
  }
  return notFound();
}

export function startFakeDjangoPackages(options: { delayMs?: number } = {}): FakeDjangoPackages {
  const fake: FakeDjangoPackages = {
    url: "",
    requests: [],
    detailRequests: () => fake.requests.filter((path) => path.startsWith(`${API}packages/`)),
    maxInFlight: 0,
    delayMs: options.delayMs ?? 0,
    failStatus: undefined,
    stop: async () => {},
  };
  let inFlight = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      fake.requests.push(url.pathname + url.search);
      fake.maxInFlight = Math.max(fake.maxInFlight, ++inFlight);
      try {
        if (fake.delayMs) await Bun.sleep(fake.delayMs);
        return fake.failStatus ? json({ detail: "Service unavailable" }, fake.failStatus) : route(url);
      } finally {
        inFlight--;
      }
    },
  });
  fake.url = `http://127.0.0.1:${server.port}${API}`;
  fake.stop = () => server.stop(true);
  return fake;
}
