"""A synthetic Stack Exchange data dump at any scale, the same every time for a given seed.

    python -m benchmarks.dumps.synth OUT_DIR --posts 1000000 [--seed 1]

The shapes follow the real dumps (see `../shared/docs/se-dump-schema.md` and the beer dump):

- per post: about 0.5 users, 1.25 comments, 5 votes, 2 post-history rows, 0.04 links and
  0.7 badges; posts are a third questions, the rest answers, a few tag wikis and excerpts;
- bodies are HTML (Posts.xml) and the same text as Markdown (PostHistory), of log-normal length
  (median about 600 characters, a long tail to 20,000) with paragraphs, links, inline code, code
  blocks, lists and quotes; comments are 20 to 600 characters, a quarter reply to an `@name`;
- scores, view counts and tag popularity are heavy-tailed; about 5 % of post ids are gaps
  (deleted posts) that votes and links still name, as in real dumps; 1 % of posts have a
  deleted author (OwnerDisplayName only); 3 % of questions are closed, a third as duplicates
  (PostHistory type 10 with OriginalQuestionIds, and a PostLinks row of type 3);
- the 2016 column set (no ContentLicense; Users with Age and ProfileImageUrl), CRLF, BOM.

Text is made of invented syllable words: it has the lengths and markup of real posts, and none
of their content.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from pnyx.dumps.xmlwrite import HEADER, escape_attribute

FILES = {
    "Users.xml": "users",
    "Posts.xml": "posts",
    "PostHistory.xml": "posthistory",
    "Comments.xml": "comments",
    "Votes.xml": "votes",
    "PostLinks.xml": "postlinks",
    "Tags.xml": "tags",
    "Badges.xml": "badges",
}
START = datetime(2012, 3, 1, tzinfo=UTC)
SPAN_DAYS = 12 * 365
SYLLABLES = [c + v for c in "bdfklmnprstvz" for v in "aeiou"] + ["bra", "dre", "sti", "hop", "malt"]
BADGE_NAMES = [
    f"{a} {b}"
    for a in ("Curious", "Steady", "Bright", "Keen", "Loyal")
    for b in ("Asker", "Helper", "Editor", "Reader", "Voter")
]
# VoteTypeId shares of the votes that are not acceptances (beer and qc dumps, rounded).
VOTE_TYPES = [(2, 840), (3, 52), (5, 25), (10, 12), (15, 12), (16, 28), (4, 1), (12, 2)]


def fmt(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}"


def day(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d}T00:00:00.000"


@dataclass
class Scale:
    posts: int

    @property
    def users(self) -> int:
        return max(50, self.posts // 2)

    @property
    def tags(self) -> int:
        return max(40, self.posts // 300)


class Writer:
    """One dump file, written row by row in the dump's own format."""

    def __init__(self, out: TextIO, root: str) -> None:
        self.out = out
        self.root = root
        self.rows = 0
        out.write(HEADER + f"<{root}>\r\n")

    def row(self, *pairs: tuple[str, object]) -> None:
        attributes = " ".join(
            f'{name}="{escape_attribute(str(value))}"' for name, value in pairs if value is not None
        )
        self.out.write(f"  <row {attributes} />\r\n")
        self.rows += 1

    def close(self) -> None:
        self.out.write(f"</{self.root}>")


