"""Models kept in the network database."""

from __future__ import annotations

from django.db import models


class PrivilegeLevel(models.TextChoices):
    """Which of Stack Exchange's reputation tables a site uses (see `pnyx.posts.privileges`)."""

    PRIVATE_BETA = "private-beta", "Private beta"
    PUBLIC_BETA = "public-beta", "Public beta"
    GRADUATED = "graduated", "Graduated"


class Site(models.Model):
    """One community. Its content lives in a database of its own, named by `database_url`.

    `id` is the site's id in the network; when a site is imported from a dump it can be chosen
    so that it matches Stack Exchange's.
    """

    name = models.SlugField(
        max_length=40, unique=True, help_text="Short name used in URLs and on the command line."
    )
    title = models.CharField(max_length=200)
    database_url = models.CharField(max_length=500)
    origins = models.JSONField(
        default=list,
        blank=True,
        help_text="Public origins (https://host) whose post links are treated as this site's own.",
    )
    hostnames = models.JSONField(
        default=list, blank=True, help_text="Host names that serve this site without a path prefix."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    privilege_level = models.CharField(
        max_length=20,
        choices=PrivilegeLevel.choices,
        default=PrivilegeLevel.GRADUATED,
        db_default=PrivilegeLevel.GRADUATED,
        help_text="The reputation each privilege needs: Stack Exchange's table for this stage.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def db_alias(self) -> str:
        return f"site_{self.name}"

    @property
    def url_prefix(self) -> str:
        """Path prefix under which the site is served when it is not reached by its own host."""
        return f"/{self.name}"
