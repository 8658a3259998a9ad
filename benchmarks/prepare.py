"""Content for the benchmark, created in the data directory named by `PNYX_DATA_DIR`.

Run after `pnyx migrate` and `pnyx demo` (which bring the seed thread and the
beer.stackexchange.com dump). Adds a `bench` site holding a typical question (5 answers, 15
comments) and enough other questions to fill a list page, all written through the domain's
`do_*` actions (`pnyx.posts.actions`), as users' actions are. Then the people who take part:
a signed-in reader (a network account that has joined every site, with 2,500 reputation, so
that question pages show it vote, edit and comment controls) and `BENCH_MEMBERS` members of the
`bench` site (500 reputation: enough to vote and comment everywhere) who write while pages are
measured, each with a session of its own. Safe to run again: what exists is found, not
duplicated; the sessions are new each time. Prints, as one JSON line on standard output, the
pages to measure, the reader's and members' cookies, and the posts the writers may touch.

    PNYX_DATA_DIR=/tmp/somewhere python -m benchmarks.prepare
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pnyx.sites.context import active_site

if TYPE_CHECKING:
    from pnyx.accounts.models import Account
    from pnyx.network.models import Site

BENCH_SITE = "bench"
BEER_SITE = "beer"
TYPICAL_TITLE = "How long should a dry-hopped pale ale rest before bottling?"
FILLER_QUESTIONS = 45  # three full pages of 15 on the bench site's home
TYPICAL_ANSWERS = 5  # len(ANSWER_BODIES)
TYPICAL_COMMENTS = 15  # len(COMMENTS)
START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
READER_EMAIL = "bench-reader@pnyx.invalid"
READER_NAME = "Bench Reader"  # unique on every page, so that a page can show it was personal
READER_REPUTATION = 2500  # votes, comments and edits: every control of a question page
MEMBERS = 200  # default of BENCH_MEMBERS: comments are one per member per 15 seconds
MEMBER_REPUTATION = 500  # vote up and down (15, 125), comment everywhere (50)


@dataclass(frozen=True)
class Endpoint:
    """A page to measure: `key` names it in reports, `path` is requested on the server."""

    key: str
    label: str
    path: str
    note: str = ""
    # The page shows a signed-in member vote buttons (a question page): `make bench` checks it.
    votes: bool = False


@dataclass(frozen=True)
class Person:
    """A signed-in account: `cookie` is the value of a `Cookie:` header carrying its session
    and a CSRF cookie (whose token the pages' forms then carry)."""

    name: str
    cookie: str
    site_user_id: int


@dataclass(frozen=True)
class WriteTargets:
    """Where the benchmark's writers act on the `bench` site: votes toggle on the typical
    question and its answers (so that thread's pages change, and it keeps its 5 answers and 15
    comments); comments and answers go to the other questions."""

    prefix: str  # the site's path prefix, e.g. "/bench"
    vote_posts: list[int]
    vote_answers: list[int]
    questions: list[int]


@dataclass(frozen=True)
class Prepared:
    endpoints: list[Endpoint]
    reader: Person
    members: list[Person]
    writes: WriteTargets


TYPICAL_QUESTION_BODY = """\
I brew 20 litre batches of a **pale ale** (OG 1.052, FG 1.011) and dry hop with 60 g of Citra
on day 5 of fermentation. Bottling the day after the hops go in gives a grassy taste; waiting a
week seems to lose most of the aroma.

What I have tried so far:

1. Bottling 24 hours after dry hopping: grassy, slightly harsh.
2. Bottling after 4 days: the best so far, but cloudier.
3. Bottling after 8 days: clean, but the aroma fades within a month.

The fermenter sits at `19 °C` the whole time. A brewing forum suggested
<https://example.org/dry-hopping-notes> but it only covers kegging.

> Hop aroma is volatile; contact time is a trade-off between extraction and loss.

Is there a rule of thumb for the rest between dry hopping and bottling, and does cold
crashing change it?
"""

ANSWER_BODIES = [
    """\
Three to four days of contact at fermentation temperature is the usual sweet spot. Most of the
aroma oils are extracted in the first **48 hours**; after that you mostly pick up the grassy,
polyphenol side of the hop.

Cold crash for 24 to 48 hours *after* that and bottle straight away. The cold drops the hop
particles, so the bottles stay clearer without losing much aroma.
""",
    """\
Measure instead of guessing: taste a sample every day from day 2. When the aroma stops getting
stronger, bottle. With pellets at 19 °C that is almost always day 3 or 4.

```
day 2: aroma rising
day 3: aroma rising, slight grass
day 4: flat, grass stronger  -> bottle
```
""",
    """\
The fading after a month is oxidation more than contact time. Purge the bottling bucket with
CO2, keep the transfer quiet, and store the bottles cold. A shorter rest will not fix that.
""",
    """\
I dry hop in two charges: half on day 5, half two days later, and bottle two days after the
second charge. It keeps the contact time per charge short and the aroma lasts noticeably longer
in the bottle.
""",
    """\
For what it is worth, the commercial brewery I worked at rested 3 days warm and 2 days cold for
every hoppy beer. Anything longer was considered a waste of tank time, and nobody could taste a
difference in blind tests.
""",
]

# (post index: 0 for the question, 1..5 for the answers; author index; text)
COMMENTS = [
    (0, 1, "What form are the hops in, pellets or whole cone? It changes the answer a lot."),
    (0, 0, "@Brewer2 pellets, straight into the fermenter without a bag."),
    (0, 2, "Do you cold crash at all at the moment, or bottle at fermentation temperature?"),
    (1, 0, "Thanks, I will try the cold crash. How cold does it need to be?"),
    (1, 1, "@Brewer1 anything under 4 °C works; colder is faster."),
    (1, 3, "Gelatin during the crash helps clarity too, if you do not mind it not being vegan."),
    (2, 4, "The daily tasting is the most useful advice here; every hop behaves differently."),
    (2, 0, "@Brewer5 agreed, I will keep notes this time."),
    (2, 2, "Do you take the samples through the tap? Opening the lid lets oxygen in."),
    (3, 5, "Oxidation is the real culprit in my experience, nice answer."),
    (3, 0, "I do not have CO2 at home, is there another way to limit oxygen pick-up?"),
    (4, 1, "Two charges worked for me as well, especially with Citra."),
    (4, 3, "@Brewer2 did you use the same quantity split in half, or more in total?"),
    (5, 2, "Blind tests are the only way to settle this, thanks for sharing."),
    (5, 0, "Interesting that the commercial schedule is that short."),
]
USER_NAMES = ["Brewer1", "Brewer2", "Hopster", "Cellarman", "Brewer5", "Maltose"]
FILLER_TAGS = ["hops", "yeast", "bottling", "fermentation", "ale", "lager", "water", "kegging"]


def _typical_question() -> tuple[int, str]:
    """Create (or find) the typical question on the active bench site; return (id, title)."""
    from pnyx.posts import actions
    from pnyx.posts.models import Post, PostType

    existing = Post.objects.filter(post_type=PostType.QUESTION, title=TYPICAL_TITLE).first()
    if existing is not None:
        return existing.id, TYPICAL_TITLE
    users = [
        actions.do_create_user(
            site=active_site(), display_name=name, reputation=100 * (i + 1), at=START
        )
        for i, name in enumerate(USER_NAMES)
    ]
    question = actions.do_ask_question(
        author=users[0],
        title=TYPICAL_TITLE,
        body=TYPICAL_QUESTION_BODY,
        tags=["hops", "bottling", "dry-hopping"],
        at=START + timedelta(hours=1),
    )
    posts = [question]
    for i, body in enumerate(ANSWER_BODIES):
        posts.append(
            actions.do_post_answer(
                question=question,
                author=users[i + 1],
                body=body,
                at=START + timedelta(hours=2 + i),
            )
        )
    for n, (post_index, author, text) in enumerate(COMMENTS):
        actions.do_add_comment(
            post=posts[post_index],
            author=users[author],
            text=text,
            at=START + timedelta(hours=8, minutes=n),
        )
    return question.id, TYPICAL_TITLE


def _filler_questions() -> None:
    """Give the bench site's lists full pages of ordinary questions."""
    from pnyx.posts import actions
    from pnyx.posts.models import Post, PostType, SiteUser

    have = Post.objects.filter(post_type=PostType.QUESTION).count()
    if have > FILLER_QUESTIONS:
        return
    asker = SiteUser.objects.filter(display_name="Maltose").first() or actions.do_create_user(
        site=active_site(), display_name="Maltose", at=START
    )
    for n in range(FILLER_QUESTIONS):
        tags = [FILLER_TAGS[n % len(FILLER_TAGS)], FILLER_TAGS[(n * 3 + 1) % len(FILLER_TAGS)]]
        actions.do_ask_question(
            author=asker,
            title=f"Question number {n + 1} about {tags[0]} and {tags[1]} in home brewing",
            body=f"This is ordinary question {n + 1}, with a body long enough to pass the rules "
            f"and a little **Markdown** so that its excerpt is rendered like a real one.",
            tags=sorted(set(tags)),
            at=START - timedelta(days=n + 1),
        )


def _biggest_thread() -> tuple[int, str, int, int] | None:
    """The active site's question with the most answers plus comments: (id, title, answers, comments)."""
    from django.db.models import Count

    from pnyx.posts.models import Comment, Post, PostType

    questions = dict(
        Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True).values_list(
            "id", "title"
        )
    )
    if not questions:
        return None
    answers = dict(
        Post.objects.filter(post_type=PostType.ANSWER, deletion_date__isnull=True).values_list(
            "id", "parent_id"
        )
    )
    comments_on = dict(
        Comment.objects.values("post_id").annotate(n=Count("id")).values_list("post_id", "n")
    )
    answer_count = {qid: 0 for qid in questions}
    comment_count = {qid: comments_on.get(qid, 0) for qid in questions}
    for answer_id, parent_id in answers.items():
        if parent_id in answer_count:
            answer_count[parent_id] += 1
            comment_count[parent_id] += comments_on.get(answer_id, 0)
    best = max(questions, key=lambda q: (answer_count[q] + comment_count[q], -q))
    return best, questions[best] or "", answer_count[best], comment_count[best]


