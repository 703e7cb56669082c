"""
Settings for the bookshop example project.

A small but realistic Django site used by the mcp-django test suite.
It is not meant to be deployed: every secret in here is a dummy value.
"""

import os
from pathlib import Path

# Deliberate: a settings module that writes to stdout. mcp-django must keep
# this line off its MCP stdout channel, or the protocol stream breaks.
print("bookshop settings loaded")

BASE_DIR = Path(__file__).resolve().parent.parent

# SECURITY WARNING: dummy key; the tests check that it never leaks.
SECRET_KEY = "django-insecure-example-not-secret"

DEBUG = True

ALLOWED_HOSTS = []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "accounts",
    "catalog",
    "orders",
    "api",
    # Development only: lets an MCP client's shell attach to this project's runserver, and
    # provides `python manage.py mcp`.
    "mcp_django_bun",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bookshop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bookshop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "bookshop.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("BOOKSHOP_DB", BASE_DIR / "db.sqlite3"),
        # Ignored by SQLite; the tests check that it never leaks.
        "PASSWORD": "hunter2-not-a-real-password",
    }
}

# The tests' PostgreSQL (.ci/postgres starts it and sets these variables).
if os.environ.get("MCP_DJANGO_EXAMPLE_DB") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ["MCP_DJANGO_TEST_PG_HOST"],
            "PORT": os.environ.get("MCP_DJANGO_TEST_PG_PORT", "5432"),
            "NAME": os.environ.get("MCP_DJANGO_TEST_PG_NAME", "bookshop"),
            "USER": os.environ.get("MCP_DJANGO_TEST_PG_USER", "bookshop"),
            "PASSWORD": os.environ["MCP_DJANGO_TEST_PG_PASSWORD"],
        }
    }
    # Read-only mode logs in as this role, which can read every table and write none.
    if os.environ.get("MCP_DJANGO_EXAMPLE_READ_ONLY_ROLE") == "1":
        MCP_DJANGO_READ_ONLY_DATABASES = {
            "default": {
                "USER": os.environ["MCP_DJANGO_TEST_PG_RO_USER"],
                "PASSWORD": os.environ["MCP_DJANGO_TEST_PG_RO_PASSWORD"],
            }
        }

AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "admin:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
MEDIA_ROOT = BASE_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
