"""What real dumps contain must not break the import: three generations, two tag forms, LF or
CRLF, no PostHistory.xml, canary posts, dangling references, archives."""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import py7zr
import pytest
from django.db import connections

from pnyx.dumps.importer import ImportReport, ImportRequest, import_dump
from pnyx.dumps.progress import LogReporter, Reporter
from pnyx.posts.models import (
    Comment,
    DumpImport,
    Post,
    PostHistory,
    PostLink,
    PostTag,
    PostType,
    SiteUser,
    Tag,
    Vote,
)
from pnyx.sites.context import activated
from pnyx.sites.services import delete_site

from .conftest import MINIMAL_COMMENTS, MINIMAL_POSTS

ORIGIN = "https://tiny.stackexchange.com"


@pytest.fixture
def load(make_dump: Callable[..., Path]) -> Any:
    """Import a small dump (a folder made by `make_dump`, or a path) into a fresh site."""
    sites: list[Any] = []

    def factory(
        files: dict[str, list[str]] | None = None,
        path: Path | None = None,
        eol: str = "\r\n",
        jobs: int | None = None,
        reporter: Reporter | None = None,
    ) -> ImportReport:
        report = import_dump(
            ImportRequest(
                path or make_dump(files, eol=eol),
                site_name=f"s{uuid.uuid4().hex[:8]}",
                origins=[ORIGIN],
                jobs=jobs,
            ),
            reporter,
        )
        sites.append(report.site)
        return report

    yield factory
    for site in sites:
        delete_site(site)


def test_the_2016_column_set(load: Any) -> None:
    users = [
        'Id="-1" Reputation="1" CreationDate="2014-01-21T17:45:53.587" DisplayName="Community" '
        'LastAccessDate="2014-01-21T17:45:53.587" Views="0" UpVotes="5" DownVotes="9" '
        'ProfileImageUrl="https://i.example/c.png" Age="33" AccountId="-1"',
        'Id="5" Reputation="101" CreationDate="2014-01-21T18:00:00.000" DisplayName="Ann Asker" '
        'LastAccessDate="2014-02-01T10:00:00.000" Views="3" UpVotes="1" DownVotes="0" AccountId="77"',
        'Id="6" Reputation="55" CreationDate="2014-01-21T18:30:00.000" DisplayName="Bo" '
        'LastAccessDate="2014-02-01T10:00:00.000" Views="1" UpVotes="2" DownVotes="0"',
    ]
    report = load({"Users.xml": users})
    with activated(report.site):
        community = SiteUser.objects.get(pk=-1)
        assert (community.age, community.profile_image_url) == (33, "https://i.example/c.png")
        assert SiteUser.objects.get(pk=6).account_id is None
        question = Post.objects.get(pk=1)
        assert question.content_license == "CC BY-SA 3.0"
        assert question.tag_list == ["stout", "colour"]
        assert set(PostTag.objects.values_list("tag__name", flat=True)) == {"stout", "colour"}
        # Tags.xml is absent: the tags the posts use are created, with their counts.
        assert dict(Tag.objects.values_list("name", "count")) == {"stout": 1, "colour": 1}
    assert report.result.new_tags == 2
    assert "Tags.xml" in report.result.missing_files


def test_the_2018_column_set_with_lf_line_ends(load: Any) -> None:
    users = [
        'Id="5" Reputation="101" CreationDate="2018-01-21T18:00:00.000" DisplayName="Ann Asker" '
        'LastAccessDate="2018-02-01T10:00:00.000" Views="3" UpVotes="1" DownVotes="0" '
        'ProfileImageUrl="https://i.example/a.png" AccountId="77"',
        'Id="6" Reputation="55" CreationDate="2018-01-21T18:30:00.000" DisplayName="Bo Answerer" '
        'LastAccessDate="2018-02-01T10:00:00.000" Views="1" UpVotes="2" DownVotes="0" AccountId="78"',
    ]
    posts = [p.replace("2014-01-2", "2018-06-2") for p in MINIMAL_POSTS]
    report = load({"Users.xml": users, "Posts.xml": posts}, eol="\n")
    with activated(report.site):
        assert SiteUser.objects.get(pk=5).age is None
        assert Post.objects.get(pk=1).content_license == "CC BY-SA 4.0"  # after 2018-05-02
        assert Post.objects.get(pk=2).body_markdown is None  # no PostHistory.xml


