"""`@name` replies in comments, resolved as Stack Exchange resolves them.

A mention names a user by the start of their display name, spaces removed, case ignored, at least
three characters long. Only people already in the conversation can be named: the post's author
and those who commented on the post before, the most recent first, so that `@Jo` in a thread with
two Johns replies to the one who spoke last.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

MIN_MENTION_LENGTH = 3
# A mention runs to the next space; trailing punctuation (`@xrorox :`, `@name,`) is not part of it.
MENTION_RE = re.compile(r"(?<![\w@])@([^\s@]+)")
TRAILING_PUNCTUATION = ".,:;!?)]}'\"…"


SPACES_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Participant:
    user_id: int
    display_name: str

    @cached_property
    def normalised_name(self) -> str:
        """The name as mentions match it; kept, since every reply on a post tries it again."""
        return normalise_name(self.display_name)


def normalise_name(name: str) -> str:
    return SPACES_RE.sub("", name).casefold()


def resolve_mention(token: str, participants: Sequence[Participant]) -> Participant | None:
    """Return the participant `token` (the text after `@`) names, or None.

    `participants` are in priority order: most recent commenter first, the post's author last.
    """
    wanted = token.rstrip(TRAILING_PUNCTUATION).casefold()
    if len(wanted) < MIN_MENTION_LENGTH:
        return None
    for participant in participants:
        if participant.normalised_name.startswith(wanted):
            return participant
    return None


def conversation(
    author: Participant | None, earlier_commenters: Sequence[Participant]
) -> list[Participant]:
    """Participants in mention priority: earlier commenters newest first, then the author.

    `earlier_commenters` are in the order they commented (oldest first); repeats are collapsed to
    each person's latest comment.
    """
    ordered: list[Participant] = []
    seen: set[int] = set()
    for participant in reversed(earlier_commenters):
        if participant.user_id not in seen:
            seen.add(participant.user_id)
            ordered.append(participant)
    if author is not None and author.user_id not in seen:
        ordered.append(author)
    return ordered


def split_mentions(text: str) -> list[tuple[str, str | None]]:
    """Split `text` into (chunk, mention token or None) pieces, for the renderer."""
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for match in MENTION_RE.finditer(text):
        token = match.group(1)
        stripped = token.rstrip(TRAILING_PUNCTUATION)
        if not stripped:
            continue
        if match.start() > position:
            pieces.append((text[position : match.start()], None))
        pieces.append(("@" + stripped, stripped))
        position = match.start() + 1 + len(stripped)
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces
