"""The revisions page: every edit with a diff, the editor and summary, and the events between."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from tests import factories

from pnyx.posts.models import HistoryType, Post, PostHistory, PostType, Tag

START = datetime(2014, 1, 21, 12, 0, tzinfo=UTC)
BODY = "Is it true that ale keeps longer than lager?\n\nI have read so in a <script> book."


def _row(post, kind, guid, hours, user=None, text=None, comment=None):  # type: ignore[no-untyped-def]
    return PostHistory(
        history_type=kind,
        post=post,
        revision_guid=guid,
        creation_date=START + timedelta(hours=hours),
        user=user,
        text=text,
        comment=comment,
    )


@pytest.fixture
def edited(site):  # type: ignore[no-untyped-def]
    asker = factories.create_user("Ada Asker", at=START)
    editor = factories.create_user("Eddie Editor", at=START)
    approver = factories.create_user("Annie Approver", at=START)
    question = factories.ask_question(
        asker, "Does ale keep longer than lager?", BODY, ["ale", "storage"], at=START
    )
    original_guid = PostHistory.objects.get(post=question, history_type=2).revision_guid
    edit_body = BODY.replace("keeps longer", "keeps much longer") + "\n\nA new closing line."
    voters = json.dumps({"Voters": [{"Id": editor.id, "DisplayName": "Eddie Editor"}]})
    PostHistory.objects.bulk_create(
        [
            _row(
                question, HistoryType.EDIT_BODY, "g-2", 1, editor, edit_body, "clarified the claim"
            ),
            _row(
                question,
                HistoryType.EDIT_TITLE,
                "g-2",
                1,
                editor,
                "Does ale really keep longer than lager?",
                "clarified the claim",
            ),
            _row(
                question,
                HistoryType.SUGGESTED_EDIT_APPLIED,
                "g-2",
                1,
                comment=f"Proposed by {editor.id} approved by {approver.id} edit id of 7",
            ),
            _row(
                question, HistoryType.EDIT_TAGS, "g-3", 2, asker, "<ale><shelf-life>", "better tag"
            ),
            _row(
                question,
                HistoryType.ROLLBACK_BODY,
                "g-4",
                3,
                asker,
                BODY,
                f"Rollback to [{original_guid}]",
            ),
            _row(question, HistoryType.CLOSED, "g-5", 4, editor, voters, "105"),
            _row(question, HistoryType.REOPENED, "g-6", 5, editor, voters),
            _row(question, HistoryType.LOCKED, "g-7", 6, editor, voters),
            _row(
                question,
                HistoryType.MIGRATED_HERE,
                "g-8",
                7,
                comment="from https://cooking.stackexchange.com/questions/1/ale",
            ),
            _row(question, HistoryType.COMMUNITY_OWNED, "g-9", 8, editor),
        ]
    )
    Post.objects.filter(pk=question.pk).update(
        last_edit_date=START + timedelta(hours=3), last_editor_id=asker.id
    )
    return site, question


def _page(client, site, post_id: int, query: str = "") -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"{site.url_prefix}/posts/{post_id}/revisions{query}")
    assert response.status_code == 200
    return response.content.decode()


def _revision(html: str, number: int) -> str:
    start = html.index(f'id="rev{number}"')
    end = html.find('<li class="revision', start + 1)
    return html[start : end if end != -1 else None]


def test_every_revision_is_listed_newest_first_with_editor_and_summary(client, edited) -> None:  # type: ignore[no-untyped-def]
    site, question = edited
    html = _page(client, site, question.id)
    numbers = [int(n) for n in re.findall(r'id="rev(\d+)"', html)]
    assert numbers == [4, 3, 2, 1]
    assert "4 revisions" in html
    first = _revision(html, 1)
    assert "Revision 1: original" in first and "Ada Asker" in first
    assert "I have read so in a &lt;script&gt; book." in first and "<script>" not in html
    second = _revision(html, 2)
    assert "Eddie Editor" in second and "clarified the claim" in second
    assert "suggested edit, approved by" in second and "Annie Approver" in second
    assert "keeps <ins>much </ins>longer" in second
    assert (
        "<ins>\n\nA new closing line.</ins>" in second or "<ins>A new closing line.</ins>" in second
    )
    assert "Does ale<ins> really</ins> keep longer than lager?" in second
    third = _revision(html, 3)
    assert (
        '<ins class="tag">shelf-life</ins>' in third and '<del class="tag">storage</del>' in third
    )
    fourth = _revision(html, 4)
    assert 'Rolled back to <a href="#rev1">revision 1</a>' in fourth
    assert "<del>" in fourth


def test_events_between_revisions(client, edited) -> None:  # type: ignore[no-untyped-def]
    site, question = edited
    html = _page(client, site, question.id)
    assert "Closed</h2>" in html and "Closed as primarily opinion-based" in html
    assert "Reopened</h2>" in html
    assert "Locked</h2>" in html
    assert "Made community wiki</h2>" in html
    assert "Migrated here</h2>" in html
    assert 'href="https://cooking.stackexchange.com/questions/1/ale"' in html
    # Newest first: the wiki event tops the list, the original closes it.
    assert (
        html.index("Made community wiki</h2>") < html.index("Closed</h2>") < html.index('id="rev1"')
    )


def test_side_by_side_view(client, edited) -> None:  # type: ignore[no-untyped-def]
    site, question = edited
    html = _page(client, site, question.id, "?view=sidebyside")
    second = _revision(html, 2)
    assert '<table class="diff-table">' in second
    assert '<th scope="col">Before</th><th scope="col">After</th>' in second
    assert re.search(
        r'<tr class="diff-changed"><td>[^<]*keeps longer[^<]*</td><td>[^<]*keeps <ins>much </ins>longer',
        second,
    )
    assert re.search(
        r'<tr class="diff-added"><td></td><td><ins>A new closing line.</ins></td></tr>', second
    )
    assert 'aria-current="true">Side by side</a>' in html
    bogus = _page(client, site, question.id, "?view=%3Cb%3E")
    assert 'aria-current="true">Inline</a>' in bogus


def test_question_page_links_its_revisions(client, edited) -> None:  # type: ignore[no-untyped-def]
    site, question = edited
    question.refresh_from_db()
    from pnyx.posts.slugs import slugify_title

    html = client.get(
        f"{site.url_prefix}/questions/{question.id}/{slugify_title(question.title)}"
    ).content.decode()
    assert f'href="{site.url_prefix}/posts/{question.id}/revisions"' in html


def test_answer_and_tag_wiki_revisions(client, site) -> None:  # type: ignore[no-untyped-def]
    author = factories.create_user("Writer", at=START)
    question = factories.ask_question(
        author, "What is a session beer exactly?", BODY, ["ale"], at=START
    )
    answer = factories.post_answer(
        question, author, "A session beer is low in alcohol, for long sessions.", at=START
    )
    html = _page(client, site, answer.id)
    assert "Revisions of an answer to “What is a session beer exactly?”" in html
    assert f'/questions/{question.id}/what-is-a-session-beer-exactly#{answer.id}"' in html
    wiki = Post.objects.create(
        post_type=PostType.TAG_WIKI,
        creation_date=START,
        last_activity_date=START,
        body_html="<p>Ale.</p>",
        body_markdown="Ale.",
    )
    Tag.objects.filter(name="ale").update(wiki_post=wiki)
    html = _page(client, site, wiki.id)
    assert "Revisions of the wiki of [ale]" in html
    assert f'href="{site.url_prefix}/tags/ale/info"' in html


def test_post_without_history_says_so(client, site) -> None:  # type: ignore[no-untyped-def]
    author = factories.create_user("Writer", at=START)
    question = factories.ask_question(
        author, "A question imported without history", BODY, ["ale"], at=START
    )
    PostHistory.objects.filter(post=question).delete()
    html = _page(client, site, question.id)
    assert "No revisions were recorded for this post" in html
    assert "Current version" in html and "I have read so in a &lt;script&gt; book." in html


@pytest.mark.parametrize(
    "path", ["/posts/999999/revisions", "/posts/abc/revisions", "/posts/-5/revisions"]
)
def test_unknown_posts_are_404(client, site, path: str) -> None:  # type: ignore[no-untyped-def]
    assert client.get(site.url_prefix + path).status_code == 404
