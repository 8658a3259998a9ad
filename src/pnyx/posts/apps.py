from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "pnyx.posts"
    label = "posts"
    verbose_name = "Site content"
