"""Django settings, derived from the `PNYX_*` environment (see `pnyx.config`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pnyx.config import load_config, prepare_data_dir, secret_key
from pnyx.dbconfig import database_settings

PNYX = load_config()
prepare_data_dir(PNYX.data_dir)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = PNYX.data_dir
SECRET_KEY = secret_key(PNYX.data_dir)
DEBUG = PNYX.debug
ALLOWED_HOSTS = PNYX.allowed_hosts

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "pnyx.network",
    "pnyx.posts",
    "pnyx.search",
    "pnyx.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pnyx.web.middleware.SiteMiddleware",
    "pnyx.web.pagecache.PageCacheMiddleware",
]

ROOT_URLCONF = "pnyx.web.urls"
WSGI_APPLICATION = "pnyx.wsgi.application"

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
                "pnyx.web.context.site_context",
            ],
        },
    },
]

DATABASES = {"default": database_settings(PNYX.network_database_url)}
DATABASE_ROUTERS = ["pnyx.sites.router.SiteRouter"]

if PNYX.redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": PNYX.redis_url,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole pages for cookie-less readers, per process (see pnyx.web.pagecache): kept in memory
# rather than Redis, since a hit must cost less than rendering, and bounded in entries.
PNYX_PAGE_CACHE_SECONDS = PNYX.page_cache_seconds
PAGE_CACHE: dict[str, Any] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pnyx-pages",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
CACHES["pages"] = PAGE_CACHE

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Static files are served by WhiteNoise straight from the apps' static folders, so a new machine
# needs no collectstatic step; they carry far-future cache headers in production.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