def prepare() -> list[Endpoint]:
    """Create what is missing and return the pages to measure, the bare view first."""
    from pnyx.demo.seed import QUESTION_ID
    from pnyx.posts.models import Post
    from pnyx.posts.slugs import slugify_title
    from pnyx.sites.context import activated
    from pnyx.sites.paths import site_path
    from pnyx.sites.registry import site_by_name
    from pnyx.sites.services import create_site

    def question_path(site: Site, question_id: int, title: str) -> str:
        return site_path(site, "question", question_id, slugify_title(title) or "-")

    endpoints = [Endpoint("bare", "bare Django view", "/-/ping", "no database, no template")]
    politics = site_by_name("politics")
    if politics is None:
        raise SystemExit("the politics site is missing: run `pnyx demo` first")
    with activated(politics):
        seed = Post.objects.get(pk=QUESTION_ID)
    endpoints.append(Endpoint("home", "site home", f"{politics.url_prefix}/", "politics"))
    endpoints.append(
        Endpoint(
            "seed",
            "question page (seed 26794)",
            question_path(politics, seed.id, seed.title or ""),
            "1 answer, 11 comments",
            votes=True,
        )
    )

    bench = site_by_name(BENCH_SITE) or create_site(BENCH_SITE, "Benchmark")
    with activated(bench):
        typical_id, typical_title = _typical_question()
        _filler_questions()
    endpoints.append(
        Endpoint(
            "typical",
            "typical question",
            question_path(bench, typical_id, typical_title),
            f"{TYPICAL_ANSWERS} answers, {TYPICAL_COMMENTS} comments",
            votes=True,
        )
    )
    endpoints.append(
        Endpoint("list", "list page", f"{bench.url_prefix}/questions", "bench, 15 rows")
    )

    beer = site_by_name(BEER_SITE)
    if beer is not None:
        with activated(beer):
            biggest = _biggest_thread()
        if biggest is not None:
            question_id, title, answers, comments = biggest
            endpoints.append(
                Endpoint(
                    "beer_thread",
                    "biggest beer thread",
                    question_path(beer, question_id, title),
                    f"question {question_id}: {answers} answers, {comments} comments",
                    votes=True,
                )
            )
            endpoints.append(
                Endpoint("beer_list", "beer list page", f"{beer.url_prefix}/questions", "15 rows")
            )
    return endpoints