def test_the_2023_column_set(load: Any) -> None:
    posts = [p + ' ContentLicense="CC BY-SA 2.5"' for p in MINIMAL_POSTS]
    comments = [c + ' ContentLicense="CC BY-SA 4.0"' for c in MINIMAL_COMMENTS]
    tags = [
        'Id="1" TagName="stout" Count="1" IsModeratorOnly="True" IsRequired="False"',
        'Id="2" TagName="colour" Count="1"',
    ]
    history = [
        'Id="1" PostHistoryTypeId="2" PostId="1" RevisionGUID="a17002a0-00b0-417b-a404-0d8864bbbca5" '
        'CreationDate="2014-01-21T20:00:00.000" UserId="5" Text="Why is *stout* dark?" '
        'ContentLicense="CC BY-SA 3.0"',
    ]
    report = load(
        {"Posts.xml": posts, "Comments.xml": comments, "Tags.xml": tags, "PostHistory.xml": history}
    )
    with activated(report.site):
        assert Post.objects.get(pk=1).content_license == "CC BY-SA 2.5"  # the dump's word wins
        assert Comment.objects.get(pk=10).content_license == "CC BY-SA 4.0"
        stout = Tag.objects.get(name="stout")
        assert (stout.is_moderator_only, stout.is_required) == (True, False)
        assert Tag.objects.get(name="colour").is_moderator_only is None
        assert PostHistory.objects.get(pk=1).content_license == "CC BY-SA 3.0"
        assert Post.objects.get(pk=1).body_markdown == "Why is *stout* dark?"
        assert DumpImport.objects.get().derived == {}


def test_pipe_separated_tags(load: Any) -> None:
    posts = [MINIMAL_POSTS[0].replace("&lt;stout&gt;&lt;colour&gt;", "|stout|colour|")]
    report = load({"Posts.xml": posts, "Comments.xml": []})
    with activated(report.site):
        assert Post.objects.get(pk=1).tag_list == ["stout", "colour"]
        assert PostTag.objects.count() == 2
    assert report.result.tag_form == "pipe"


def test_a_dump_without_post_history_stays_readable(load: Any, client: Any) -> None:
    report = load()
    with activated(report.site):
        question = Post.objects.get(pk=1)
        assert question.body_markdown is None
        assert question.body_html == "<p>Why is stout dark?</p>\n"
        answer = Post.objects.get(pk=2)
        # The link to the dump's own origin became local.
        assert f'href="/{report.site.name}/questions/1/x"' in answer.body_html
    assert "PostHistory.xml" in report.result.missing_files
    response = client.get(f"/{report.site.name}/questions/1/why-is-stout-so-dark-in-colour")
    assert response.status_code == 200
    assert "Why is stout dark?" in response.content.decode()


def test_comment_markup_and_replies(load: Any) -> None:
    report = load()
    with activated(report.site):
        assert Comment.objects.get(pk=10).text_html == "Good question, <strong>really</strong>."
        reply = Comment.objects.get(pk=11).text_html
        assert reply.startswith(f'<a class="mention" href="/{report.site.name}/users/5/ann-asker"')


@pytest.mark.parametrize("jobs", [1, 2], ids=["one-process", "lanes"])
def test_replies_know_earlier_replies_and_hang_on_missing_posts(load: Any, jobs: int) -> None:
    """A reply's earlier commenters include those who replied themselves (on PostgreSQL the
    lanes keep comments with an `@` apart until their replies are rendered), and a reply
    on a post the dump lacks is kept and counted like any comment."""
    comments = [
        *MINIMAL_COMMENTS,  # 11: Bo Answerer replies to @Ann
        'Id="13" PostId="1" Score="0" Text="@BoAns you are right" '
        'CreationDate="2014-01-22T11:00:00.000" UserId="5"',
        'Id="14" PostId="999" Score="0" Text="@Ann on a deleted post" '
        'CreationDate="2014-01-22T12:00:00.000" UserId="6"',
    ]
    report = load({"Comments.xml": comments}, jobs=jobs)
    name = report.site.name
    with activated(report.site):
        html = dict(Comment.objects.values_list("id", "text_html"))
    assert sorted(html) == [10, 11, 13, 14]
    assert html[10] == "Good question, <strong>really</strong>."
    assert html[11].startswith(f'<a class="mention" href="/{name}/users/5/ann-asker"')
    assert html[13].startswith(f'<a class="mention" href="/{name}/users/6/bo-answerer"')
    assert html[14] == "@Ann on a deleted post"  # no conversation to find Ann in
    assert report.result.rows["Comments.xml"] == 4
    assert report.result.dangling == {"Comments.xml": 1}
    # The table the replies waited in is gone, as are the rendered replies'.
    connection = connections[report.site.db_alias]
    with activated(report.site), connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "comments" in tables
    assert not [table for table in tables if table.startswith("pnyx_import")]


