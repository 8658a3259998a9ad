"""Joining a site: an account gets its user on the site.

An account lives in the network database and its site user in the site's, and no transaction
spans the two, so a join writes in a fixed order that a crash can only leave half done in one
way, which `repair_memberships` (`pnyx accounts repair`) finishes:

1. network database: the `Membership(account, site)` row, with `site_user_id` still NULL. Its
   unique (account, site) constraint makes two concurrent joins share one row.
2. site database, in one transaction holding a lock on the account id (`pg_advisory_xact_lock`
   on PostgreSQL; on SQLite the transaction is IMMEDIATE, so writers take turns): the site user
   with `account_id` = the account's id is looked up and created only if there is none, with
   the association bonus when it applies. Run twice, this step finds the row the first made.
3. network database: `Membership.site_user_id` is set.

A membership whose `site_user_id` is NULL is therefore a join that stopped after step 1 or 2;
repairing it runs steps 2 and 3 again.

Reputation: a new site user starts at 1 with no reputation event. With the association bonus
(the account has `ASSOCIATION_BONUS_THRESHOLD` or more reputation on another site of the
network) it gets one `ReputationEvent(ASSOCIATION_BONUS, +100)`, `reputation_start` 1,
`reputation_earned` 100 and `reputation` 101, as `pnyx.posts.models.SiteUser` describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from pnyx.accounts.models import Account, Membership
from pnyx.errors import NotAllowed, NotSignedIn
from pnyx.network.models import Site
from pnyx.posts.models import ReputationEvent, ReputationKind, SiteUser
from pnyx.sites.context import activated

ASSOCIATION_BONUS = 100
ASSOCIATION_BONUS_THRESHOLD = 200
# pg_advisory_xact_lock(JOIN_LOCK_CLASS, account id): one lock per account, in its own class.
JOIN_LOCK_CLASS = 0x706E7978  # "pnyx"


def site_user_of(account_id: int, site: Site) -> SiteUser | None:
    """The account's user on `site`, or None: one query on the site's database."""
    return (
        SiteUser.objects.using(site.db_alias).filter(account_id=account_id).order_by("id").first()
    )


def check_join_site(*, account: Account | None, site: Site) -> Account:
    """Whether `account` may join `site`: it must be a signed-in, active account.

    Takes no lock: joining twice is harmless (see `do_join_site`).
    """
    if account is None or not getattr(account, "is_authenticated", False):
        raise NotSignedIn("Log in or sign up to join this community.")
    if not account.is_active:
        raise NotAllowed("This account is not active.")
    return account


def do_join_site(*, account: Account, site: Site, at: datetime | None = None) -> SiteUser:
    """Make `account` a member of `site` (steps 1 to 3 above) and return its site user.

    Idempotent and safe when run concurrently for the same account and site: the membership
    row is unique per (account, site), and the site user is created under a per-account lock
    inside the site's transaction. Reads the account's reputation on its other sites first,
    outside any lock.
    """
    when = at or timezone.now()
    membership = _membership(account, site, when)
    if membership.site_user_id is not None:
        existing = SiteUser.objects.using(site.db_alias).filter(id=membership.site_user_id).first()
        if existing is not None:
            return existing
    bonus = association_bonus_applies(account, exclude=site)
    site_user = _site_user(account, site, when=when, bonus=bonus)
    if membership.site_user_id != site_user.id:
        Membership.objects.using("default").filter(pk=membership.pk).update(
            site_user_id=site_user.id
        )
    return site_user


def ensure_site_user(account: Account, site: Site) -> SiteUser:
    """The account's user on `site`, joining the site first if need be.

    What a write action (ask, answer, comment, vote) calls for its actor: one query on the
    site's database when the account is already a member.
    """
    existing = site_user_of(account.id, site)
    if existing is not None:
        return existing
    check_join_site(account=account, site=site)
    return do_join_site(account=account, site=site)


def association_bonus_applies(account: Account, *, exclude: Site) -> bool:
    """Whether the account has `ASSOCIATION_BONUS_THRESHOLD` reputation on another site."""
    others = (
        Membership.objects.using("default")
        .filter(account=account, site_user_id__isnull=False)
        .exclude(site=exclude)
        .select_related("site")
    )
    for membership in others:
        site_user_id = membership.site_user_id
        assert site_user_id is not None  # filtered above
        with activated(membership.site):
            reputation = (
                SiteUser.objects.using(membership.site.db_alias)
                .filter(id=site_user_id)
                .values_list("reputation", flat=True)
                .first()
            )
        if reputation is not None and reputation >= ASSOCIATION_BONUS_THRESHOLD:
            return True
    return False


def _membership(account: Account, site: Site, when: datetime) -> Membership:
    """Step 1: the network row, created once whoever gets there first."""
    try:
        with transaction.atomic(using="default"):
            membership, _ = Membership.objects.using("default").get_or_create(
                account=account, site=site, defaults={"created_at": when}
            )
    except IntegrityError:
        # Another join inserted it between our read and our insert.
        membership = Membership.objects.using("default").get(account=account, site=site)
    return membership


def _lock_account(alias: str, account_id: int) -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [JOIN_LOCK_CLASS, account_id])
    # SQLite: the transaction began IMMEDIATE, holding the database's write lock already.


def _site_user(account: Account, site: Site, *, when: datetime, bonus: bool) -> SiteUser:
    """Step 2: find or create the site user, under the account's lock."""
    alias = site.db_alias
    with activated(site), transaction.atomic(using=alias):
        _lock_account(alias, account.id)
        existing = site_user_of(account.id, site)
        if existing is not None:
            return existing
        site_user = SiteUser(
            display_name=account.display_name,
            creation_date=when,
            last_access_date=when,
            account_id=account.id,
            reputation=1,
        )
        if bonus:
            site_user.reputation_start = 1
            site_user.reputation_earned = ASSOCIATION_BONUS
            site_user.reputation = 1 + ASSOCIATION_BONUS
        site_user.save(using=alias, force_insert=True)
        if bonus:
            ReputationEvent.objects.using(alias).create(
                user=site_user,
                kind=ReputationKind.ASSOCIATION_BONUS,
                points=ASSOCIATION_BONUS,
                day=when.date(),
                creation_date=when,
            )
        return site_user


@dataclass(frozen=True)
class Repair:
    account_id: int
    site: str
    site_user_id: int | None
    action: str


def repair_memberships(*, site: Site | None = None, fix: bool = True) -> list[Repair]:
    """Finish joins that stopped half way (memberships without a site user id).

    With `fix` false, only report what would be done. Accounts being deleted are left to
    `pnyx.accounts.deletion.repair_deletions`.
    """
    pending = (
        Membership.objects.using("default")
        .filter(site_user_id__isnull=True, account__deletion_requested_at__isnull=True)
        .select_related("account", "site")
        .order_by("id")
    )
    if site is not None:
        pending = pending.filter(site=site)
    repairs = []
    for membership in pending:
        found = site_user_of(membership.account_id, membership.site)
        if not fix:
            action = "would link the existing site user" if found else "would create the site user"
            repairs.append(
                Repair(
                    membership.account_id, membership.site.name, found.id if found else None, action
                )
            )
            continue
        site_user = do_join_site(account=membership.account, site=membership.site)
        action = "linked the existing site user" if found else "created the site user"
        repairs.append(Repair(membership.account_id, membership.site.name, site_user.id, action))
    return repairs
