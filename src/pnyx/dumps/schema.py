"""The dump's eight files, their attributes and the columns they land in.

One `Field` per attribute, in the order Stack Exchange writes them (see
`../shared/docs/se-dump-schema.md`); the importer converts with it and the exporter writes with
it, so the two cannot drift apart. `kind` says how a value is read and written:

- `smallint`, `int` and `bigint`: integers in ASCII digits that fit PostgreSQL's 16-, 32- and
  64-bit columns (an id one less at the top, so its sequence can move past it);
- `str`: text, at most `max_length` characters when the column is limited;
- `date`: `YYYY-MM-DDTHH:MM:SS.fff`, UTC without a zone;
- `bool`: `True` / `False`;
- `html`: rendered HTML (Posts.Body), sanitised on the way in;
- `tags`: `<a><b>` or `|a|b|` (Posts.Tags), stored as `a b`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pnyx.posts.licenses import OLDEST_VERSION, VERSION_STARTS

CANARY_POST_IDS = frozenset({1000000001, 1000000010})
"""Fabricated posts recent dumps carry to trace copies; dropped with everything that hangs on them."""


@dataclass(frozen=True)
class Field:
    attr: str
    column: str
    kind: str = "int"
    required: bool = False
    max_length: int | None = None
    default: object = None


@dataclass(frozen=True)
class Table:
    file: str
    root: str
    db_table: str
    fields: tuple[Field, ...]

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.fields]


USERS = Table(
    "Users.xml",
    "users",
    "users",
    (
        Field("Id", "id", required=True),
        Field("Reputation", "reputation", default=1),
        Field("CreationDate", "creation_date", "date", required=True),
        Field("DisplayName", "display_name", "str", max_length=100, default=""),
        Field("LastAccessDate", "last_access_date", "date"),
        Field("WebsiteUrl", "website_url", "str"),
        Field("Location", "location", "str"),
        Field("AboutMe", "about_me", "str"),
        Field("Views", "views", default=0),
        Field("UpVotes", "up_votes", default=0),
        Field("DownVotes", "down_votes", default=0),
        Field("ProfileImageUrl", "profile_image_url", "str"),
        Field("Age", "age"),
        Field("AccountId", "account_id"),
    ),
)

TAGS = Table(
    "Tags.xml",
    "tags",
    "tags",
    (
        Field("Id", "id", required=True),
        Field("TagName", "name", "str", required=True, max_length=35),
        Field("Count", "count", default=0),
        Field("ExcerptPostId", "excerpt_post_id"),
        Field("WikiPostId", "wiki_post_id"),
        Field("IsModeratorOnly", "is_moderator_only", "bool"),
        Field("IsRequired", "is_required", "bool"),
    ),
)

POSTS = Table(
    "Posts.xml",
    "posts",
    "posts",
    (
        Field("Id", "id", required=True),
        Field("PostTypeId", "post_type", "smallint", required=True),
        Field("AcceptedAnswerId", "accepted_answer_id"),
        Field("ParentId", "parent_id"),
        Field("CreationDate", "creation_date", "date", required=True),
        Field("Score", "score", default=0),
        Field("ViewCount", "view_count"),
        Field("Body", "body_html", "html", default=""),
        Field("OwnerUserId", "owner_id"),
        Field("OwnerDisplayName", "owner_display_name", "str", max_length=100),
        Field("LastEditorUserId", "last_editor_id"),
        Field("LastEditorDisplayName", "last_editor_display_name", "str", max_length=100),
        Field("LastEditDate", "last_edit_date", "date"),
        Field("LastActivityDate", "last_activity_date", "date"),
        Field("Title", "title", "str", max_length=300),
        Field("Tags", "tags", "tags", default=""),
        Field("AnswerCount", "answer_count"),
        Field("CommentCount", "comment_count", default=0),
        Field("FavoriteCount", "favorite_count"),
        Field("ClosedDate", "closed_date", "date"),
        Field("CommunityOwnedDate", "community_owned_date", "date"),
        Field("ContentLicense", "content_license", "str", max_length=20),
    ),
)

POST_HISTORY = Table(
    "PostHistory.xml",
    "posthistory",
    "post_history",
    (
        Field("Id", "id", "bigint", required=True),
        Field("PostHistoryTypeId", "history_type", "smallint", required=True),
        Field("PostId", "post_id", required=True),
        Field("RevisionGUID", "revision_guid", "str", max_length=36),
        Field("CreationDate", "creation_date", "date", required=True),
        Field("UserId", "user_id"),
        Field("UserDisplayName", "user_display_name", "str", max_length=100),
        Field("Comment", "comment", "str"),
        Field("Text", "text", "str"),
        Field("ContentLicense", "content_license", "str", max_length=20),
    ),
)

COMMENTS = Table(
    "Comments.xml",
    "comments",
    "comments",
    (
        Field("Id", "id", "bigint", required=True),
        Field("PostId", "post_id", required=True),
        Field("Score", "score", default=0),
        Field("Text", "text", "str", default=""),
        Field("CreationDate", "creation_date", "date", required=True),
        Field("UserDisplayName", "user_display_name", "str", max_length=100),
        Field("UserId", "user_id"),
        Field("ContentLicense", "content_license", "str", max_length=20),
    ),
)

VOTES = Table(
    "Votes.xml",
    "votes",
    "votes",
    (
        Field("Id", "id", "bigint", required=True),
        Field("PostId", "post_id", required=True),
        Field("VoteTypeId", "vote_type", "smallint", required=True),
        Field("UserId", "user_id"),
        Field("CreationDate", "creation_date", "date", required=True),
        Field("BountyAmount", "bounty_amount"),
    ),
)

POST_LINKS = Table(
    "PostLinks.xml",
    "postlinks",
    "post_links",
    (
        Field("Id", "id", "bigint", required=True),
        Field("CreationDate", "creation_date", "date", required=True),
        Field("PostId", "post_id", required=True),
        Field("RelatedPostId", "related_post_id", required=True),
        Field("LinkTypeId", "link_type", "smallint", required=True),
    ),
)

BADGES = Table(
    "Badges.xml",
    "badges",
    "badges",
    (
        Field("Id", "id", "bigint", required=True),
        Field("UserId", "user_id", required=True),
        Field("Name", "name", "str", required=True, max_length=50),
        Field("Date", "date", "date", required=True),
        Field("Class", "badge_class", "smallint", required=True),
        Field("TagBased", "tag_based", "bool", default=False),
    ),
)

# The order of import: users and tags before the posts that name them, posts before the rows
# that hang on posts.
TABLES = (USERS, TAGS, POSTS, POST_HISTORY, COMMENTS, VOTES, POST_LINKS, BADGES)
TABLE_BY_FILE = {table.file: table for table in TABLES}

# Dump attributes Pnyx fills in itself when a dump lacks them (older dumps name no licence).
DERIVABLE = {
    "Posts.xml": "ContentLicense",
    "Comments.xml": "ContentLicense",
    "PostHistory.xml": "ContentLicense",
}

# The first day each CC BY-SA version applied to new or edited content (schema doc §10.7), as
# `pnyx.posts.licenses` dates them, in the dump's text form for comparing with ISO dates.
LICENSE_STARTS = tuple(
    (start.date().isoformat(), f"CC BY-SA {version}") for start, version in VERSION_STARTS
)
OLDEST_LICENSE = f"CC BY-SA {OLDEST_VERSION}"


LICENSE_START_MOMENTS = tuple((datetime.fromisoformat(day), name) for day, name in LICENSE_STARTS)


def license_for_date(date: str | datetime) -> str:
    """The licence of content created or last edited at `date` (ISO text or datetime, UTC)."""
    # A plain loop: called for every post, revision and comment of a dump that names no
    # licence, where a generator cost nearly four times as much (0.55 µs against 0.15 µs).
    if isinstance(date, datetime):
        for moment, name in LICENSE_START_MOMENTS:
            if date >= moment:
                return name
    else:
        for day, name in LICENSE_STARTS:
            if date >= day:
                return name
    return OLDEST_LICENSE