class Text:
    """Invented words, sentences and post bodies (HTML and Markdown of the same text)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = [self._word() for _ in range(4000)]

    def _word(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.choice((1, 2, 2, 3))))

    def word(self) -> str:
        # Zipf-like: the first words are the common ones.
        return self.words[min(int(self.rng.paretovariate(1.1)) - 1, len(self.words) - 1)]

    def sentence(self, low: int = 5, high: int = 18) -> str:
        words = [self.word() for _ in range(self.rng.randint(low, high))]
        return words[0].capitalize() + " " + " ".join(words[1:]) + self.rng.choice(".....?!")

    def title(self) -> str:
        text = self.sentence(4, 14).rstrip(".!?") + "?"
        return text[:150]

    def body(self, origin: str, max_post_id: int) -> tuple[str, str]:
        """(html, markdown) of one post body of log-normal length."""
        target = min(20000, int(self.rng.lognormvariate(6.4, 0.8)))
        html: list[str] = []
        markdown: list[str] = []
        size = 0
        while size < target:
            kind = self.rng.random()
            if kind < 0.62:
                sentences = [self.sentence() for _ in range(self.rng.randint(1, 5))]
                md_parts = list(sentences)
                html_parts = [escape_html(sentence) for sentence in sentences]
                if self.rng.random() < 0.25:
                    code = self.word() + "_" + self.word()
                    md_parts.append(f"Try `{code}`.")
                    html_parts.append(f"Try <code>{code}</code>.")
                if self.rng.random() < 0.15:
                    label = self.word()
                    href = f"https://en.example.org/wiki/{label.capitalize()}"
                    if self.rng.random() < 0.5:
                        href = f"{origin}/questions/{self.rng.randint(1, max_post_id)}/{label}"
                    md_parts.append(f"See [{label}]({href}).")
                    html_parts.append(f'See <a href="{href}">{label}</a>.')
                html.append("<p>" + " ".join(html_parts) + "</p>")
                markdown.append(" ".join(md_parts))
            elif kind < 0.75:
                lines = [
                    f"{self.word()} = {self.word()}({self.rng.randint(0, 99)})"
                    for _ in range(self.rng.randint(2, 12))
                ]
                html.append("<pre><code>" + escape_html("\n".join(lines)) + "\n</code></pre>")
                markdown.append("\n".join("    " + line for line in lines))
            elif kind < 0.9:
                items = [self.sentence(2, 8) for _ in range(self.rng.randint(2, 6))]
                html.append(
                    "<ul>\n" + "".join(f"<li>{escape_html(i)}</li>\n" for i in items) + "</ul>"
                )
                markdown.append("\n".join(f"- {i}" for i in items))
            else:
                quote = self.sentence(8, 30)
                html.append(f"<blockquote>\n  <p>{escape_html(quote)}</p>\n</blockquote>")
                markdown.append(f"> {quote}")
            size += len(markdown[-1])
        return "\n\n".join(html) + "\n", "\r\n\r\n".join(markdown)

    def comment(self, mention: str | None) -> str:
        parts = [self.sentence(3, 14) for _ in range(self.rng.randint(1, 3))]
        if self.rng.random() < 0.15:
            parts.append(f"**{self.word()}**")
        if self.rng.random() < 0.1:
            parts.append(f"`{self.word()}`")
        if self.rng.random() < 0.08:
            parts.append(f"https://en.example.org/wiki/{self.word()}")
        text = " ".join(parts)
        if mention:
            text = f"@{mention} {text}"
        return text[:600]


def escape_html(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def moment(rng: random.Random, after: datetime | None = None, days: float = SPAN_DAYS) -> datetime:
    base = after or START
    offset = timedelta(days=rng.random() * days if after is None else rng.expovariate(1 / days))
    value = base + offset
    return value.replace(microsecond=rng.randrange(0, 1000) * 1000)


def heavy(rng: random.Random, scale: float, cap: int) -> int:
    return min(cap, int(rng.paretovariate(1.6) * scale) - int(scale))


def generate(
    out_dir: Path, posts: int, seed: int = 1, origin: str = "https://synth.stackexchange.com"
) -> dict[str, int]:
    """Write the eight files into `out_dir`; return the rows written per file."""
    rng = random.Random(seed)
    text = Text(rng)
    scale = Scale(posts)
    out_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        writers = {
            name: Writer(
                stack.enter_context((out_dir / name).open("w", encoding="utf-8", newline="")), root
            )
            for name, root in FILES.items()
        }
        names = _users(writers["Users.xml"], rng, text, scale)
        tag_names = _tag_names(rng, text, scale.tags)
        tag_usage = [0] * len(tag_names)
        counters = {"history": 0, "comment": 0, "vote": 0, "link": 0}
        next_id = 1
        made = 0
        questions: list[int] = []
        while made < posts:
            thread = _thread(
                writers,
                rng,
                text,
                scale,
                names,
                tag_names,
                tag_usage,
                counters,
                next_id,
                questions,
                origin,
            )
            made += thread[0]
            next_id = thread[1]
            questions.append(thread[2])
            if len(questions) > 5000:
                del questions[:1000]
        made += _tag_wikis(writers, rng, text, tag_names, tag_usage, counters, next_id, origin)
        _badges(writers["Badges.xml"], rng, scale, tag_names)
        for writer in writers.values():
            writer.close()
        return {name: writer.rows for name, writer in writers.items()}


def _users(writer: Writer, rng: random.Random, text: Text, scale: Scale) -> list[str]:
    names = ["Community"]
    writer.row(
        ("Id", -1),
        ("Reputation", 1),
        ("CreationDate", fmt(START)),
        ("DisplayName", "Community"),
        ("LastAccessDate", fmt(START)),
        ("Views", 0),
        ("UpVotes", 5000),
        ("DownVotes", 900),
        ("AccountId", -1),
    )
    for user_id in range(1, scale.users + 1):
        name = text.word().capitalize()
        if rng.random() < 0.4:
            name += " " + text.word().capitalize()
        elif rng.random() < 0.3:
            name += str(rng.randint(1, 9999))
        names.append(name)
        created = moment(rng)
        about = f"<p>{escape_html(text.sentence())}</p>\n" if rng.random() < 0.3 else None
        writer.row(
            ("Id", user_id),
            ("Reputation", 1 + heavy(rng, 30, 500000)),
            ("CreationDate", fmt(created)),
            ("DisplayName", name),
            ("LastAccessDate", fmt(moment(rng, created, 300))),
            ("WebsiteUrl", f"https://{text.word()}.example.org" if rng.random() < 0.2 else None),
            ("Location", text.word().capitalize() if rng.random() < 0.3 else None),
            ("AboutMe", about),
            ("Views", heavy(rng, 5, 100000)),
            ("UpVotes", heavy(rng, 4, 50000)),
            ("DownVotes", heavy(rng, 1, 10000)),
            (
                "ProfileImageUrl",
                f"https://i.example.org/{user_id}.png" if rng.random() < 0.2 else None,
            ),
            ("Age", rng.randint(18, 70) if rng.random() < 0.1 else None),
            ("AccountId", 1000 + user_id * 3),
        )
    return names


def _tag_names(rng: random.Random, text: Text, count: int) -> list[str]:
    names: dict[str, None] = {}
    while len(names) < count:
        name = text.word()[:20]
        if rng.random() < 0.3:
            name += "-" + text.word()[:12]
        names[name.lower()] = None
    return list(names)


def _pick_tags(rng: random.Random, tag_names: list[str], tag_usage: list[int]) -> list[str]:
    chosen: dict[int, None] = {}
    for _ in range(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))):
        chosen[min(int(rng.paretovariate(0.8)) - 1, len(tag_names) - 1)] = None
    for index in chosen:
        tag_usage[index] += 1
    return [tag_names[i] for i in chosen]


def _author(rng: random.Random, scale: Scale, names: list[str]) -> tuple[int | None, str | None]:
    if rng.random() < 0.01:
        return None, f"user{rng.randint(1, 99999)}"
    user_id = min(scale.users, int(rng.paretovariate(0.6)))  # a few users write much
    if rng.random() < 0.7:
        user_id = rng.randint(1, scale.users)
    return user_id, None


def _thread(
    writers: dict[str, Writer],
    rng: random.Random,
    text: Text,
    scale: Scale,
    names: list[str],
    tag_names: list[str],
    tag_usage: list[int],
    counters: dict[str, int],
    first_id: int,
    recent: list[int],
    origin: str,
) -> tuple[int, int, int]:
    """A question with its answers, their history, comments, votes and links; ids from `first_id`.

    Returns (posts written, next free id, the question's id)."""
    question_id = first_id
    answers = min(30, int(rng.expovariate(1 / 2.3)))
    ids = [question_id]
    next_id = question_id + 1
    for _ in range(answers):
        if rng.random() < 0.05:
            next_id += 1  # a deleted answer: a gap in the ids
        ids.append(next_id)
        next_id += 1
    if rng.random() < 0.05:
        next_id += 1
    asked = moment(rng)
    accepted = ids[1 + rng.randrange(answers)] if answers and rng.random() < 0.45 else None
    tags = _pick_tags(rng, tag_names, tag_usage)
    title = text.title()
    closed = rng.random() < 0.03
    duplicate_of = rng.choice(recent) if closed and recent and rng.random() < 0.35 else None
    last_activity = asked
    dates = [asked, *sorted(moment(rng, asked, 20) for _ in range(answers))]
    for position, post_id in enumerate(ids):
        created = dates[position]
        owner, owner_name = _author(rng, scale, names)
        html, markdown = text.body(origin, max(1, first_id))
        edited = moment(rng, created, 60) if rng.random() < 0.3 else None
        editor = rng.randint(1, scale.users) if edited else None
        activity = max(created, edited or created)
        last_activity = max(last_activity, activity)
        is_question = position == 0
        score = heavy(rng, 3, 5000) - (1 if rng.random() < 0.1 else 0)
        writers["Posts.xml"].row(
            ("Id", post_id),
            ("PostTypeId", 1 if is_question else 2),
            ("AcceptedAnswerId", accepted if is_question else None),
            ("ParentId", None if is_question else question_id),
            ("CreationDate", fmt(created)),
            ("Score", score),
            ("ViewCount", heavy(rng, 80, 2_000_000) + 10 if is_question else None),
            ("Body", html),
            ("OwnerUserId", owner),
            ("OwnerDisplayName", owner_name),
            ("LastEditorUserId", editor),
            ("LastEditDate", fmt(edited) if edited else None),
            ("LastActivityDate", fmt(activity)),
            ("Title", title if is_question else None),
            ("Tags", "".join(f"<{t}>" for t in tags) if is_question else None),
            ("AnswerCount", answers if is_question else None),
            ("CommentCount", 0),
            ("FavoriteCount", heavy(rng, 1, 500) if is_question and rng.random() < 0.3 else None),
            ("ClosedDate", fmt(moment(rng, created, 5)) if is_question and closed else None),
        )
        _history(
            writers["PostHistory.xml"],
            rng,
            counters,
            post_id,
            created,
            owner,
            owner_name,
            markdown,
            title if is_question else None,
            tags if is_question else None,
            edited,
            editor,
            text,
        )
        if is_question and closed:
            _closure(writers, rng, counters, post_id, created, duplicate_of)
        _comments(
            writers["Comments.xml"], rng, text, counters, post_id, created, owner, names, scale
        )
        _votes(writers["Votes.xml"], rng, counters, post_id, created, post_id == accepted, scale)
        if rng.random() < 0.04 and recent:
            counters["link"] += 1
            writers["PostLinks.xml"].row(
                ("Id", counters["link"]),
                ("CreationDate", fmt(created)),
                ("PostId", post_id),
                ("RelatedPostId", rng.choice(recent) if rng.random() < 0.95 else post_id + 7),
                ("LinkTypeId", 1),
            )
    return len(ids), next_id, question_id


def _history(
    writer: Writer,
    rng: random.Random,
    counters: dict[str, int],
    post_id: int,
    created: datetime,
    owner: int | None,
    owner_name: str | None,
    markdown: str,
    title: str | None,
    tags: list[str] | None,
    edited: datetime | None,
    editor: int | None,
    text: Text,
) -> None:
    guid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    rows = [(2, markdown)]
    if title is not None and tags is not None:
        rows = [(1, title), (2, markdown), (3, "".join(f"<{t}>" for t in tags))]
    for history_type, value in rows:
        counters["history"] += 1
        writer.row(
            ("Id", counters["history"]),
            ("PostHistoryTypeId", history_type),
            ("PostId", post_id),
            ("RevisionGUID", guid),
            ("CreationDate", fmt(created)),
            ("UserId", owner),
            ("UserDisplayName", owner_name),
            ("Text", value),
        )
    if edited is not None:
        counters["history"] += 1
        revised = markdown + "\r\n\r\n" + text.sentence()
        writer.row(
            ("Id", counters["history"]),
            ("PostHistoryTypeId", 5),
            ("PostId", post_id),
            ("RevisionGUID", str(uuid.UUID(int=rng.getrandbits(128), version=4))),
            ("CreationDate", fmt(edited)),
            ("UserId", editor),
            ("Comment", "added " + str(rng.randint(5, 300)) + " characters in body"),
            ("Text", revised),
        )
    if rng.random() < 0.05:
        counters["history"] += 1
        writer.row(
            ("Id", counters["history"]),
            ("PostHistoryTypeId", 25),
            ("PostId", post_id),
            ("RevisionGUID", str(uuid.UUID(int=rng.getrandbits(128), version=4))),
            ("CreationDate", fmt(moment(rng, created, 2))),
            ("UserId", -1),
            ("Comment", f"https://twitter.example/s/{rng.getrandbits(40)}"),
        )


def _closure(
    writers: dict[str, Writer],
    rng: random.Random,
    counters: dict[str, int],
    post_id: int,
    created: datetime,
    duplicate_of: int | None,
) -> None:
    closed = moment(rng, created, 3)
    voters = [
        {"Id": rng.randint(1, 500), "DisplayName": f"voter{rng.randint(1, 500)}"}
        for _ in range(rng.randint(1, 5))
    ]
    payload: dict[str, object] = {"Voters": voters}
    if duplicate_of is not None:
        payload = {"OriginalQuestionIds": [duplicate_of], "Voters": voters}
        counters["link"] += 1
        writers["PostLinks.xml"].row(
            ("Id", counters["link"]),
            ("CreationDate", fmt(closed)),
            ("PostId", post_id),
            ("RelatedPostId", duplicate_of),
            ("LinkTypeId", 3),
        )
    counters["history"] += 1
    writers["PostHistory.xml"].row(
        ("Id", counters["history"]),
        ("PostHistoryTypeId", 10),
        ("PostId", post_id),
        ("RevisionGUID", str(uuid.UUID(int=rng.getrandbits(128), version=4))),
        ("CreationDate", fmt(closed)),
        ("UserId", voters[0]["Id"]),
        ("Comment", 101 if duplicate_of else rng.choice((102, 103, 104, 105))),
        ("Text", json.dumps(payload, separators=(",", ":"))),
    )


def _comments(
    writer: Writer,
    rng: random.Random,
    text: Text,
    counters: dict[str, int],
    post_id: int,
    created: datetime,
    owner: int | None,
    names: list[str],
    scale: Scale,
) -> None:
    count = min(40, int(rng.expovariate(1 / 1.3)) + (1 if rng.random() < 0.4 else 0))
    spoken: list[str] = [names[owner]] if owner is not None and owner < len(names) else []
    when = created
    for _ in range(count):
        when = moment(rng, when, 2)
        user_id = rng.randint(1, scale.users)
        mention = None
        if spoken and rng.random() < 0.25:
            mention = rng.choice(spoken).replace(" ", "")[: rng.randint(3, 12)]
        counters["comment"] += 1
        deleted = rng.random() < 0.02
        writer.row(
            ("Id", counters["comment"]),
            ("PostId", post_id),
            ("Score", heavy(rng, 1, 300)),
            ("Text", text.comment(mention)),
            ("CreationDate", fmt(when)),
            ("UserId", None if deleted else user_id),
            ("UserDisplayName", f"user{user_id}" if deleted else None),
        )
        spoken.append(names[user_id])


def _weighted(rng: random.Random) -> int:
    total = sum(weight for _, weight in VOTE_TYPES)
    pick = rng.randrange(total)
    for vote_type, weight in VOTE_TYPES:
        if pick < weight:
            return vote_type
        pick -= weight
    return 2


def _votes(
    writer: Writer,
    rng: random.Random,
    counters: dict[str, int],
    post_id: int,
    created: datetime,
    accepted: bool,
    scale: Scale,
) -> None:
    count = min(2000, int(rng.paretovariate(2.0) * 3.0) - 1)
    if accepted:
        counters["vote"] += 1
        writer.row(
            ("Id", counters["vote"]),
            ("PostId", post_id),
            ("VoteTypeId", 1),
            ("CreationDate", day(moment(rng, created, 3))),
        )
    for _ in range(count):
        vote_type = _weighted(rng)
        counters["vote"] += 1
        target = (
            post_id if rng.random() > 0.07 else post_id + rng.randint(1, 3) * 1000003
        )  # deleted
        writer.row(
            ("Id", counters["vote"]),
            ("PostId", target),
            ("VoteTypeId", vote_type),
            ("UserId", rng.randint(1, scale.users) if vote_type == 5 else None),
            ("CreationDate", day(moment(rng, created, 200))),
        )
    if rng.random() < 0.002:
        bounty = rng.choice((50, 100, 200, 500))
        start = moment(rng, created, 30)
        for vote_type, user in ((8, rng.randint(1, scale.users)), (9, None)):
            counters["vote"] += 1
            writer.row(
                ("Id", counters["vote"]),
                ("PostId", post_id),
                ("VoteTypeId", vote_type),
                ("UserId", user),
                ("CreationDate", day(start)),
                ("BountyAmount", bounty),
            )


def _tag_wikis(
    writers: dict[str, Writer],
    rng: random.Random,
    text: Text,
    tag_names: list[str],
    tag_usage: list[int],
    counters: dict[str, int],
    next_id: int,
    origin: str,
) -> int:
    """Tags.xml, with an excerpt and a wiki post for the most used tags; return posts written."""
    written = 0
    ranked = sorted(range(len(tag_names)), key=lambda i: -tag_usage[i])
    with_wiki = set(ranked[: max(5, len(ranked) // 3)])
    for index, name in enumerate(tag_names):
        excerpt_id = wiki_id = None
        if index in with_wiki:
            excerpt_id, wiki_id = next_id, next_id + 1
            next_id += 2
            created = moment(rng)
            excerpt = text.sentence(8, 25)
            html, markdown = text.body(origin, 10)
            for post_id, post_type, body, source in (
                (excerpt_id, 4, excerpt, excerpt),
                (wiki_id, 5, html, markdown),
            ):
                writers["Posts.xml"].row(
                    ("Id", post_id),
                    ("PostTypeId", post_type),
                    ("CreationDate", fmt(created)),
                    ("Score", 0),
                    ("Body", body),
                    ("OwnerUserId", -1),
                    ("LastActivityDate", fmt(created)),
                    ("CommentCount", 0),
                )
                counters["history"] += 1
                writers["PostHistory.xml"].row(
                    ("Id", counters["history"]),
                    ("PostHistoryTypeId", 2),
                    ("PostId", post_id),
                    ("RevisionGUID", str(uuid.UUID(int=rng.getrandbits(128), version=4))),
                    ("CreationDate", fmt(created)),
                    ("UserId", -1),
                    ("Text", source),
                )
                written += 1
        writers["Tags.xml"].row(
            ("Id", index + 1),
            ("TagName", name),
            ("Count", tag_usage[index]),
            ("ExcerptPostId", excerpt_id),
            ("WikiPostId", wiki_id),
        )
    return written


def _badges(writer: Writer, rng: random.Random, scale: Scale, tag_names: list[str]) -> None:
    badge_id = 0
    for user_id in range(1, scale.users + 1):
        for _ in range(min(200, int(rng.paretovariate(2.0) * 1.5) - 1)):
            badge_id += 1
            tag_based = rng.random() < 0.03
            name = rng.choice(tag_names) if tag_based else rng.choice(BADGE_NAMES)
            badge_class = 3 if rng.random() < 0.8 else (2 if rng.random() < 0.9 else 1)
            writer.row(
                ("Id", badge_id),
                ("UserId", user_id),
                ("Name", name),
                ("Date", fmt(moment(rng))),
                ("Class", badge_class),
                ("TagBased", "True" if tag_based else "False"),
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic Stack Exchange data dump.")
    parser.add_argument("out", type=Path, help="folder to write the eight XML files into")
    parser.add_argument(
        "--posts", type=int, default=100_000, help="questions and answers (default 100,000)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    rows = generate(args.out, args.posts, args.seed)
    size = sum(p.stat().st_size for p in args.out.iterdir() if p.suffix == ".xml")
    for name, count in rows.items():
        print(f"{name}: {count:,} rows")
    print(f"{size / 1e6:,.0f} MB in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
