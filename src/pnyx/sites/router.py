"""Database router: network models to `default`, site content models to the active site."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from pnyx.sites.context import active_site

SITE_APP_LABELS = frozenset({"posts", "search"})


def _is_site_model(model: type[Model]) -> bool:
    return model._meta.app_label in SITE_APP_LABELS


class SiteRouter:
    def _route(self, model: type[Model], hints: dict[str, Any]) -> str:
        if not _is_site_model(model):
            return "default"
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return str(instance._state.db)
        return active_site().db_alias

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return self._route(model, hints)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return self._route(model, hints)

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return bool(obj1._state.db == obj2._state.db)

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        if db == "default":
            return app_label not in SITE_APP_LABELS
        return app_label in SITE_APP_LABELS
