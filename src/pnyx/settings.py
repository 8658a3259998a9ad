"""Django settings, derived from the `PNYX_*` environment (see `pnyx.config`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pnyx.accounts.conf import load_accounts_config
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
    # Accounts (see the section below). pnyx.accounts comes before allauth so that its templates
    # replace allauth's.
    "pnyx.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First, so that every response (cached pages and static files too) carries the policy.
    "pnyx.web.security.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "pnyx.accounts.fastpath.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pnyx.web.middleware.SiteMiddleware",
    "pnyx.accounts.middleware.SiteUserMiddleware",
    "pnyx.web.pagecache.PageCacheMiddleware",
    "pnyx.web.errors.PnyxErrorMiddleware",
]

ROOT_URLCONF = "pnyx.web.urls"
CSRF_FAILURE_VIEW = "pnyx.web.views.errors.csrf_failure"
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

PNYX_REDIS_URL = PNYX.redis_url
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
    "filters": {"without_traceback": {"()": "pnyx.logfilters.WithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "one_line": {"class": "logging.StreamHandler", "filters": ["without_traceback"]},
    },
    "loggers": {
        # A Host header not in ALLOWED_HOSTS: answered 400, logged on one line.
        "django.security.DisallowedHost": {"handlers": ["one_line"], "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- HTTPS behind a TLS-terminating proxy (docs/operating.md) --------------------------------
# PNYX_PROXY_SSL_HEADER names the header the proxy sets to `https`; unset, no header is trusted,
# so a client cannot make absolute URLs say https:// by sending one. PNYX_HTTPS=1 (which needs
# it) marks the session and CSRF cookies secure and sends HSTS (PNYX_HSTS_SECONDS) on HTTPS.
SECURE_PROXY_SSL_HEADER = PNYX.proxy_ssl_header
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PNYX.https
SECURE_HSTS_SECONDS = PNYX.hsts_seconds

# Static files are served by WhiteNoise straight from the apps' static folders, so a new machine
# needs no collectstatic step; they carry far-future cache headers in production.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG


# --- Accounts: sign-up and sign-in (django-allauth), sessions, e-mail, background tasks -------
# Everything here comes from `PNYX_*` variables read by pnyx.accounts.conf; docs/operating.md
# lists them.
ACCOUNTS = load_accounts_config(PNYX.data_dir)

AUTH_USER_MODEL = "accounts.Account"
# The e-mail is unique whatever its case, by a constraint on Lower(email) that this check
# does not see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "display_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# Sessions must be shared by every server process: a log-out in one worker has to end the
# session in all of them. With Redis, sessions are read from it and written through to the
# network database; without it, straight from the database (a per-process cache would not do).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if PNYX.redis_url else "pnyx.accounts.fastpath"
)
# How long a process keeps an account and its site users' top-bar facts (pnyx.accounts.fastpath).
PNYX_ACCOUNT_CACHE_SECONDS = PNYX.account_cache_seconds
SESSION_COOKIE_HTTPONLY = True
# The CSRF secret lives in the session (loaded on every signed-in request anyway) rather than in
# a cookie of its own, so no request pays for making a new one.
CSRF_USE_SESSIONS = True
SESSION_COOKIE_SAMESITE = "Lax"

# E-mail: the console by default, a folder (PNYX_EMAIL_FILE_PATH) or SMTP (PNYX_EMAIL_HOST...).
EMAIL_BACKEND = ACCOUNTS.email_backend
globals().update(ACCOUNTS.email_settings)
DEFAULT_FROM_EMAIL = ACCOUNTS.default_from_email
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# django-allauth: e-mail is the login; no usernames.
ACCOUNT_ADAPTER = "pnyx.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_SIGNUP_FORM_CLASS = "pnyx.accounts.forms.SignupDetailsForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_USER_DISPLAY = "pnyx.accounts.rules.user_display"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = ACCOUNTS.email_verification
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None  # the sign-in form offers "Remember me"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # the adapter prefixes the site's title
# PNYX_HTTPS: the public address is https (links in e-mails, cookies sent over TLS only).
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if ACCOUNTS.https else "http"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = ACCOUNTS.https
# Per IP and per account ("key" is the e-mail address typed), over Django's default cache:
# Redis when PNYX_REDIS_URL is set, otherwise each process counts on its own.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/m/ip,100/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
}
# Behind a reverse proxy, how many proxies' X-Forwarded-For entries to trust for the client's IP.
ALLAUTH_TRUSTED_PROXY_COUNT = ACCOUNTS.trusted_proxy_count

# Two-factor authentication from the account pages: TOTP with recovery codes, and passkeys.
MFA_ADAPTER = "pnyx.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Pnyx"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# Sign-in with GitHub or Google, each only when the operator has set its keys.
SOCIALACCOUNT_ADAPTER = "pnyx.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS: dict[str, Any] = {
    "github": {"SCOPE": ["user:email"]},
    "google": {"SCOPE": ["profile", "email"]},
}
for _provider, _keys in ACCOUNTS.social_apps.items():
    SOCIALACCOUNT_PROVIDERS[_provider]["APPS"] = [{**_keys, "key": ""}]

# Background work (e-mail now; badges, reindexing later), run by `pnyx worker`; the jobs are
# rows in the network database.
TASKS = {"default": {"BACKEND": ACCOUNTS.task_backend, "QUEUES": ["default"]}}

# ---------- Security headers (see pnyx.web.security and docs/operating.md) ----------
# Django's own, stated rather than left to defaults: no framing (clickjacking), no MIME sniffing,
# no Referer sent to other sites (a reader's path through a site is nobody else's business).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Pnyx's own scripts and styles only: no inline script, style attribute or eval anywhere (htmx is
# told not to inject its indicator styles, see base.html). Images in posts are external, on http
# as well as https in older imported posts; data: images are the editor's toolbar icons. Logging
# in with GitHub or Google posts a form that redirects to the provider, which form-action governs.
PNYX_CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "https:", "http:", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'", "https://github.com", "https://accounts.google.com"],
}
