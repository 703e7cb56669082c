import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { copyExample, type ExampleCopy } from "./example-copy.ts";

/** The dummy secrets the fixture's settings hold, which no result may ever contain. */
export const FIXTURE_SECRETS = {
  secretKey: "django-insecure-example-not-secret",
  databasePassword: "hunter2-not-a-real-password",
  stripeKey: "sk_test_51FixtureNotARealStripeKey",
  brokerPassword: "broker-pass-not-real",
};

/** The migration that is on disk but not applied in the copy's database. */
export const PENDING_MIGRATION = "0002_publisher_country";

/**
 * A copy of the example project with something for every read-only look at its state: a
 * migration not applied yet, a model field without a migration, a system check warning, a
 * project template overriding an app's, and a few more secrets in its settings.
 */
export function copyLookupsFixture(): ExampleCopy {
  const copy = copyExample();
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(copy.root, file)), { recursive: true });
    writeFileSync(join(copy.root, file), text);
  };
  // Publisher.country: in the models and in a migration the database hasn't had applied.
  copy.edit(
    "catalog/models.py",
    "    website = models.URLField(blank=True)\n",
    '    website = models.URLField(blank=True)\n    country = models.CharField(max_length=2, blank=True, default="")\n',
  );
  write(
    `catalog/migrations/${PENDING_MIGRATION}.py`,
    `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="publisher",
            name="country",
            field=models.CharField(blank=True, default="", max_length=2),
        ),
    ]
`,
  );
  // Book.subtitle: in the models only, so makemigrations would create 0003_book_subtitle.
  copy.edit(
    "catalog/models.py",
    '    isbn = models.CharField("ISBN", max_length=13, unique=True)\n',
    '    subtitle = models.CharField(max_length=200, blank=True)\n    isbn = models.CharField("ISBN", max_length=13, unique=True)\n',
  );
  // A system check of the app's own, registered when the app is ready.
  write(
    "catalog/checks.py",
    `from django.core.checks import Warning, register


@register("catalog")
def cover_images(app_configs, **kwargs):
    if app_configs is not None and not any(config.label == "catalog" for config in app_configs):
        return []
    return [
        Warning(
            "Books have no cover images.",
            hint="Add an ImageField named cover to Book.",
            obj="catalog.Book",
            id="catalog.W001",
        )
    ]
`,
  );
  copy.edit("catalog/apps.py", '    name = "catalog"\n', '    name = "catalog"\n\n    def ready(self):\n        from . import checks  # noqa: F401\n');
  // The project's templates folder overrides the catalog app's book_detail.html.
  write("bookshop/templates/catalog/book_detail.html", '{% extends "base.html" %}\n{% block content %}The project\'s book page{% endblock %}\n');
  copy.write(
    "bookshop/settings.py",
    `${copy.read("bookshop/settings.py")}
STRIPE_API_KEY = "${FIXTURE_SECRETS.stripeKey}"
BROKER_URL = "redis://:${FIXTURE_SECRETS.brokerPassword}@localhost:6379/0"
`,
  );
  return copy;
}
