"""Reading a post's history (PostHistory rows): revisions, closures, locks, migrations.

A dump keeps each action as one or more rows sharing a `revision_guid` (a new question is three:
title, body, tags); closure and lock rows carry their voters as JSON in `text`, and a closure
its reason id in `comment`. These pure functions turn the rows a selector fetched into what the
pages show, so the reading of the dump's conventions lives in one place.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from pnyx.posts.models import HistoryType, PostHistory, SiteUser

# PostHistory.Comment of a closure (se-dump-schema.md §10.4): old reasons, then the current ones.
CLOSE_REASONS = {
    1: "an exact duplicate",
    2: "off-topic",
    3: "subjective and argumentative",
    4: "not a real question",
    7: "too localized",
    10: "general reference",
    20: "noise or pointless",
    101: "a duplicate",
    102: "off-topic",
    103: "unclear what you're asking",
    104: "too broad",
    105: "primarily opinion-based",
}
DUPLICATE_REASONS = {1, 101}

TITLE_TYPES = {HistoryType.INITIAL_TITLE, HistoryType.EDIT_TITLE, HistoryType.ROLLBACK_TITLE}
BODY_TYPES = {HistoryType.INITIAL_BODY, HistoryType.EDIT_BODY, HistoryType.ROLLBACK_BODY}
TAG_TYPES = {HistoryType.INITIAL_TAGS, HistoryType.EDIT_TAGS, HistoryType.ROLLBACK_TAGS}
CONTENT_TYPES = TITLE_TYPES | BODY_TYPES | TAG_TYPES
INITIAL_TYPES = {HistoryType.INITIAL_TITLE, HistoryType.INITIAL_BODY, HistoryType.INITIAL_TAGS}
ROLLBACK_TYPES = {HistoryType.ROLLBACK_TITLE, HistoryType.ROLLBACK_BODY, HistoryType.ROLLBACK_TAGS}

# The events a post page turns into notices; the revisions page shows every event.
NOTICE_TYPES = (
    HistoryType.CLOSED,
    HistoryType.REOPENED,
    HistoryType.LOCKED,
    HistoryType.UNLOCKED,
    HistoryType.PROTECTED,
    HistoryType.UNPROTECTED,
    HistoryType.MIGRATED,
    HistoryType.MIGRATED_HERE,
    HistoryType.MIGRATED_AWAY,
    HistoryType.MERGE_SOURCE,
)

EVENT_LABELS: dict[int, str] = {
    HistoryType.CLOSED: "Closed",
    HistoryType.REOPENED: "Reopened",
    HistoryType.DELETED: "Deleted",
    HistoryType.UNDELETED: "Undeleted",
    HistoryType.LOCKED: "Locked",
    HistoryType.UNLOCKED: "Unlocked",
    HistoryType.COMMUNITY_OWNED: "Made community wiki",
    HistoryType.MIGRATED: "Migrated",
    HistoryType.MERGED: "Merged",
    HistoryType.PROTECTED: "Protected",
    HistoryType.UNPROTECTED: "Unprotected",
    HistoryType.DISASSOCIATED: "Disassociated from its author",
    HistoryType.UNMERGED: "Unmerged",
    HistoryType.TWEETED: "Tweeted",
    HistoryType.DISCUSSION_MOVED_TO_CHAT: "Comments moved to chat",
    HistoryType.NOTICE_ADDED: "Post notice added",
    HistoryType.NOTICE_REMOVED: "Post notice removed",
    HistoryType.MIGRATED_AWAY: "Migrated away",
    HistoryType.MIGRATED_HERE: "Migrated here",
    HistoryType.MERGE_SOURCE: "Merged from another question",
    HistoryType.MERGE_DESTINATION: "Merged into another question",
    HistoryType.BUMPED: "Bumped by the Community user",
    HistoryType.HOT_QUESTION: "Became a hot network question",
    HistoryType.REMOVED_FROM_HOT: "Removed from the hot network questions",
    HistoryType.CREATED_FROM_WIZARD: "Asked with the question wizard",
}

SUGGESTED_EDIT_RE = re.compile(r"Proposed by (-?\d+)(?: approved by ((?:-?\d+(?:,\s*)?)+))?")
ROLLBACK_RE = re.compile(r"Rollback to \[([0-9a-fA-F-]{36})\]")


@dataclass(frozen=True)
class Voter:
    """Someone who voted for a closure, lock or migration, as the JSON in PostHistory.Text names them."""

    user_id: int | None
    name: str


def voters(text: str | None) -> list[Voter]:
    """The voters of a closure, reopening, lock or migration row; [] when `text` holds none."""
    data = _json(text)
    found = []
    for item in data.get("Voters", []) if isinstance(data, dict) else []:
        if isinstance(item, dict) and item.get("DisplayName"):
            user_id = item.get("Id")
            found.append(
                Voter(user_id if isinstance(user_id, int) else None, str(item["DisplayName"]))
            )
    return found


def original_question_ids(text: str | None) -> list[int]:
    """The questions a duplicate closure points to (`OriginalQuestionIds` in the row's JSON)."""
    data = _json(text)
    ids = data.get("OriginalQuestionIds", []) if isinstance(data, dict) else []
    return [i for i in ids if isinstance(i, int)]


def _json(text: str | None) -> object:
    if not text or not text.startswith("{"):
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return {}


def close_reason_id(comment: str | None) -> int | None:
    try:
        return int(comment or "")
    except ValueError:
        return None


def close_reason(comment: str | None) -> str:
    """The reason of a closure row in words; 'closed' when the dump gave no reason we know."""
    reason = close_reason_id(comment)
    return CLOSE_REASONS.get(reason, "") if reason is not None else ""


def migration_url(comment: str | None) -> str | None:
    """The address in a migration row's comment (`from <url>` or `to <url>`)."""
    if not comment:
        return None
    _, _, url = comment.partition(" ")
    url = url.strip()
    return url if url.startswith(("http://", "https://")) else None


def url_host(url: str | None) -> str:
    return urlsplit(url).hostname or "" if url else ""


def parse_tags(text: str | None) -> list[str]:
    """Tags as a history row writes them: `<a><b>`, `|a|b|` (newer dumps) or `a b`."""
    if not text:
        return []
    if text.startswith("<"):
        return re.findall(r"<([^<>]+)>", text)
    if text.startswith("|"):
        return [t for t in text.split("|") if t]
    return text.split()


# The current state of a post, from its notice events in date order.


@dataclass
class Closure:
    """Why and when a question was closed, and by whom."""

    date: datetime
    reason_id: int | None = None
    reason: str = ""
    voters: list[Voter] = field(default_factory=list)
    original_ids: list[int] = field(default_factory=list)

    @property
    def is_duplicate(self) -> bool:
        return self.reason_id in DUPLICATE_REASONS or bool(self.original_ids)


@dataclass
class StateEvent:
    """A lock, protection or migration still in effect."""

    date: datetime
    voters: list[Voter] = field(default_factory=list)
    url: str | None = None

    @property
    def host(self) -> str:
        return url_host(self.url)


@dataclass
class PostState:
    """The notices a post carries, from its history: open/closed, locked, protected, migrated
    here or away, merged into another question."""

    closure: Closure | None = None
    lock: StateEvent | None = None
    protection: StateEvent | None = None
    migrated_from: StateEvent | None = None
    migrated_to: StateEvent | None = None
    merged_into: StateEvent | None = None


def post_states(rows: list[PostHistory]) -> dict[int, PostState]:
    """Replay the notice events of each post, oldest first, into the state they leave."""
    states: dict[int, PostState] = {}
    for row in sorted(rows, key=lambda r: (r.creation_date, r.id)):
        state = states.setdefault(row.post_id, PostState())
        kind = row.history_type
        if kind == HistoryType.CLOSED:
            reason_id = close_reason_id(row.comment)
            state.closure = Closure(
                date=row.creation_date,
                reason_id=reason_id,
                reason=close_reason(row.comment),
                voters=voters(row.text) or _actor(row),
                original_ids=original_question_ids(row.text),
            )
        elif kind == HistoryType.REOPENED:
            state.closure = None
        elif kind == HistoryType.LOCKED:
            state.lock = StateEvent(row.creation_date, voters(row.text) or _actor(row))
        elif kind == HistoryType.UNLOCKED:
            state.lock = None
        elif kind == HistoryType.PROTECTED:
            state.protection = StateEvent(row.creation_date, voters(row.text) or _actor(row))
        elif kind == HistoryType.UNPROTECTED:
            state.protection = None
        elif kind in (HistoryType.MIGRATED, HistoryType.MIGRATED_HERE, HistoryType.MIGRATED_AWAY):
            url = migration_url(row.comment)
            if url and (row.comment or "").startswith("from"):
                state.migrated_from = StateEvent(row.creation_date, url=url)
            elif url and (row.comment or "").startswith("to"):
                state.migrated_to = StateEvent(row.creation_date, voters(row.text), url=url)
        elif kind == HistoryType.MERGE_SOURCE:
            url = migration_url(row.comment)
            if url:
                state.merged_into = StateEvent(row.creation_date, url=url)
    return states


def _actor(row: PostHistory) -> list[Voter]:
    if row.user_id is not None and row.user is not None:
        return [Voter(row.user_id, row.user.display_name)]
    if row.user_display_name:
        return [Voter(None, row.user_display_name)]
    return []


# Revisions: the rows of one action grouped, each content revision numbered, as the revisions
# page lists them.


@dataclass
class Change:
    """A new value of the title, body or tags; `old` is None for the first known value."""

    old: str | None
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class Event:
    """A history row that is not a content change (closed, locked, migrated...)."""

    history_type: int
    label: str
    detail: str = ""
    voters: list[Voter] = field(default_factory=list)
    url: str | None = None
    original_ids: list[int] = field(default_factory=list)


@dataclass
class Revision:
    """One action on a post: a numbered content revision, or events without a number."""

    date: datetime
    user: SiteUser | None
    user_display_name: str | None
    guid: str | None = None
    number: int | None = None
    kind: str = "event"  # initial, edit, rollback or event
    summary: str = ""
    title: Change | None = None
    body: Change | None = None
    tags: Change | None = None
    events: list[Event] = field(default_factory=list)
    suggested_by: int | None = None
    approved_by: list[int] = field(default_factory=list)
    rollback_guid: str | None = None
    rollback_to: int | None = None

    @property
    def author_name(self) -> str:
        if self.user is not None:
            return self.user.display_name
        return self.user_display_name or "anonymous"


def suggested_edit_users(comment: str | None) -> tuple[int | None, list[int]]:
    """Who proposed and who approved a suggested edit (`Proposed by 20 approved by 2, 39 ...`)."""
    match = SUGGESTED_EDIT_RE.search(comment or "")
    if not match:
        return None, []
    approvers = [int(i) for i in re.findall(r"-?\d+", match.group(2) or "")]
    return int(match.group(1)), approvers


def build_revisions(rows: list[PostHistory]) -> list[Revision]:
    """Group history rows into actions, oldest first, numbering the content revisions from 1."""
    groups: dict[object, list[PostHistory]] = {}
    for row in sorted(rows, key=lambda r: (r.creation_date, r.id)):
        key = row.revision_guid or (row.creation_date, row.user_id, row.user_display_name)
        groups.setdefault(key, []).append(row)
    revisions: list[Revision] = []
    numbers_by_guid: dict[str, int] = {}
    current_title: str | None = None
    current_body: str | None = None
    current_tags: str | None = None
    number = 0
    for group in groups.values():
        first = group[0]
        revision = Revision(
            date=first.creation_date,
            user=first.user if first.user_id is not None else None,
            user_display_name=first.user_display_name,
            guid=first.revision_guid,
        )
        for row in group:
            kind = row.history_type
            if kind in TITLE_TYPES:
                revision.title = Change(current_title, row.text or "")
                current_title = row.text or ""
            elif kind in BODY_TYPES:
                revision.body = Change(current_body, row.text or "")
                current_body = row.text or ""
            elif kind in TAG_TYPES:
                new_tags = " ".join(parse_tags(row.text))
                revision.tags = Change(current_tags, new_tags)
                current_tags = new_tags
            elif kind == HistoryType.SUGGESTED_EDIT_APPLIED:
                revision.suggested_by, revision.approved_by = suggested_edit_users(row.comment)
                continue
            else:
                revision.events.append(_event(row))
                continue
            if kind in CONTENT_TYPES and row.comment and not revision.summary:
                revision.summary = row.comment
            if kind in ROLLBACK_TYPES:
                revision.kind = "rollback"
                match = ROLLBACK_RE.search(row.comment or "")
                revision.rollback_guid = match.group(1) if match else revision.rollback_guid
            elif kind in INITIAL_TYPES:
                if revision.kind == "event":
                    revision.kind = "initial"
            elif revision.kind != "rollback":
                revision.kind = "edit"
            if revision.user is None and row.user_id is not None:
                revision.user = row.user
                revision.user_display_name = row.user_display_name
        if revision.kind != "event":
            number += 1
            revision.number = number
            if revision.guid:
                numbers_by_guid[revision.guid] = number
            if revision.rollback_guid:
                revision.rollback_to = numbers_by_guid.get(revision.rollback_guid)
        if revision.kind == "rollback" and revision.summary.startswith("Rollback to ["):
            revision.summary = ""
        revisions.append(revision)
    return revisions


def _event(row: PostHistory) -> Event:
    kind = row.history_type
    label = EVENT_LABELS.get(kind, f"History event {kind}")
    event = Event(history_type=kind, label=label, voters=voters(row.text))
    if kind == HistoryType.CLOSED:
        reason = close_reason(row.comment)
        event.original_ids = original_question_ids(row.text)
        event.detail = f"as {reason}" if reason else ""
    elif kind in (
        HistoryType.MIGRATED,
        HistoryType.MIGRATED_AWAY,
        HistoryType.MIGRATED_HERE,
        HistoryType.MERGE_SOURCE,
        HistoryType.MERGE_DESTINATION,
    ):
        event.url = migration_url(row.comment)
        event.detail = row.comment or ""
    elif kind == HistoryType.TWEETED:
        event.url = row.comment if (row.comment or "").startswith("http") else None
    elif kind in (HistoryType.DELETED, HistoryType.UNDELETED) and row.comment:
        event.detail = row.comment
    return event