def _account(email: str, display_name: str) -> Account:
    """The network account of `email`, created (with no usable password) if missing."""
    from pnyx.accounts.models import Account

    found = Account.objects.filter(email__iexact=email).first()
    return found or Account.objects.create_user(email, None, display_name=display_name)


def _join(account: Account, site: Site, reputation: int) -> int:
    """Make `account` a member of `site` with at least `reputation`; return its site user's id.

    The reputation is set directly, as an imported user's would be: kept consistent with the
    user's reputation events (`reputation_start` + `reputation_earned`) when there are any."""
    from pnyx.accounts.membership import ensure_site_user
    from pnyx.posts.models import SiteUser

    user = ensure_site_user(account, site)
    if user.reputation < reputation:
        changes: dict[str, int] = {"reputation": reputation}
        if user.reputation_start is not None:
            changes["reputation_start"] = reputation - user.reputation_earned
        SiteUser.objects.using(site.db_alias).filter(pk=user.pk).update(**changes)
    return int(user.pk)


def _cookie(account: Account) -> str:
    """A `Cookie:` header value: a new session of `account` (made as a sign-in makes it, in
    whatever SESSION_ENGINE the settings name) and a CSRF cookie of its own."""
    from django.conf import settings
    from django.test import Client
    from django.utils.crypto import get_random_string

    client = Client()
    client.force_login(account)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = get_random_string(32)  # the CSRF cookie's secret; forms carry a masked copy
    return f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"


