"""Question views: counted once per reader per 15 minutes, in batches, crawlers left out."""

from __future__ import annotations

from django.test import Client
from tests import factories

from pnyx.posts.models import Post
from pnyx.posts.slugs import slugify_title
from pnyx.sites.paths import site_path
from pnyx.web import viewcounts

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/150 Safari/537.36"


def _views(question: Post) -> int:
    viewcounts.flush()
    return Post.objects.get(pk=question.pk).view_count or 0


def test_each_reader_counts_once_and_crawlers_not_at_all(site) -> None:
    author = factories.create_user("Asker")
    question = factories.ask_question(
        author, "How many people read this?", "A body long enough to be a question.", "ale"
    )
    path = site_path(site, "question", question.id, slugify_title(question.title))
    reader = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.0.0.1")
    for _ in range(3):
        assert reader.get(path).status_code == 200
    assert _views(question) == 1
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.0.0.2").get(path)
    assert _views(question) == 2
    for agent in ("Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.0", ""):
        Client(HTTP_USER_AGENT=agent, REMOTE_ADDR="10.0.0.3").get(path)
    assert _views(question) == 2


def test_views_wait_for_a_batch_rather_than_writing_per_request(site) -> None:
    author = factories.create_user("Asker")
    question = factories.ask_question(
        author, "Are views written at once?", "A body long enough to be a question.", "ale"
    )
    path = site_path(site, "question", question.id, slugify_title(question.title))
    viewcounts.flush()
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.0.1.1").get(path)
    assert (Post.objects.get(pk=question.pk).view_count or 0) == 0
    assert _views(question) == 1
