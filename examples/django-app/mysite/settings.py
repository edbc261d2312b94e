"""A tiny Django project for gunicorn-deploy: SQLite in shared/data (or PostgreSQL), static files collected by `build`.

Environment (the deploy's `env` input, written to /etc/APP/env):
  DJANGO_SECRET_KEY     required in production
  DJANGO_DEBUG          1 for debug (never in production; mode verify flags it)
  DJANGO_ALLOWED_HOSTS  comma-separated host names (the health check's Host included)
  DATABASE_URL          postgresql:///NAME (the deploy's `database: postgres` writes it: the local
                        server's unix socket, peer authentication, no password) or
                        postgresql://USER:PASSWORD@HOST:PORT/NAME; unset: SQLite in shared/data
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-only-for-local-runs")
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "notes",
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

ROOT_URLCONF = "mysite.urls"
WSGI_APPLICATION = "mysite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# shared-paths: data (kept across releases; the folder is a link into /srv/APP/shared).
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "data" / "db.sqlite3",
        "OPTIONS": {"timeout": 10},
    }
}

_url = os.environ.get("DATABASE_URL", "")
if _url.startswith(("postgres://", "postgresql://")):
    _u = urlsplit(_url)
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(_u.path.lstrip("/")),
        # Empty: libpq's defaults, the unix socket and the process's own user (peer authentication).
        "USER": unquote(_u.username or ""),
        "PASSWORD": unquote(_u.password or ""),
        "HOST": _u.hostname or "",
        "PORT": str(_u.port or ""),
    }

# collectstatic (the deploy's `build`) writes here, in the release; nginx serves it (`static`).
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True

# nginx in front: trust its X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
