from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "pnyx.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_after_migrate, sender=self)


def _after_migrate(using: str = "default", **kwargs: Any) -> None:
    from pnyx.accounts.numbering import ensure_account_ids_start

    if using == "default":
        ensure_account_ids_start(using)
