"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def site_context(request: HttpRequest) -> dict[str, Any]:
    return {"site": getattr(request, "site", None)}
