"""The real beer.stackexchange.com dump, imported once per test process (the `beer` fixture)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connections

from pnyx.dumps.convert import split_tags
from pnyx.posts.models import (
    Badge,
    Comment,
    DumpImport,
    HistoryType,
    LinkType,
    Post,
    PostHistory,
    PostLink,
    PostTag,
    PostType,
    SiteUser,
    Tag,
    Vote,
)
from pnyx.sites import registry
from pnyx.sites.context import activated

from .conftest import xml_rows

MODELS = {
    "Users.xml": SiteUser,
    "Posts.xml": Post,
    "Comments.xml": Comment,
    "Votes.xml": Vote,
    "PostHistory.xml": PostHistory,
    "PostLinks.xml": PostLink,
    "Tags.xml": Tag,
    "Badges.xml": Badge,
}


@pytest.fixture
def on_beer(beer):  # type: ignore[no-untyped-def]
    with activated(beer):
        yield beer


@pytest.mark.parametrize("file", sorted(MODELS))
def test_every_row_of_every_file_is_imported(on_beer, beer_files: Path, file: str) -> None:  # type: ignore[no-untyped-def]
    """Beer has no canary posts, so nothing is skipped: each table holds its file's rows."""
    rows = list(xml_rows(beer_files / file))
    model = MODELS[file]
    assert model.objects.count() == len(rows)
    ids = {int(row["Id"]) for row in rows}
    assert set(model.objects.values_list("id", flat=True)) == ids


def test_post_tags_index_every_tag_of_every_post(on_beer, beer_files: Path) -> None:  # type: ignore[no-untyped-def]
    expected = set()
    for row in xml_rows(beer_files / "Posts.xml"):
        if "Tags" in row:
            names, _ = split_tags(row["Tags"])
            expected |= {(int(row["Id"]), name) for name in names}
    stored = set(PostTag.objects.values_list("post_id", "tag__name"))
    assert stored == expected
    assert len(expected) > 1000


