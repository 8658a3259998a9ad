"""Loading the seed thread (politics.stackexchange.com question 26794) as the `politics` site.

The text file is a flattened page: the title, the question under a bullet, then every paragraph
indented alike. `data/README.md` (and the seed's own README) say which paragraphs are the
question's comments, the answer and the answer's comments; this module reads them in that order
and creates the thread through the same domain functions a user's actions go through. Details the
page did not keep (times, ids, the answer's author) are reconstructed, as `data/README.md` says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pnyx.errors import PnyxError
from pnyx.network.models import Site
from pnyx.posts import actions, rules
from pnyx.posts.models import Post, SiteUser
from pnyx.sites.context import activated
from pnyx.sites.registry import site_by_name
from pnyx.sites.services import create_site

SEED_FILE = Path(__file__).parent / "data" / "politics-26794-thread.txt"
QUESTION_ID = 26794
ANSWER_ID = 26797  # reconstructed
TAGS = ["russia", "syria", "vladimir-putin", "military"]

QUESTION_COMMENTS = 5
ANSWER_PARAGRAPHS = 5
ANSWER_COMMENTS = 6
BLOCK_QUOTE_PARAGRAPH = 3  # the Kremlin's translation, within the answer

# (display name, user id, reputation); ids other than Evargalo's are reconstructed.
USERS = {
    "xrorox": (15860, 1520),
    "mustaccio": (8917, 3871),
    "Evargalo": (15897, 2114),
    "Respondent": (9468, 5036),
}
QUESTION_COMMENT_AUTHORS = ["mustaccio", "mustaccio", "xrorox", "Evargalo", "xrorox"]
ANSWER_COMMENT_AUTHORS = ["xrorox", "Respondent"] * 3


def _at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2017, 12, day, hour, minute, tzinfo=UTC)


QUESTION_TIME = _at(11, 16, 12)
QUESTION_COMMENT_TIMES = [
    _at(11, 16, 40),
    _at(11, 16, 43),
    _at(11, 17, 31),
    _at(12, 8, 15),
    _at(12, 9, 2),
]
ANSWER_TIME = _at(12, 11, 20)
ANSWER_COMMENT_TIMES = [
    _at(12, 12, 5),
    _at(12, 12, 41),
    _at(12, 13, 10),
    _at(12, 13, 36),
    _at(12, 14, 2),
    _at(12, 14, 30),
]


@dataclass
class SeedThread:
    title: str
    question: str
    question_comments: list[str]
    answer: str
    answer_comments: list[str]


def parse_seed(text: str) -> SeedThread:
    """Split the flattened page into the thread's parts, or say what does not fit."""
    lines = text.splitlines()
    title = lines[0].strip()
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines[1:]:
        if line.strip():
            current.append(line.strip().lstrip("•").strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    expected = 1 + QUESTION_COMMENTS + ANSWER_PARAGRAPHS + ANSWER_COMMENTS
    if not title or len(blocks) != expected:
        raise PnyxError(f"seed thread has {len(blocks)} paragraphs, expected {expected}")
    question = "\n\n".join(blocks[0])
    paragraphs = [" ".join(block) for block in blocks[1:]]
    comments_q = paragraphs[:QUESTION_COMMENTS]
    answer_parts = paragraphs[QUESTION_COMMENTS : QUESTION_COMMENTS + ANSWER_PARAGRAPHS]
    answer_parts[BLOCK_QUOTE_PARAGRAPH] = "> " + answer_parts[BLOCK_QUOTE_PARAGRAPH]
    comments_a = paragraphs[QUESTION_COMMENTS + ANSWER_PARAGRAPHS :]
    return SeedThread(title, question, comments_q, "\n\n".join(answer_parts), comments_a)


def load_politics(seed_file: Path = SEED_FILE) -> tuple[Site, bool]:
    """Create the `politics` site with the seed thread; return (site, whether anything was created).

    Running it again finds the thread and creates nothing.
    """
    site = site_by_name("politics")
    if site is None:
        site = create_site(
            "politics",
            "Politics",
            origins=["https://politics.stackexchange.com"],
        )
    with activated(site):
        if Post.objects.filter(pk=QUESTION_ID).exists():
            return site, False
        thread = parse_seed(seed_file.read_text(encoding="utf-8"))
        users: dict[str, SiteUser] = {}
        for name, (user_id, reputation) in USERS.items():
            users[name] = SiteUser.objects.filter(pk=user_id).first() or actions.do_create_user(
                site=site,
                display_name=name,
                user_id=user_id,
                reputation=reputation,
                at=_at(1, 9, 0),
            )
        # The seed goes through the content rules, then writes as the users would have.
        question = actions.do_ask_question(
            author=users["xrorox"],
            title=rules.check_title(thread.title),
            body=rules.check_body(thread.question),
            tags=rules.check_tags(TAGS),
            site=site,
            at=QUESTION_TIME,
            post_id=QUESTION_ID,
        )
        for author, text, when in zip(
            QUESTION_COMMENT_AUTHORS, thread.question_comments, QUESTION_COMMENT_TIMES, strict=True
        ):
            actions.do_add_comment(
                post=question, author=users[author], text=rules.check_comment(text), at=when
            )
        answer = actions.do_post_answer(
            question=question,
            author=users["Respondent"],
            body=rules.check_body(thread.answer),
            site=site,
            at=ANSWER_TIME,
            post_id=ANSWER_ID,
        )
        for author, text, when in zip(
            ANSWER_COMMENT_AUTHORS, thread.answer_comments, ANSWER_COMMENT_TIMES, strict=True
        ):
            actions.do_add_comment(
                post=answer, author=users[author], text=rules.check_comment(text), at=when
            )
    return site, True
