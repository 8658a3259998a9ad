"""Pnyx's settings as they were before accounts: Django's own user model, no allauth, no
tasks. `test_migrate` builds a network database with them, as an existing install has."""

from pnyx.settings import *  # noqa: F403
from pnyx.settings import INSTALLED_APPS, MIDDLEWARE

NEW_APPS = ("pnyx.accounts", "allauth", "django_tasks")
INSTALLED_APPS = [app for app in INSTALLED_APPS if not app.startswith(NEW_APPS)]
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith(("allauth", "pnyx.accounts"))]
AUTH_USER_MODEL = "auth.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
