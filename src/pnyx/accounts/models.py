"""Models kept in the network database: the account a person signs in with, and the sites it
has joined.

An account is network-wide; on each site it takes part in it has a site user
(`pnyx.posts.models.SiteUser`, in the site's own database) whose `account_id` is the account's
id, as a data dump's `AccountId` ties a site's user to a Stack Exchange account. Imported users
keep Stack Exchange's AccountIds, which are below 40 million today; Pnyx's own accounts are
numbered from `ACCOUNT_ID_START`, so a new account can never be mistaken for an imported user.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

# Far above any Stack Exchange AccountId, and well inside the 32-bit `users.AccountId` column.
ACCOUNT_ID_START = 1_000_000_000
DISPLAY_NAME_MAX = 30


class AccountManager(BaseUserManager["Account"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> Account:
        if not email:
            raise ValueError("an account needs an e-mail address")
        account = self.model(email=self.normalize_email(email).lower(), **fields)
        account.set_password(password)
        account.save(using=self._db)
        return account

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> Account:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> Account:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> Account:
        # Sign-in and `createsuperuser` look accounts up by e-mail, whatever its case.
        return self.get(email__iexact=username)


class Account(AbstractBaseUser, PermissionsMixin):
    """A person's network-wide account. The e-mail address is the login, unique whatever its
    case; the display name is what a site user starts with when the account joins a site."""

    id = models.AutoField(primary_key=True)
    email = models.EmailField("e-mail address", max_length=254)
    display_name = models.CharField(max_length=DISPLAY_NAME_MAX)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May use the administration pages, once there are some."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the person asks to delete the account; the deletion then removes the account's
    # site users one site at a time and the account last (see `pnyx.accounts.deletion`).
    deletion_requested_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[AccountManager] = AccountManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        db_table = "accounts"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class Membership(models.Model):
    """An account's membership of a site: written before the site's own user row (see
    `pnyx.accounts.membership`), so `site_user_id` is NULL while a join is half done."""

    id = models.BigAutoField(primary_key=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    site = models.ForeignKey("network.Site", on_delete=models.CASCADE, related_name="+")
    site_user_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "memberships"
        constraints = [
            models.UniqueConstraint(fields=["account", "site"], name="memberships_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} on {self.site_id}"