def people(members: int) -> tuple[Person, list[Person]]:
    """The signed-in reader (a member of every site) and `members` members of `bench`."""
    from pnyx.sites.registry import all_sites, site_by_name

    bench = site_by_name(BENCH_SITE)
    if bench is None:
        raise SystemExit("the bench site is missing: run prepare() first")
    reader_account = _account(READER_EMAIL, READER_NAME)
    reader_ids = {site.name: _join(reader_account, site, READER_REPUTATION) for site in all_sites()}
    reader = Person(READER_NAME, _cookie(reader_account), reader_ids[BENCH_SITE])
    crowd = []
    for n in range(1, members + 1):
        name = f"Bench Member {n}"
        account = _account(f"bench-member-{n}@pnyx.invalid", name)
        crowd.append(Person(name, _cookie(account), _join(account, bench, MEMBER_REPUTATION)))
    return reader, crowd


def write_targets() -> WriteTargets:
    """The posts of the `bench` site that the benchmark's writers act on."""
    from pnyx.posts.models import Post, PostType
    from pnyx.sites.context import activated
    from pnyx.sites.registry import site_by_name

    bench = site_by_name(BENCH_SITE)
    if bench is None:
        raise SystemExit("the bench site is missing: run prepare() first")
    with activated(bench):
        typical_id, _ = _typical_question()
        answers = list(
            Post.objects.filter(parent_id=typical_id, post_type=PostType.ANSWER)
            .order_by("id")
            .values_list("id", flat=True)[:TYPICAL_ANSWERS]
        )
        others = list(
            Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)
            .exclude(pk=typical_id)
            .order_by("id")
            .values_list("id", flat=True)[:FILLER_QUESTIONS]
        )
    return WriteTargets(bench.url_prefix, [typical_id, *answers], answers, others)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pnyx.settings")
    import django

    django.setup()
    members = int(os.environ.get("BENCH_MEMBERS", "") or MEMBERS)
    endpoints = prepare()
    reader, crowd = people(members)
    print(json.dumps(asdict(Prepared(endpoints, reader, crowd, write_targets()))))


if __name__ == "__main__":
    main()