def test_canary_posts_are_dropped_with_what_hangs_on_them(load: Any) -> None:
    canary = (
        'Id="1000000001" PostTypeId="1" CreationDate="2024-01-01T00:00:00.000" Score="0" '
        'Body="&lt;p&gt;canary&lt;/p&gt;" OwnerUserId="5" LastActivityDate="2024-01-01T00:00:00.000" '
        'Title="A canary question title" Tags="&lt;stout&gt;" AnswerCount="0" CommentCount="1"'
    )
    files = {
        "Posts.xml": [*MINIMAL_POSTS, canary, canary.replace("1000000001", "1000000010")],
        "Comments.xml": [
            *MINIMAL_COMMENTS,
            'Id="12" PostId="1000000001" Score="0" Text="canary comment" '
            'CreationDate="2024-01-01T00:00:00.000" UserId="6"',
        ],
        "Votes.xml": [
            'Id="1" PostId="1" VoteTypeId="2" CreationDate="2014-01-22T00:00:00.000"',
            'Id="2" PostId="1000000010" VoteTypeId="2" CreationDate="2024-01-01T00:00:00.000"',
            'Id="3" PostId="999" VoteTypeId="3" CreationDate="2014-01-22T00:00:00.000"',
        ],
        "PostHistory.xml": [
            'Id="1" PostHistoryTypeId="2" PostId="1000000001" CreationDate="2024-01-01T00:00:00.000" '
            'Text="canary"',
        ],
        "PostLinks.xml": [
            'Id="1" CreationDate="2014-01-22T00:00:00.000" PostId="1" RelatedPostId="1000000010" '
            'LinkTypeId="1"',
            'Id="2" CreationDate="2014-01-22T00:00:00.000" PostId="2" RelatedPostId="1" LinkTypeId="1"',
        ],
    }
    report = load(files)
    with activated(report.site):
        assert sorted(Post.objects.values_list("id", flat=True)) == [1, 2]
        assert sorted(Comment.objects.values_list("id", flat=True)) == [10, 11]
        assert sorted(Vote.objects.values_list("id", flat=True)) == [1, 3]  # 3: dangling, kept
        assert not PostHistory.objects.exists()
        assert list(PostLink.objects.values_list("id", flat=True)) == [2]
        assert not PostTag.objects.filter(post_id__gt=1000).exists()
    assert report.result.skipped == {
        "Posts.xml": 2,
        "Comments.xml": 1,
        "Votes.xml": 1,
        "PostHistory.xml": 1,
        "PostLinks.xml": 1,
    }
    assert report.result.dangling == {"Votes.xml": 1}
    summary = "\n".join(report.summary_lines())
    assert "Votes.xml: 1 row naming posts or users not in the dump (kept)" in summary
    assert "Posts.xml: 2 rows skipped" in summary


def test_post_types_beyond_questions_and_answers(load: Any) -> None:
    extra = [
        'Id="3" PostTypeId="7" CreationDate="2016-05-09T21:28:05.777" Score="0" '
        'Body="&lt;p&gt;&lt;b&gt;Tiny&lt;/b&gt; is a site&lt;/p&gt;" LastActivityDate="2016-05-09T21:28:05.777" CommentCount="0"',
        'Id="4" PostTypeId="6" CreationDate="2016-05-09T21:28:05.777" Score="2" '
        'Body="&lt;p&gt;I nominate myself&lt;/p&gt;" OwnerUserId="6" LastActivityDate="2016-05-09T21:28:05.777" '
        'Title="Moderator nomination" CommentCount="0"',
        'Id="5" PostTypeId="14" CreationDate="2020-05-09T21:28:05.777" Score="0" '
        'Body="&lt;p&gt;News&lt;/p&gt;" LastActivityDate="2020-05-09T21:28:05.777"',
    ]
    report = load({"Posts.xml": [*MINIMAL_POSTS, *extra]})
    with activated(report.site):
        assert dict(Post.objects.values_list("id", "post_type")) == {
            1: PostType.QUESTION,
            2: PostType.ANSWER,
            3: PostType.WIKI_PLACEHOLDER,
            4: PostType.MODERATOR_NOMINATION,
            5: 14,
        }
        assert Post.objects.get(pk=3).body_html == "<p><b>Tiny</b> is a site</p>"


