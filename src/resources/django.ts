/** The django:// resources: the project, its apps and models, read from the Django service. */
import { ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ServerContext } from "../context.ts";
import type { AppInfo, ModelInfo } from "../contract/payloads.ts";
import type { DjangoService } from "../django/service.ts";
import { booleanParameter, describePage, PAGE_SIZE, pageOf, summarize, wholeNumberParameter } from "../mcp/paging.ts";
import { JSON_MIME, jsonContents, type ResourceRegistry } from "../mcp/resources.ts";

/** Completion values may be asked for on every keystroke: reuse the app list this long. */
const APP_LIST_TTL_MS = 10_000;

function single(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

function startingWith(values: Iterable<string>, prefix: string): string[] {
  const lower = prefix.toLowerCase();
  return [...new Set(values)].filter((value) => value.toLowerCase().startsWith(lower));
}

/** The installed apps for completions, fetched at most every APP_LIST_TTL_MS; [] when Django is broken. */
function cachedApps(django: DjangoService): () => Promise<AppInfo[]> {
  let fetched: { at: number; apps: Promise<AppInfo[]> } | undefined;
  return () => {
    if (!fetched || Date.now() - fetched.at > APP_LIST_TTL_MS) {
      const attempt = {
        at: Date.now(),
        apps: django.apps().catch(() => {
          // Not worth an error in a completion list; ask again next time.
          if (fetched === attempt) fetched = undefined;
          return [];
        }),
      };
      fetched = attempt;
    }
    return fetched.apps;
  };
}

/** Every setting name for completions (those that differ and those at their default), fetched at most every APP_LIST_TTL_MS. */
function cachedSettingNames(django: DjangoService): () => Promise<string[]> {
  let fetched: { at: number; names: Promise<string[]> } | undefined;
  return () => {
    if (!fetched || Date.now() - fetched.at > APP_LIST_TTL_MS) {
      const attempt = {
        at: Date.now(),
        names: django.settings().then(
          (list) => [...Object.keys(list.settings), ...list.at_default].sort(),
          () => {
            if (fetched === attempt) fetched = undefined;
            return [];
          },
        ),
      };
      fetched = attempt;
    }
    return fetched.names;
  };
}

/** The query parameters django://models takes. */
export const MODELS_QUERY = ["offset", "limit", "summary"] as const;

/** Per app, in order of first appearance: how many models, and their class names. */
export function summarizeModels(models: readonly ModelInfo[]): { app_label: string; count: number; models: string[] }[] {
  return summarize(
    models,
    (model) => model.app_label,
    (model) => model.model_class,
  ).map(({ key, count, names }) => ({ app_label: key, count, models: names }));
}

/**
 * What django://models shows: every model, as a list, while there are PAGE_SIZE or fewer and no
 * query asks otherwise; else a page of them with where the next starts (?offset=, ?limit=), or
 * the model names per app (?summary=true).
 */
export function modelsView(uri: URL, models: readonly ModelInfo[]): unknown {
  const params = uri.searchParams;
  const summary = booleanParameter(params, "summary");
  const offset = wholeNumberParameter(params, "offset", 0);
  const limit = wholeNumberParameter(params, "limit", 1);
  if (summary) return { apps: summarizeModels(models), total: models.length };
  if (!uri.search && models.length <= PAGE_SIZE) return models;
  const page = pageOf(models, { offset, limit });
  const view: Record<string, unknown> = {
    models: page.items,
    count: page.items.length,
    total: models.length,
    offset: page.offset,
    next_offset: page.next_offset,
    has_more: page.has_more,
  };
  if (page.has_more) {
    view.note =
      `This is ${describePage(page, models.length, "models")}: read django://models?offset=${page.next_offset} for the next page, ` +
      "django://models?summary=true for the model names per app, or django://app/{app_label} for one app with its models.";
  }
  return view;
}

export function registerDjangoResources(registry: ResourceRegistry, { django }: ServerContext): void {
  const apps = cachedApps(django);
  const settingNames = cachedSettingNames(django);
  const appLabels = async (value: string) =>
    startingWith(
      (await apps()).map((app) => app.label),
      value,
    );
  const modelNames = async (value: string, completion?: { arguments?: Record<string, string> }) => {
    const label = completion?.arguments?.app_label;
    const chosen = (await apps()).filter((app) => !label || app.label === label);
    return startingWith(
      chosen.flatMap((app) => app.models),
      value,
    );
  };

  registry.resource(
    "django-project",
    "django://project",
    {
      title: "Django project",
      description:
        "Python interpreter (version, prefix, sys.path) and Django configuration: version, settings module, BASE_DIR, DEBUG, installed apps, AUTH_USER_MODEL, databases (engine and name only); where calls run, and when the code they run was loaded and which files changed since the server started.",
      mimeType: JSON_MIME,
    },
    async (uri, extra) => jsonContents(uri, await django.project(extra.signal)),
  );
  registry.resource(
    "django-apps",
    "django://apps",
    {
      title: "Installed apps",
      description: "Every installed Django app: name, label, verbose name, its own directory and its model class names.",
      mimeType: JSON_MIME,
    },
    async (uri, extra) => jsonContents(uri, await django.apps(extra.signal)),
  );
  registry.resource(
    "django-models",
    "django://models",
    {
      title: "Models",
      description:
        "Every model: class name, import path, source file and line, app label, db_table, concrete fields with their field classes, and relations (forward and reverse) with their target models. " +
        `More than ${PAGE_SIZE} models come in pages ({"models", "count", "total", "offset", "next_offset", "has_more"}): read django://models?offset=N (and &limit=N) for the others, or django://models?summary=true for the model names per app.`,
      mimeType: JSON_MIME,
    },
    async (uri, extra) => jsonContents(uri, modelsView(uri, await django.models(extra.signal))),
    MODELS_QUERY,
  );
  registry.template(
    "django-app",
    new ResourceTemplate("django://app/{app_label}", { list: undefined, complete: { app_label: appLabels } }),
    {
      title: "One app",
      description: "One installed app by label (as in django://apps), with the full description of each of its models in model_details.",
      mimeType: JSON_MIME,
    },
    async (uri, variables, extra) => jsonContents(uri, await django.app(single(variables.app_label), extra.signal)),
  );
  registry.template(
    "django-model",
    new ResourceTemplate("django://model/{app_label}/{model_name}", {
      list: undefined,
      complete: { app_label: appLabels, model_name: modelNames },
    }),
    {
      title: "One model",
      description: "One model by app label and model name (case-insensitive, e.g. django://model/auth/Group), described as in django://models.",
      mimeType: JSON_MIME,
    },
    async (uri, variables, extra) => jsonContents(uri, await django.model(single(variables.app_label), single(variables.model_name), extra.signal)),
  );
  registry.resource(
    "django-settings",
    "django://settings",
    {
      title: "Settings",
      description:
        'Every setting whose value differs from Django\'s default (compared with django.conf.global_settings), name → value, and the names of the others (at_default). Secrets are redacted: SECRET_KEY, passwords, API keys, tokens and DSNs show as {"redacted": true, "type", "length"}, credentials inside URLs as [redacted].',
      mimeType: JSON_MIME,
    },
    async (uri, extra) => jsonContents(uri, await django.settings(extra.signal)),
  );
  registry.template(
    "django-setting",
    new ResourceTemplate("django://setting/{name}", { list: undefined, complete: { name: async (value) => startingWith(await settingNames(), value) } }),
    {
      title: "One setting",
      description:
        "One setting by name, e.g. django://setting/DATABASES, whether it differs from Django's default or not: value (secrets redacted), is_default and Django's default.",
      mimeType: JSON_MIME,
    },
    async (uri, variables, extra) => jsonContents(uri, await django.setting(single(variables.name), extra.signal)),
  );
}
