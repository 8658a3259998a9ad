from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "pnyx.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from pnyx.search import events  # noqa: F401  (registers the write path's handler)
