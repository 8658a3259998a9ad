"""Editing a site user's profile: display name, location, website and about me (Markdown)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q

from pnyx.accounts import rules
from pnyx.errors import NotAllowed, NotFound, NotSignedIn, ValidationError
from pnyx.network.models import Site
from pnyx.posts.models import Comment, Post, PostHistory, SiteUser
from pnyx.render.markdown import render_post
from pnyx.sites.paths import link_context


class ProfileInvalid(ValidationError):
    """One or more fields break a rule; `fields` maps each field's name to its message."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(" ".join(fields.values()))
        self.fields = fields


@dataclass(frozen=True)
class ProfileEdit:
    """A checked edit, ready for `do_edit_profile`."""

    user: SiteUser
    display_name: str
    location: str
    website_url: str
    about_me_markdown: str


def access_profile(*, site: Site, user_id: int, actor: SiteUser | None) -> SiteUser:
    """The site user whose profile `actor` may edit: only their own for now (moderators will
    edit others'); raises NotSignedIn, NotFound or NotAllowed."""
    if actor is None:
        raise NotSignedIn("Log in to edit your profile.")
    user = SiteUser.objects.using(site.db_alias).filter(id=user_id).first()
    if user is None:
        raise NotFound("There is no such user on this site.")
    if user.id != actor.id:
        raise NotAllowed("You can only edit your own profile.")
    return user


def check_edit_profile(
    *,
    site: Site,
    actor: SiteUser | None,
    user_id: int,
    display_name: str,
    location: str,
    website_url: str,
    about_me: str,
) -> ProfileEdit:
    """Authorise `actor` to edit the profile of user `user_id` and check every field.

    Raises `ProfileInvalid` with a message per field at fault. Takes no lock: the edit is one
    UPDATE of the user's own row, and the last edit wins, as on Stack Exchange.
    """
    user = access_profile(site=site, user_id=user_id, actor=actor)
    checks = {
        "display_name": (rules.check_account_display_name, display_name),
        "location": (rules.check_location, location),
        "website_url": (rules.check_website, website_url),
        "about_me": (rules.check_about_me, about_me),
    }
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, (check, value) in checks.items():
        try:
            clean[name] = check(value)
        except ValidationError as exc:
            errors[name] = exc.message
    if errors:
        raise ProfileInvalid(errors)
    return ProfileEdit(
        user=user,
        display_name=clean["display_name"],
        location=clean["location"],
        website_url=clean["website_url"],
        about_me_markdown=clean["about_me"],
    )


def do_edit_profile(edit: ProfileEdit, *, site: Site) -> SiteUser:
    """Write the edit. The about me text is rendered with the site's links, as posts are.

    When the display name changes, the posts that show it (asked, answered, last edited or
    commented by the user) get a new `version`, so no cached block keeps the old name.
    """
    alias = site.db_alias
    user = edit.user
    old_name = user.display_name
    user.display_name = edit.display_name
    user.location = edit.location or None
    user.website_url = edit.website_url or None
    user.about_me_markdown = edit.about_me_markdown or None
    user.about_me = (
        render_post(edit.about_me_markdown, link_context(site)) if edit.about_me_markdown else None
    )
    with transaction.atomic(using=alias):
        user.save(
            using=alias,
            update_fields=[
                "display_name",
                "location",
                "website_url",
                "about_me_markdown",
                "about_me",
            ],
        )
        if old_name != user.display_name:
            touch_posts_showing(user.id, alias=alias)
    return user


def touch_posts_showing(user_id: int, *, alias: str) -> None:
    """Give a new version to each post whose blocks show the user's name."""
    commented = Comment.objects.using(alias).filter(user_id=user_id).values("post_id")
    edited = PostHistory.objects.using(alias).filter(user_id=user_id).values("post_id")
    Post.objects.using(alias).filter(
        Q(owner_id=user_id) | Q(last_editor_id=user_id) | Q(id__in=commented) | Q(id__in=edited)
    ).update(version=F("version") + 1)
