/**
 * A generated Django project for the introspection benchmark: N apps of 10 models each, 25
 * routes per app (class views, decorated function views, a regex route and a partial in a
 * nested un-namespaced include), the apps grouped ten to a namespaced section.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const MODELS_PER_APP = 10;
export const ROUTES_PER_APP = 2 * MODELS_PER_APP + 5;
const APPS_PER_SECTION = 10;
/** Models of django.contrib.auth and contenttypes, installed too. */
const CONTRIB_MODELS = 4;

export interface GeneratedProject {
  root: string;
  settingsModule: string;
  apps: number;
  models: number;
  routes: number;
}

const appName = (index: number) => `app_${String(index).padStart(3, "0")}`;
const range = (count: number) => Array.from({ length: count }, (_, index) => index);

function settings(apps: string[]): string {
  return `from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "generated-benchmark-project"
DEBUG = True
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", ${apps.map((app) => `"${app}"`).join(", ")}]
ROOT_URLCONF = "benchsite.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
`;
}

function rootUrls(apps: string[]): string {
  const sections = range(Math.ceil(apps.length / APPS_PER_SECTION)).map((section) => {
    const members = apps.slice(section * APPS_PER_SECTION, (section + 1) * APPS_PER_SECTION);
    const includes = members.map((app) => `path("${app}/", include("${app}.urls"))`).join(", ");
    return `    path("section${section}/", include(([${includes}], "section${section}"))),`;
  });
  return `from django.urls import include, path\n\nurlpatterns = [\n${sections.join("\n")}\n]\n`;
}

function models(app: string, previousApp: string | undefined): string {
  const classes = range(MODELS_PER_APP).map((index) => {
    const fields = [
      "    name = models.CharField(max_length=100)",
      "    created = models.DateTimeField(auto_now_add=True)",
      "    score = models.IntegerField(default=0)",
      "    active = models.BooleanField(default=True)",
    ];
    if (index > 0) fields.push(`    parent = models.ForeignKey("Model${index - 1}", on_delete=models.CASCADE, related_name="children")`);
    if (index === 0 && previousApp) {
      fields.push(`    upstream = models.ForeignKey("${previousApp}.Model${MODELS_PER_APP - 1}", null=True, on_delete=models.SET_NULL)`);
    }
    if (index % 3 === 2) fields.push(`    tags = models.ManyToManyField("Model0", related_name="tagged_${index}")`);
    return `class Model${index}(models.Model):\n${fields.join("\n")}\n\n    def __str__(self):\n        return self.name\n`;
  });
  return `# Models of ${app}.\nfrom django.db import models\n\n\n${classes.join("\n\n")}`;
}

function views(): string {
  const classes = range(MODELS_PER_APP).map(
    (index) =>
      `class Model${index}List(generic.ListView):\n    model = models.Model${index}\n\n\nclass Model${index}Detail(generic.DetailView):\n    model = models.Model${index}\n`,
  );
  return `from django.http import HttpResponse
from django.views import generic
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET, require_POST, require_safe

from . import models


${classes.join("\n\n")}

@require_GET
def search(request):
    return HttpResponse("")


@cache_page(60)
@require_GET
def export(request, fmt):
    return HttpResponse(fmt)


@require_POST
def upload(request):
    return HttpResponse("")


@require_safe
def archive(request, year):
    return HttpResponse(str(year))


def health(request, verbose=True):
    return HttpResponse("ok")
`;
}

function appUrls(app: string): string {
  const routes = range(MODELS_PER_APP).flatMap((index) => [
    `    path("m${index}/", views.Model${index}List.as_view(), name="model${index}-list"),`,
    `    path("m${index}/<int:pk>/", views.Model${index}Detail.as_view(), name="model${index}-detail"),`,
  ]);
  return `from django.urls import include, path

from . import views

app_name = "${app}"
urlpatterns = [
${routes.join("\n")}
    path("search/", views.search, name="search"),
    path("export/<slug:fmt>/", views.export, name="export"),
    path("upload/", views.upload, name="upload"),
    path("extra/", include("${app}.extra_urls")),
]
`;
}

function extraUrls(partialView: boolean): string {
  const health = partialView ? "functools.partial(views.health, verbose=False)" : "views.health";
  return `import functools

from django.urls import path, re_path

from . import views

urlpatterns = [
    re_path(r"^archive/(?P<year>[0-9]{4})/$", views.archive, name="archive"),
    path("health/", ${health}, name="health"),
]
`;
}

export interface GenerateOptions {
  /** Route health/ to a functools.partial (the default), or to the plain function. */
  partialView?: boolean;
}

/** Writes the project into a new temporary folder (the caller removes it). */
export function generateProject(appCount: number, { partialView = true }: GenerateOptions = {}): GeneratedProject {
  const root = mkdtempSync(join(tmpdir(), "mcp-django-bench-"));
  const write = (path: string, text: string) => writeFileSync(join(root, path), text);
  const apps = range(appCount).map(appName);

  mkdirSync(join(root, "benchsite"));
  write("benchsite/__init__.py", "");
  write("benchsite/settings.py", settings(apps));
  write("benchsite/urls.py", rootUrls(apps));
  apps.forEach((app, index) => {
    mkdirSync(join(root, app));
    write(`${app}/__init__.py`, "");
    write(`${app}/models.py`, models(app, apps[index - 1]));
    write(`${app}/views.py`, views());
    write(`${app}/urls.py`, appUrls(app));
    write(`${app}/extra_urls.py`, extraUrls(partialView));
  });
  return {
    root,
    settingsModule: "benchsite.settings",
    apps: appCount,
    models: appCount * MODELS_PER_APP + CONTRIB_MODELS,
    routes: appCount * ROUTES_PER_APP,
  };
}
