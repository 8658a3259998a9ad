"""Atom feeds at Stack Exchange's addresses, built with Django's syndication framework.

`/feeds` (the site's newest questions), `/feeds/tag/TAG`, `/feeds/question/ID` (the question and
its answers) and `/feeds/user/ID` (the user's questions and answers). An unknown tag, question or
user is a 404. Every feed runs a fixed number of queries: the entries come with their authors and
questions, and nothing an entry shows is fetched per entry.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from pnyx.network.models import Site
from pnyx.posts.feed_selectors import (
    live_question,
    newest_questions,
    question_and_answers,
    user_posts,
)
from pnyx.posts.models import Post, PostType, SiteUser, Tag
from pnyx.posts.selectors import get_user
from pnyx.posts.slugs import slugify_name, slugify_title
from pnyx.sites.context import active_site
from pnyx.web.views.tags import tag_or_404

# XML 1.0 cannot carry these; a dump's text occasionally holds one, and Django refuses to write
# it (it raises rather than produce a broken feed), so they are dropped from what feeds show.
_XML_INVALID_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str | None) -> str:
    return _XML_INVALID_RE.sub("", text or "")


def _question_path(question: Post) -> str:
    return reverse("question", args=[question.id, slugify_title(question.title) or "-"])


def _user_path(user: SiteUser) -> str:
    return reverse("user", args=[user.id, slugify_name(user.display_name)])


class PostFeed(Feed):  # type: ignore[type-arg]
    """What every Pnyx feed shares: posts as entries, in Atom."""

    feed_type = Atom1Feed

    def __init__(self, request: HttpRequest) -> None:
        # A feed object lives for one request, so it may keep the request's site and origin.
        self.site: Site = active_site()
        self.origin = f"{request.scheme}://{request.get_host()}"

    def item_title(self, item: Post) -> str:
        if item.post_type == PostType.ANSWER:
            question = item.parent.title if item.parent is not None else "a question"
            return xml_safe(f"Answer by {item.author_name} for {question}")
        return xml_safe(item.title)

    def item_description(self, item: Post) -> str:
        return xml_safe(item.body_html)

    def item_link(self, item: Post) -> str:
        if item.post_type == PostType.ANSWER:
            if item.parent is None:
                return reverse("a", args=[item.id])
            return f"{_question_path(item.parent)}#{item.id}"
        return _question_path(item)

    def item_author_name(self, item: Post) -> str:
        return xml_safe(item.author_name)

    def item_author_link(self, item: Post) -> str | None:
        if item.owner_id is not None and item.owner is not None:
            return self.origin + _user_path(item.owner)
        return None

    def item_pubdate(self, item: Post) -> datetime:
        return item.creation_date

    def item_updateddate(self, item: Post) -> datetime:
        return item.last_edit_date or item.creation_date

    def item_categories(self, item: Post) -> list[str]:
        source = item.parent if item.post_type == PostType.ANSWER else item
        return source.tag_list if source is not None else []


class SiteFeed(PostFeed):
    def get_object(self, request: HttpRequest) -> None:  # type: ignore[override]
        return None

    def title(self) -> str:
        return xml_safe(f"Newest questions - {self.site.title}")

    def subtitle(self) -> str:
        return xml_safe(f"The most recent questions on {self.site.title}")

    def link(self) -> str:
        return reverse("questions") + "?tab=newest"

    def items(self) -> list[Post]:
        return newest_questions()


class TagFeed(PostFeed):
    def get_object(self, request: HttpRequest, tag: str) -> Tag:  # type: ignore[override]
        return tag_or_404(tag)

    def title(self, obj: Tag) -> str:
        return xml_safe(f"Newest questions tagged {obj.name} - {self.site.title}")

    def subtitle(self, obj: Tag) -> str:
        return xml_safe(f"The most recent questions tagged {obj.name} on {self.site.title}")

    def link(self, obj: Tag) -> str:
        return reverse("tagged", args=[obj.name])

    def items(self, obj: Tag) -> list[Post]:
        return newest_questions(tag=obj)


class QuestionFeed(PostFeed):
    def get_object(self, request: HttpRequest, question_id: int) -> Post:  # type: ignore[override]
        question = live_question(question_id)
        if question is None:
            raise Http404("no such question")
        return question

    def title(self, obj: Post) -> str:
        return xml_safe(f"{obj.title} - {self.site.title}")

    def subtitle(self, obj: Post) -> str:
        return xml_safe(f"The question and its answers on {self.site.title}")

    def link(self, obj: Post) -> str:
        return _question_path(obj)

    def items(self, obj: Post) -> list[Post]:
        return question_and_answers(obj)


class UserFeed(PostFeed):
    def get_object(self, request: HttpRequest, user_id: int) -> SiteUser:  # type: ignore[override]
        user = get_user(user_id)
        if user is None:
            raise Http404("no such user")
        return user

    def title(self, obj: SiteUser) -> str:
        return xml_safe(f"User {obj.display_name} - {self.site.title}")

    def subtitle(self, obj: SiteUser) -> str:
        return xml_safe(f"The latest questions and answers by {obj.display_name}")

    def link(self, obj: SiteUser) -> str:
        return _user_path(obj)

    def items(self, obj: SiteUser) -> list[Post]:
        return user_posts(obj)


def site_feed(request: HttpRequest) -> HttpResponse:
    return SiteFeed(request)(request)


def tag_feed(request: HttpRequest, tag: str) -> HttpResponse:
    return TagFeed(request)(request, tag=tag)


def question_feed(request: HttpRequest, question_id: int) -> HttpResponse:
    return QuestionFeed(request)(request, question_id=question_id)


def user_feed(request: HttpRequest, user_id: int) -> HttpResponse:
    return UserFeed(request)(request, user_id=user_id)