def test_scripts_in_bodies_are_removed(load: Any) -> None:
    posts = [
        MINIMAL_POSTS[0].replace(
            "&lt;p&gt;Why is stout dark?&lt;/p&gt;",
            "&lt;p onclick=&quot;x()&quot;&gt;Why?&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;",
        )
    ]
    report = load({"Posts.xml": posts})
    with activated(report.site):
        assert Post.objects.get(pk=1).body_html == "<p>Why?</p>\n"


@pytest.mark.parametrize("jobs", [1, 2], ids=["one-process", "lanes"])
def test_posts_written_by_their_rendering_helper(load: Any, monkeypatch: Any, jobs: int) -> None:
    """With a helper process sanitising the bodies (a dump over 50 MB; in lanes always), on
    SQLite the helper writes the posts too: each keeps its Markdown, lock and tags."""
    monkeypatch.setattr("pnyx.dumps.importer.helpers_for", lambda *args, **kwargs: 1)
    posts = [
        MINIMAL_POSTS[0].replace("Why is stout dark?", "Why?&lt;script&gt;x()&lt;/script&gt;"),
        MINIMAL_POSTS[1],
    ]
    history = [
        'Id="1" PostHistoryTypeId="2" PostId="1" CreationDate="2014-01-21T20:00:00.000" '
        'UserId="5" Text="Why is *stout* dark?"',
        'Id="2" PostHistoryTypeId="14" PostId="1" CreationDate="2014-02-01T10:00:00.000" '
        'UserId="5" Text="{}"',
    ]
    report = load({"Posts.xml": posts, "PostHistory.xml": history}, jobs=jobs)
    assert report.result.rows["Posts.xml"] == 2
    with activated(report.site):
        question, answer = Post.objects.order_by("id")
        assert question.body_html == "<p>Why?</p>\n"
        assert question.body_markdown == "Why is *stout* dark?"
        assert question.locked_date is not None
        assert f'href="/{report.site.name}/questions/1/x"' in answer.body_html  # made local
        tags = PostTag.objects.filter(post_id=1).values_list("tag__name", flat=True)
        assert sorted(tags) == ["colour", "stout"]


@pytest.mark.parametrize("kind", ["7z", "zip", "zip-in-folder"])
def test_archives(make_dump: Callable[..., Path], tmp_path: Path, load: Any, kind: str) -> None:
    folder = make_dump()
    archive = tmp_path / f"tiny.stackexchange.com.{kind.split('-')[0]}"
    if kind == "7z":
        with py7zr.SevenZipFile(archive, "w") as seven:
            for path in sorted(folder.iterdir()):
                seven.write(path, path.name)
    else:
        prefix = "tiny/" if kind == "zip-in-folder" else ""
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(folder.iterdir()):
                zipped.write(path, prefix + path.name)
    log = io.StringIO()
    report = load(path=archive, reporter=LogReporter(log))
    assert report.result.rows["Posts.xml"] == 2
    assert report.result.rows["Comments.xml"] == 2
    # Extracting a 7-Zip archive can take minutes: it shows as a step (a zip is streamed).
    extracting = [line for line in log.getvalue().splitlines() if line.startswith("extracting")]
    assert len(extracting) == (1 if kind == "7z" else 0)
    assert all(line.startswith("extracting .7z: done in ") for line in extracting)


def test_one_archive_per_table_as_stack_overflow_ships(
    make_dump: Callable[..., Path], tmp_path: Path, load: Any
) -> None:
    folder = make_dump()
    shipped = tmp_path / "so"
    shipped.mkdir()
    for path in sorted(folder.iterdir()):
        with py7zr.SevenZipFile(shipped / f"tiny.stackexchange.com-{path.stem}.7z", "w") as seven:
            seven.write(path, path.name)
    log = io.StringIO()
    report = load(path=shipped, reporter=LogReporter(log))
    assert report.result.rows == {"Users.xml": 3, "Posts.xml": 2, "Comments.xml": 2}
    assert log.getvalue().count("extracting .7z: done in ") == 1  # one step for them all
