# ruff: noqa: RUF001 - Cyrillic, Chinese and Arabic text on purpose
"""A small corpus of posts that exercises every part of the query language, in several scripts;
`load` writes it into the active site through the domain functions (and so the index)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tests import factories

from pnyx.posts.models import LinkType, Post, PostLink, SiteUser, Vote, VoteType
from pnyx.search.index import update_posts
from pnyx.sites.context import active_site

AT = datetime(2020, 6, 1, tzinfo=UTC)
EARLY = datetime(2017, 12, 15, tzinfo=UTC)


@dataclass
class Corpus:
    asker: SiteUser
    helper: SiteUser
    posts: dict[str, Post]

    def ids(self, *names: str) -> set[int]:
        return {self.posts[name].id for name in names}


def load() -> Corpus:
    asker = factories.create_user("Asker", at=EARLY)
    helper = factories.create_user("Helper", at=EARLY)
    posts: dict[str, Post] = {}

    def ask(name: str, title: str, body: str, tags: list[str], **columns: object) -> Post:
        author = columns.pop("author", asker)
        at = columns.pop("at", AT)
        post = factories.ask_question(author, title, body, tags, at=at)  # type: ignore[arg-type]
        posts[name] = post
        return post

    def answer(name: str, question: str, body: str, **columns: object) -> Post:
        author = columns.pop("author", helper)
        post = factories.post_answer(posts[question], author, body, at=AT)  # type: ignore[arg-type]
        posts[name] = post
        return post

    ask(
        "stout",
        "How do I bottle stout at home?",
        "I brewed a dry stout and want to bottle it. Which bottles keep the carbonation? "
        "See [the guide](https://www.example.com/brewing/guide) and run `cap_bottle()` first."
        "\n\n    priming_sugar = grams(120)\n",
        ["stout", "bottling"],
    )
    answer("stout_answer", "stout", "Use crown caps and clean bottles; sanitise everything twice.")
    ask(
        "hops",
        "Which hops suit a pale ale best?",
        "Dry hopping a pale ale: which varieties give a citrus aroma without bitterness?",
        ["hops", "ale"],
    )
    answer("hops_answer", "hops", "Cascade hops are the classic choice for a citrus pale ale.")
    ask(
        "russian",
        "Как хранить пиво дома?",
        "Пиво лучше хранить в темноте и холоде. Где хранить бутылки с пивом?",
        ["storage"],
    )
    ask(
        "chinese",
        "我很喜欢喝啤酒，请问在家里怎么保存啤酒比较好？",
        "啤酒应该放在阴凉的地方保存。请问冰箱可以吗？我很喜欢中国啤酒。",
        ["storage"],
    )
    ask(
        "arabic",
        "كيف أصنع البيرة في المنزل؟",
        "أريد أن أصنع البيرة في المنزل بطريقة بسيطة. ما هي المكونات الأساسية للبيرة؟",
        ["brewing"],
    )
    ask(
        "cafe",
        "Café crème: a naïve question about e-mail lists",
        "Is there a mailing list for brewers? I keep a `std::vector<int>` of recipes "
        "and a [link](https://docs.example.org/lists).",
        ["c++", "lists"],
        at=EARLY,
    )
    ask(
        "gone",
        "Deleted question about stout bottles",
        "This stout question was deleted and must never be found.",
        ["stout"],
    )
    answer("gone_answer", "gone", "An answer about stout bottles on a deleted question.")
    ask(
        "copy",
        "How to bottle a stout at home",
        "Bottling stout at home: same as the other question, closed as its duplicate.",
        ["stout", "bottling"],
        author=helper,
    )
    ask(
        "wiki",
        "List of beer styles and their bitterness",
        "A community list of styles: stout, porter, pale ale, lager. Locked while it is edited.",
        ["styles"],
    )
    # Scores, views, acceptance, closure, ownership, locks: as later writes would leave them.
    site = active_site()
    Post.objects.filter(pk=posts["stout"].pk).update(score=5, view_count=150)
    Post.objects.filter(pk=posts["stout_answer"].pk).update(score=3)
    Post.objects.filter(pk=posts["stout"].pk).update(accepted_answer=posts["stout_answer"])
    Post.objects.filter(pk=posts["hops"].pk).update(score=2, view_count=40, closed_date=AT)
    Post.objects.filter(pk=posts["hops_answer"].pk).update(score=-1)
    Post.objects.filter(pk=posts["copy"].pk).update(closed_date=AT, score=-2)
    PostLink.objects.create(
        creation_date=AT,
        post=posts["copy"],
        related_post=posts["stout"],
        link_type=LinkType.DUPLICATE,
    )
    Post.objects.filter(pk=posts["wiki"].pk).update(community_owned_date=AT, locked_date=AT)
    Post.objects.filter(pk=posts["gone"].pk).update(deletion_date=AT)
    Vote.objects.create(
        post=posts["hops"], user=helper, vote_type=VoteType.FAVORITE, creation_date=AT
    )
    update_posts(site, [p.id for p in posts.values()])
    for name in posts:
        posts[name].refresh_from_db()
    return Corpus(asker, helper, posts)
