from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pnyx.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from pnyx.web import converters, invalidation  # noqa: F401  (registers event handlers)

        converters.register()
