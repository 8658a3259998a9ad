from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "pnyx.network"
    label = "network"
    verbose_name = "Network"
