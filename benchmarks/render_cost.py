"""What rendering costs per item, on a real dump: post bodies sanitised, `@` replies rendered.

The import spends most of its time beyond reading XML here, and the live site pays the same
price for every new post and comment, so this is the number to watch when changing
`pnyx.render`. It times, on a dump's files (the beer dump shipped with Pnyx by default):

- every Posts.xml body through `sanitise_imported_html` (nh3 with the site's link rewriting);
- every Comments.xml comment holding an `@` through `render_comment`, with the participants the
  importer gives it (the post's author and those who commented before), and, for comparison,
  through the markdown-it path alone (`render_comment_markdown`) when it exists; the same for
  those of them that are plain but for their `@name` tokens (which `render_comment` puts
  together without markdown-it);
- every comment through `render_comment` with the same participants.

Each figure is the best of ROUNDS runs (the machine is shared; the best run is the least
disturbed). Run: `.venv/bin/python -m benchmarks.render_cost [DUMP_FOLDER] [ROUNDS]`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import py7zr
from lxml import etree

from pnyx.render import comments
from pnyx.render.links import LinkContext
from pnyx.render.markdown import sanitise_imported_html
from pnyx.render.mentions import Participant, conversation

CONTEXT = LinkContext("/beer", ("https://beer.stackexchange.com",))
Reply = tuple[str, list[Participant]]


def rows(path: Path) -> Iterator[dict[str, str]]:
    for _event, element in etree.iterparse(str(path), events=("end",), tag="row"):
        yield dict(element.attrib)
        element.clear()


def replies(folder: Path) -> list[Reply]:
    """Every comment with who it can name, as the importer's `resolve_mentions` finds them."""
    names = {row["Id"]: row["DisplayName"] for row in rows(folder / "Users.xml")}
    owners = {row["Id"]: row.get("OwnerUserId", "") for row in rows(folder / "Posts.xml")}
    ordered = sorted(
        rows(folder / "Comments.xml"),
        key=lambda row: (int(row["PostId"]), row["CreationDate"], int(row["Id"])),
    )
    result: list[Reply] = []
    current_post, author, earlier = "", None, list[Participant]()
    for row in ordered:
        if row["PostId"] != current_post:
            current_post, earlier = row["PostId"], []
            owner = owners.get(current_post, "")
            author = Participant(int(owner), names[owner]) if owner in names else None
        result.append((row["Text"], conversation(author, earlier)))
        if row.get("UserId", "") in names:
            earlier.append(Participant(int(row["UserId"]), names[row["UserId"]]))
    return result


def user_url(participant: Participant) -> str:
    return f"/beer/users/{participant.user_id}/slug"


def best_seconds(work: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def report(label: str, seconds: float, count: int, extra: str = "") -> None:
    print(f"{label:<64} {count:>6} items  {seconds * 1e6 / count:8.1f} µs each{extra}")


def measure(folder: Path, rounds: int) -> None:
    bodies = [row.get("Body", "") for row in rows(folder / "Posts.xml")]
    kilobytes = sum(len(body.encode()) for body in bodies) / 1024
    seconds = best_seconds(lambda: [sanitise_imported_html(b, CONTEXT) for b in bodies], rounds)
    report("Posts bodies, sanitise_imported_html", seconds, len(bodies),
           f"  {seconds * 1e6 / kilobytes:6.1f} µs per KB")  # fmt: skip

    every = replies(folder)
    with_at = [(text, people) for text, people in every if "@" in text]
    paths: list[tuple[str, Callable[[str, Sequence[Participant]], str]]] = [
        ("render_comment", lambda text, people: comments.render_comment(text, people, user_url, CONTEXT))
    ]  # fmt: skip
    slow = getattr(comments, "render_comment_markdown", None)
    if slow is not None:
        paths.append(("render_comment_markdown", lambda t, p: slow(t, p, user_url, CONTEXT)))
    groups = [("with @", with_at), ("all", every)]
    shortcut = getattr(comments, "NOT_PLAIN_BUT_MENTIONS", None)
    if shortcut is not None:
        plain = [(text, people) for text, people in with_at if not shortcut.search(text)]
        groups.insert(1, ("with @, plain but for them", plain))
    for name, render in paths:
        for label, items in groups:
            seconds = best_seconds(lambda: [render(t, p) for t, p in items], rounds)  # noqa: B023
            report(f"Comments {label}, {name}", seconds, len(items))


def main(argv: list[str]) -> int:
    rounds = int(argv[1]) if len(argv) > 1 else 5
    if argv:
        measure(Path(argv[0]), rounds)
        return 0
    from pnyx.demo.beer import BEER_ARCHIVE

    with tempfile.TemporaryDirectory() as folder:
        with py7zr.SevenZipFile(BEER_ARCHIVE) as archive:
            archive.extractall(folder)
        measure(Path(folder), rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