def _utc(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_every_date_is_the_files_to_the_millisecond_in_utc(on_beer, beer_files: Path) -> None:  # type: ignore[no-untyped-def]
    """Dates travel to PostgreSQL in binary (as UTC microseconds): none may shift or round."""
    posts = {
        int(row["Id"]): (_utc(row["CreationDate"]), _utc(row.get("ClosedDate")))
        for row in xml_rows(beer_files / "Posts.xml")
    }
    assert (
        dict(
            (pk, (created, closed))
            for pk, created, closed in Post.objects.values_list(
                "id", "creation_date", "closed_date"
            )
        )
        == posts
    )
    votes = {
        int(row["Id"]): _utc(row["CreationDate"]) for row in xml_rows(beer_files / "Votes.xml")
    }
    assert dict(Vote.objects.values_list("id", "creation_date")) == votes
    history = {
        int(row["Id"]): _utc(row["CreationDate"])
        for row in xml_rows(beer_files / "PostHistory.xml")
    }
    assert dict(PostHistory.objects.values_list("id", "creation_date")) == history


def test_a_thread_reads_like_the_original(on_beer) -> None:  # type: ignore[no-untyped-def]
    question = Post.objects.select_related("owner").get(pk=1)
    assert question.title == "What is a citra hop, and how does it differ from other hops?"
    assert question.post_type == PostType.QUESTION
    assert question.tag_list == ["hops"]
    assert question.accepted_answer_id == 4
    assert question.creation_date == datetime(2014, 1, 21, 20, 26, 5, 383000, tzinfo=UTC)
    assert question.view_count == 698 and question.score == 17
    assert question.owner is not None and question.owner.id == 7
    assert question.body_html.startswith("<p>I was offered a beer the other day")
    assert question.content_license == "CC BY-SA 3.0"  # 2014, and the 2016 dump names none
    answers = Post.objects.filter(parent_id=1)
    assert [a.id for a in answers] == [4]
    assert answers[0].score == 12


def test_a_duplicate_closure_is_kept_with_its_link(on_beer) -> None:  # type: ignore[no-untyped-def]
    """Post 29 was closed as a duplicate of 25: the closed date, the link and the close event."""
    duplicate = Post.objects.get(pk=29)
    assert duplicate.closed_date is not None
    link = PostLink.objects.get(post_id=29, link_type=LinkType.DUPLICATE)
    assert link.related_post_id == 25
    closure = PostHistory.objects.get(post_id=29, history_type=HistoryType.CLOSED)
    assert closure.comment == "101"
    assert json.loads(closure.text or "")["OriginalQuestionIds"] == [25]


def test_a_tag_has_its_wiki_and_excerpt(on_beer) -> None:  # type: ignore[no-untyped-def]
    saison = Tag.objects.get(name="saison")
    assert (saison.count, saison.excerpt_post_id, saison.wiki_post_id) == (3, 424, 423)
    excerpt = Post.objects.get(pk=424)
    wiki = Post.objects.get(pk=423)
    assert excerpt.post_type == PostType.TAG_WIKI_EXCERPT
    assert wiki.post_type == PostType.TAG_WIKI
    assert wiki.body_html.startswith('<p>Saison (French, "season") is a broadly defined pale ale')
    assert wiki.body_markdown and wiki.body_markdown.startswith("Saison (French")
    assert excerpt.body_html


def test_a_deleted_author_keeps_the_name_the_dump_gives(on_beer) -> None:  # type: ignore[no-untyped-def]
    wiki = Post.objects.get(pk=423)
    assert wiki.owner_id is None
    assert wiki.owner_display_name == "user150"
    assert wiki.author_name == "user150"
    comment = Comment.objects.get(pk=446)
    assert comment.user_id is None and comment.author_name == "user150"


def test_revisions_keep_their_markdown_and_the_post_its_latest(on_beer, beer_files: Path) -> None:  # type: ignore[no-untyped-def]
    """Post 1's body was edited: every revision's Markdown is kept, the post has the latest."""
    revisions = [
        row
        for row in xml_rows(beer_files / "PostHistory.xml")
        if row["PostId"] == "1" and row["PostHistoryTypeId"] in {"2", "5", "8"}
    ]
    assert len(revisions) >= 2
    stored = list(
        PostHistory.objects.filter(post_id=1, history_type__in=[2, 5, 8]).order_by(
            "creation_date", "id"
        )
    )
    assert [h.text for h in stored] == [row["Text"] for row in revisions]
    assert Post.objects.get(pk=1).body_markdown == revisions[-1]["Text"]
    assert not Post.objects.filter(body_markdown__isnull=True).exists()


def test_every_post_has_its_latest_revision_and_lock(on_beer, beer_files: Path) -> None:  # type: ignore[no-untyped-def]
    """Each post's Markdown is its latest body revision, and its lock date the latest lock
    not lifted since, as worked out here from the file."""
    body: dict[int, tuple[str, int, str]] = {}
    lock: dict[int, tuple[str, int, str]] = {}
    for row in xml_rows(beer_files / "PostHistory.xml"):
        post, kind = int(row["PostId"]), row["PostHistoryTypeId"]
        when = (row["CreationDate"], int(row["Id"]))
        found = body if kind in {"2", "5", "8"} and "Text" in row else None
        found = lock if kind in {"14", "15"} else found
        if found is not None and (post not in found or when > found[post][:2]):
            found[post] = (*when, row["Text"] if found is body else kind)
    expected = {
        post_id: (
            body[post_id][2] if post_id in body else None,
            lock[post_id][0] if post_id in lock and lock[post_id][2] == "14" else None,
        )
        for post_id in Post.objects.values_list("id", flat=True)
    }
    assert sum(1 for _, locked in expected.values() if locked) == 2
    stored = {
        post_id: (markdown, locked and locked.strftime("%Y-%m-%dT%H:%M:%S.%f")[:23])
        for post_id, markdown, locked in Post.objects.values_list(
            "id", "body_markdown", "locked_date"
        )
    }
    assert stored == expected


def test_links_to_the_original_site_become_local(on_beer) -> None:  # type: ignore[no-untyped-def]
    local = Post.objects.filter(body_html__contains='href="/beer/questions/')
    assert local.exists()
    assert not Post.objects.filter(
        body_html__contains='href="https://beer.stackexchange.com/q'
    ).exists()


def test_comment_replies_link_to_the_user_replied_to(on_beer) -> None:  # type: ignore[no-untyped-def]
    reply = Comment.objects.filter(text__startswith="@MonicaCellio").first()
    assert reply is not None
    assert '<a class="mention" href="/beer/users/43/monica-cellio"' in reply.text_html
    assert Comment.objects.filter(text_html__contains='class="mention"').count() > 100


def test_votes_on_deleted_posts_are_kept_and_counted(on_beer) -> None:  # type: ignore[no-untyped-def]
    record = DumpImport.objects.get()
    assert record.counts["dangling"] == {"Votes.xml": 802, "PostLinks.xml": 1}
    assert record.counts["skipped"] == {}
    assert record.tag_form == "angle"
    assert record.derived["Posts.xml"] == ["ContentLicense"]
    post_ids = set(Post.objects.values_list("id", flat=True))
    dangling = [v for v in Vote.objects.values_list("post_id", flat=True) if v not in post_ids]
    assert len(dangling) == 802


def test_the_question_page_of_an_imported_question_renders(beer, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        "/beer/questions/1/what-is-a-citra-hop-and-how-does-it-differ-from-other-hops"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "What is a citra hop" in page
    assert "I was offered a beer the other day" in page


def test_long_bodies_are_stored_the_fast_way(on_beer) -> None:  # type: ignore[no-untyped-def]
    """SQLite: 16 KB pages, so a post fits a page; PostgreSQL: long texts compressed with lz4."""
    registry.ensure_connection(on_beer)
    connection = connections[on_beer.db_alias]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA page_size")
            assert cursor.fetchone()[0] == 16384
        else:
            # lz4 where the server was built with it (PostgreSQL 14+), else its default.
            cursor.execute(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
                " WHERE name = 'default_toast_compression'"
            )
            has_lz4 = bool(cursor.fetchone()[0])
            cursor.execute(
                "SELECT DISTINCT pg_column_compression(body_html) FROM posts"
                " WHERE length(body_html) > 4000"
            )
            assert [row[0] for row in cursor.fetchall()] == ["lz4" if has_lz4 else "pglz"]
