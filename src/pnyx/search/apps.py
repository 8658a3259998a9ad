from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "pnyx.search"
    label = "search"
    verbose_name = "Search"
