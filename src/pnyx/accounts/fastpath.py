"""What a signed-in request needs before its page, at the cost of one small query.

A signed-in reader's request needs its session (shared by every server process: the network
database, or Redis), the account, and the account's user on the site with its reputation and
badge counts for the top bar. The session is read on every request, with one raw query (the ORM
would cost more than the query); the account and the site user are kept in this process for a
few seconds (`PNYX_ACCOUNT_CACHE_SECONDS`, default 10), so a page shows a reputation or a
display name changed in another process up to that long after. What the process itself changes
(its own requests' votes, profile edits) it forgets at once. Authority never comes from these
copies: a session whose hash does not match the cached account is checked against the database,
and every write action reads its actor afresh (`pnyx.web.actor.require_actor`).
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Hashable
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user as django_get_user
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject


def seconds() -> int:
    return int(getattr(settings, "PNYX_ACCOUNT_CACHE_SECONDS", 10))


class TTLCache:
    """A small per-process map whose entries live `seconds()`; 0 keeps nothing."""

    def __init__(self, max_entries: int = 10000) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._items: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable) -> Any:
        ttl = seconds()
        if ttl <= 0:
            return None
        item = self._items.get(key)
        if item is None or time.monotonic() - item[0] > ttl:
            return None
        return item[1]

    def set(self, key: Hashable, value: Any) -> None:
        if seconds() <= 0:
            return
        with self._lock:
            if len(self._items) >= self.max_entries:
                self._items.clear()
            self._items[key] = (time.monotonic(), value)

    def forget(self, predicate: Any) -> None:
        """Drop the entries for which `predicate(key, value)` holds."""
        with self._lock:
            for key in [k for k, (_, v) in self._items.items() if predicate(k, v)]:
                del self._items[key]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


accounts = TTLCache()
site_users = TTLCache()


def clone(instance: Any) -> Any:
    """A shallow copy of a model instance for one request, cheaper than `copy.copy` (which
    goes through pickling's protocol): the same field values, a state of its own."""
    twin = instance.__class__.__new__(instance.__class__)
    twin.__dict__ = instance.__dict__.copy()
    state = instance.__dict__.get("_state")
    if state is not None:
        twin._state = copy.copy(state)
    return twin


# Decoded sessions by their stored text: the same text decodes to the same data, so a session
# that did not change since the last request skips the signature check and the JSON.
_decoded = TTLCache(max_entries=5000)


class SessionStore(db.SessionStore):
    """Django's database sessions, read with one raw query."""

    def load(self) -> dict[str, Any]:
        model = self.model
        alias = router.db_for_read(model)
        table = model._meta.db_table
        with connections[alias].cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        data = row[0]
        known = _decoded.get(data)
        if known is not None:
            return dict(known)
        decoded: dict[str, Any] = self.decode(data)
        _decoded.set(data, dict(decoded))
        return decoded


def get_user(request: HttpRequest) -> Any:
    """The request's account: a copy kept in this process when the session's hash matches it,
    otherwise Django's own check against the database."""
    session = request.session  # type: ignore[attr-defined]
    user_id = session.get(SESSION_KEY)
    backend = session.get(BACKEND_SESSION_KEY)
    session_hash = session.get(HASH_SESSION_KEY)
    if user_id is not None and backend in settings.AUTHENTICATION_BACKENDS and session_hash:
        cached = accounts.get(str(user_id))
        if cached is not None and constant_time_compare(session_hash, cached[1]):
            return clone(cached[0])
    user = django_get_user(request)
    if user.is_authenticated:
        accounts.set(str(user.pk), (clone(user), user.get_session_auth_hash()))
    return user


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's, with `get_user` above."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)

        def load() -> Any:
            if not hasattr(request, "_cached_user"):
                request._cached_user = get_user(request)  # type: ignore[attr-defined]
            return request._cached_user  # type: ignore[attr-defined]

        request.user = SimpleLazyObject(load)  # type: ignore[assignment]
