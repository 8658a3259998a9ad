"""Deleting an account, as Stack Exchange does: what the person wrote stays, under their name.

On each site the account joined, in one transaction on the site's database, the user's rows are
turned into a data dump's deleted user: posts, comments and post history keep the display name
in their `*DisplayName` column and lose the user id; votes stay (scores do not change) without
their voter; the user's badges and reputation events go; the site user row is removed. The
account's network rows go last.

The order, for a deletion that stops half way: the account is first marked
(`deletion_requested_at`, and made inactive so it can no longer sign in); then each site is
done and its membership row removed, one site at a time; then the account itself.
`repair_deletions` (`pnyx accounts repair`) finishes every marked account.

Tables added later that point at a site user must be handled in `_remove_site_user`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pnyx.accounts.models import Account, Membership
from pnyx.errors import NotAllowed, NotSignedIn, ValidationError
from pnyx.network.models import Site
from pnyx.posts.models import (
    Badge,
    Comment,
    Post,
    PostHistory,
    ReputationEvent,
    SiteUser,
    Vote,
)
from pnyx.sites.context import activated
from pnyx.sites.registry import site_by_name

CONFIRMATION_WORD = "delete"


@dataclass(frozen=True)
class Deletion:
    account: Account


def check_delete_account(*, actor: Account | None, account: Account, confirmation: str) -> Deletion:
    """Only the person themself may delete their account, typing the confirmation word.

    Takes no lock; `do_delete_account` marks the account before touching any site.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotSignedIn("Log in to delete your account.")
    if actor.pk != account.pk:
        raise NotAllowed("You can only delete your own account.")
    if confirmation.strip().lower() != CONFIRMATION_WORD:
        raise ValidationError(f"Type the word {CONFIRMATION_WORD} to confirm.")
    return Deletion(account=account)


def do_delete_account(deletion: Deletion) -> list[str]:
    """Delete the account (see the module's docstring); returns the names of the sites done."""
    account = deletion.account
    if account.deletion_requested_at is None:
        account.deletion_requested_at = timezone.now()
        account.is_active = False
        account.save(using="default", update_fields=["deletion_requested_at", "is_active"])
    return _finish(account)


def _finish(account: Account) -> list[str]:
    done = []
    memberships = Membership.objects.using("default").filter(account=account).select_related("site")
    for membership in memberships:
        _remove_site_user(membership.site, account.id)
        membership.delete(using="default")
        done.append(membership.site.name)
    account.delete(using="default")
    return done


def _remove_site_user(site: Site, account_id: int) -> None:
    """Turn the account's user on `site` into a deleted user (idempotent)."""
    site = site_by_name(site.name) or site  # its current database, after any import --replace
    alias = site.db_alias
    with activated(site), transaction.atomic(using=alias):
        for user in SiteUser.objects.using(alias).filter(account_id=account_id):
            name = user.display_name
            commented = Comment.objects.using(alias).filter(user_id=user.id).values("post_id")
            Post.objects.using(alias).filter(id__in=commented).update(version=F("version") + 1)
            Post.objects.using(alias).filter(owner_id=user.id).update(
                owner_id=None, owner_display_name=name, version=F("version") + 1
            )
            Post.objects.using(alias).filter(last_editor_id=user.id).update(
                last_editor_id=None, last_editor_display_name=name, version=F("version") + 1
            )
            Comment.objects.using(alias).filter(user_id=user.id).update(
                user_id=None, user_display_name=name
            )
            PostHistory.objects.using(alias).filter(user_id=user.id).update(
                user_id=None, user_display_name=name
            )
            Vote.objects.using(alias).filter(user_id=user.id).update(user_id=None)
            Badge.objects.using(alias).filter(user_id=user.id).delete()
            ReputationEvent.objects.using(alias).filter(user_id=user.id).delete()
            user.delete(using=alias)


def repair_deletions() -> list[tuple[int, list[str]]]:
    """Finish the deletion of every account marked for it; returns (account id, sites)."""
    marked = Account.objects.using("default").filter(deletion_requested_at__isnull=False)
    return [(account.id, _finish(account)) for account in marked]
