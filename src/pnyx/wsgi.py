"""WSGI entry point used by `pnyx serve`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pnyx.settings")
application = get_wsgi_application()
