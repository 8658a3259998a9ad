"""Writes by signed-in members against the running server: beside wrk, and one at a time.

Only the standard library: each member's requests are what a browser sends from a question
page, over keep-alive connections (`http.client`), with the member's session cookie, its CSRF
cookie and the token the page's forms carry (`read_tokens` reads it from a page, and checks on
the way that the page greets the member by name, so a broken session cannot pass unseen):

- a vote: POST `PREFIX/posts/ID/vote` with `vote=up`, then `vote=none` on the same post (a
  vote can be taken back within 5 minutes), sent as htmx sends it (`HX-Request: true`; the
  answer is the changed vote cell);
- a comment: POST `PREFIX/posts/ID/comments` (htmx too; the answer is the comment list), a
  unique text of 15 to 600 characters, by a member who has not commented for 16 seconds (one
  comment per member per 15 seconds is the rule);
- an answer: POST `PREFIX/questions/ID/answer/submit` (a plain form; the answer is a redirect
  to the new answer), a unique body.

A refused write is counted with its status and the page's message, never raised: a 2xx, or a
3xx that does not lead to the log-in page, is a success; an answer refused as a duplicate
(409) is counted apart, as expected; everything else is a failure.

`python -m benchmarks.writer CONFIG.json` (started by `benchmarks.run`): prints `PNYX-WRITER
READY`, writes at the configured rate on several connections until a line (or the end) comes
on standard input, takes back any up vote still standing, and prints one `PNYX-WRITES {json}`
line. `latency(...)`: sequential votes, answers and comments on one connection, each timed.

Members' last comment times and up votes of the day are kept in a state file shared by the
writer processes and the latency run of one benchmark, so the 15-second rule holds across them.
"""

from __future__ import annotations

import http.client
import json
import re
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape, unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

READY = "PNYX-WRITER READY"
RESULT_MARK = "PNYX-WRITES "
# One comment per member per 15 seconds; a second more for clocks and request times.
COMMENT_GAP = 16.0
# Up votes one member casts in a day (UTC), at most: the app allows 40, the last 10 on
# questions only, so 30 holds for answers too.
DAILY_UPS = 30
# Out of every 20 writes: 15 votes (up or back to none), 3 comments, 2 answers, interleaved.
MIX = [{"v": "vote", "c": "comment", "a": "answer"}[k] for k in "vvcvvvavvcvvvvcvvavv"]
# A slot more than this late is dropped rather than sent in a burst.
LATE = 1.0
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ALERT_RE = re.compile(r'role="alert"[^>]*>(.*?)</div>', re.DOTALL)
TAG_RE = re.compile(r"<[^>]+>")


@dataclass
class Member:
    name: str
    cookie: str  # the Cookie header: session and CSRF cookie
    token: str = ""  # the CSRF token of the member's forms, read from a page


@dataclass
class Tally:
    """What one kind of write did: successes with their times, and failures by reason."""

    ok: int = 0
    failed: int = 0
    expected: int = 0  # refused as the rules say they should be (a duplicate answer)
    reasons: Counter[str] = field(default_factory=Counter)
    times_ms: list[float] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.ok += other.ok
        self.failed += other.failed
        self.expected += other.expected
        self.reasons.update(other.reasons)
        self.times_ms.extend(other.times_ms)

    def summary(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "failed": self.failed,
            "expected": self.expected,
            "reasons": dict(self.reasons.most_common(5)),
            "p50_ms": percentile(self.times_ms, 50),
            "p99_ms": percentile(self.times_ms, 99),
        }


def percentile(values: list[float], q: float) -> float | None:
    """The nearest-rank percentile `q` (0-100) of `values`, None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100), at least 1
    return round(ordered[int(rank) - 1], 2)


def _reason(status: int, body: bytes, location: str) -> str:
    """A short account of a refusal: the status and the message the page shows."""
    if 300 <= status < 400:
        return f"{status} to {location[:60]}"
    found = ALERT_RE.search(body.decode("utf-8", "replace"))
    text = " ".join(unescape(TAG_RE.sub(" ", found.group(1))).split()) if found else ""
    return f"{status} {text[:90]}".strip()


class Connection:
    """One keep-alive connection to the server; reopened once if the server closed it."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._connection: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def _open(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(
        self, method: str, path: str, headers: dict[str, str], body: str | None = None
    ) -> tuple[int, bytes, str, float]:
        """(status, body, Location header, milliseconds from sending to the whole answer)."""
        for attempt in (1, 2):
            connection = self._open()
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                # The server closed an idle keep-alive connection: open another and send again.
                self.close()
                if attempt == 2:
                    raise
                self.reconnects += 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if response.will_close:
                self.close()
            return response.status, content, response.getheader("Location") or "", elapsed
        raise AssertionError("unreachable")


class Writes:
    """The three writes of a member, each counted in `tallies` by kind."""

    def __init__(self, base: str, prefix: str, state: dict[str, Any]) -> None:
        self.connection = Connection(base)
        self.prefix = prefix.rstrip("/")
        self.state = state
        self.tallies = {kind: Tally() for kind in ("vote", "comment", "answer")}

    def _post(
        self,
        kind: str,
        member: Member,
        path: str,
        form: dict[str, str],
        htmx: bool,
        tally: Tally | None = None,
    ) -> bool:
        headers = {
            "Cookie": member.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        if htmx:
            headers["HX-Request"] = "true"
        body = urlencode({"csrfmiddlewaretoken": member.token, **form})
        tally = tally if tally is not None else self.tallies[kind]
        try:
            status, content, location, elapsed = self.connection.request(
                "POST", self.prefix + path, headers, body
            )
        except (OSError, http.client.HTTPException) as exc:
            tally.failed += 1
            tally.reasons[f"no answer: {type(exc).__name__}"] += 1
            return False
        signed_out = 300 <= status < 400 and "login" in location
        if 200 <= status < 400 and not signed_out:
            tally.ok += 1
            tally.times_ms.append(elapsed)
            return True
        if kind == "answer" and status == 409:
            tally.expected += 1
        else:
            tally.failed += 1
        tally.reasons[_reason(status, content, location)] += 1
        return False

    def vote(self, member: Member, post_id: int, value: str, tally: Tally | None = None) -> bool:
        if value == "up":
            day = datetime.now(UTC).date().isoformat()
            if self.state.setdefault("day", day) != day:
                self.state["day"], self.state["ups"] = day, {}
            ups = self.state.setdefault("ups", {})
            ups[member.name] = ups.get(member.name, 0) + 1
        path = f"/posts/{post_id}/vote"
        return self._post("vote", member, path, {"vote": value}, htmx=True, tally=tally)

    def may_vote(self, member: Member) -> bool:
        day = datetime.now(UTC).date().isoformat()
        if self.state.get("day") != day:
            return True
        return int(self.state.get("ups", {}).get(member.name, 0)) < DAILY_UPS

    def may_comment(self, member: Member) -> bool:
        last = float(self.state.setdefault("last_comment", {}).get(member.name, 0.0))
        return time.time() - last >= COMMENT_GAP

    def comment(self, member: Member, post_id: int, text: str) -> bool:
        self.state.setdefault("last_comment", {})[member.name] = time.time()
        return self._post("comment", member, f"/posts/{post_id}/comments", {"text": text}, True)

    def answer(self, member: Member, question_id: int, body: str) -> bool:
        path = f"/questions/{question_id}/answer/submit"
        return self._post("answer", member, path, {"body": body}, htmx=False)


def comment_text(tag: str) -> str:
    return f"Benchmark comment {tag}: a cold crash after dry hopping made the difference here."


def answer_body(tag: str) -> str:
    return (
        f"Benchmark answer {tag}. Rest the beer three days after dry hopping, cold crash it "
        "for two more, and bottle straight away: the aroma lasts and the bottles stay clear."
    )


def read_tokens(
    base: str, members: list[Member], path: str, connections: int = 4
) -> dict[str, str]:
    """Fill in each member's CSRF token from `path` (a question page) as the member gets it,
    on a few connections at once.

    Returns what went wrong by member name: a page that is not 200, that does not name the
    member (the session is not valid) or has no form token."""
    problems: dict[str, str] = {}

    def read(group: list[Member]) -> None:
        connection = Connection(base)
        try:
            for member in group:
                problem = _read_token(connection, member, path)
                if problem:
                    problems[member.name] = problem
        finally:
            connection.close()

    threads = [
        threading.Thread(target=read, args=(members[n::connections],))
        for n in range(max(1, connections))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return problems


def _read_token(connection: Connection, member: Member, path: str) -> str:
    try:
        status, body, _, _ = connection.request("GET", path, {"Cookie": member.cookie})
    except (OSError, http.client.HTTPException) as exc:
        return f"no answer: {type(exc).__name__}"
    text = body.decode("utf-8", "replace")
    found = TOKEN_RE.search(text)
    if status != 200:
        return f"{path} answered {status}"
    if escape(member.name) not in text:
        return f"{path} does not name the member: not signed in"
    if found is None:
        return f"{path} has no CSRF token in a form"
    member.token = found.group(1)
    return ""


def load_state(path: Path) -> dict[str, Any]:
    try:
        state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return state
    except (OSError, ValueError):
        return {}


def save_state(path: Path, state: dict[str, Any]) -> None:
    path.write_text(json.dumps(state), encoding="utf-8")


# Paced writes beside a read load.


class Schedule:
    """Slots at a fixed rate from `start`; each thread takes the next free one."""

    def __init__(self, rate: float, start: float) -> None:
        self.interval = 1.0 / rate
        self.start = start
        self.next = 0
        self.lock = threading.Lock()

    def take(self) -> tuple[int, float]:
        with self.lock:
            slot = self.next
            self.next += 1
        return slot, self.start + slot * self.interval


@dataclass
class Lane:
    """One connection's members and where each write goes next."""

    writes: Writes
    members: list[Member]
    vote_posts: list[int]
    questions: list[int]
    tag: str
    count: int = 0
    pending_undo: tuple[Member, int] | None = None  # an up vote to take back next
    vote_cursor: int = 0
    member_cursor: int = 0
    question_cursor: int = 0
    missed: int = 0
    replaced: int = 0  # comments done as votes: no member was free to comment
    skipped: int = 0  # votes not sent: every member's daily up votes are used

    def _next_member(self, allowed: Any) -> Member | None:
        for _ in range(len(self.members)):
            member = self.members[self.member_cursor % len(self.members)]
            self.member_cursor += 1
            if allowed(member):
                return member
        return None

    def _next_question(self) -> int:
        question = self.questions[self.question_cursor % len(self.questions)]
        self.question_cursor += 1
        return question

    def vote(self) -> None:
        if self.pending_undo is not None:
            member, post_id = self.pending_undo
            self.pending_undo = None
            self.writes.vote(member, post_id, "none")
            return
        found = self._next_member(self.writes.may_vote)
        if found is None:
            self.skipped += 1
            return
        post_id = self.vote_posts[self.vote_cursor % len(self.vote_posts)]
        self.vote_cursor += 1
        if self.writes.vote(found, post_id, "up"):
            self.pending_undo = (found, post_id)

    def write(self, kind: str) -> None:
        self.count += 1
        tag = f"{self.tag}-{self.count}"
        if kind == "comment":
            member = self._next_member(self.writes.may_comment)
            if member is None:
                self.replaced += 1
                self.vote()
            else:
                self.writes.comment(member, self._next_question(), comment_text(tag))
        elif kind == "answer":
            member = self._next_member(lambda _: True)
            assert member is not None
            self.writes.answer(member, self._next_question(), answer_body(tag))
        else:
            self.vote()

    def run(self, schedule: Schedule, stop: threading.Event) -> None:
        while not stop.is_set():
            slot, due = schedule.take()
            wait = due - time.monotonic()
            if wait > 0 and stop.wait(wait):
                break
            if wait < -LATE:
                self.missed += 1
                continue
            self.write(MIX[slot % len(MIX)])

    def finish(self) -> Tally:
        """Take back an up vote still standing (outside the measured time)."""
        done = Tally()
        if self.pending_undo is not None:
            member, post_id = self.pending_undo
            self.pending_undo = None
            self.writes.vote(member, post_id, "none", tally=done)
        self.writes.connection.close()
        return done


class Beside:
    """A paced writer: its lanes are set up from the config first (a bad config fails here,
    before the benchmark is told the writer is ready), then `run` writes until `stop`."""

    def __init__(self, config: dict[str, Any]) -> None:
        members = [Member(**m) for m in config["members"]]
        self.rate = float(config["rate"])
        if not members or self.rate <= 0:
            raise ValueError("a writer needs members and a rate above 0")
        self.state_path = Path(config["state"])
        self.state = load_state(self.state_path)
        connections = max(1, min(int(config["connections"]), len(members)))
        run_tag = uuid.uuid4().hex[:8]
        self.lanes = [
            Lane(
                Writes(config["base"], config["prefix"], self.state),
                members[n::connections],
                list(config["vote_posts"]),
                list(config["questions"][n::connections] or config["questions"]),
                f"{run_tag}-{n}",
            )
            for n in range(connections)
        ]

    def run(self, stop: threading.Event) -> dict[str, Any]:
        """Write at the rate until `stop` is set; the figures as a dict."""
        schedule = Schedule(self.rate, time.monotonic() + 0.05)
        threads = [
            threading.Thread(target=lane.run, args=(schedule, stop), daemon=True)
            for lane in self.lanes
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # Rounded once, so that the rate reported is the one a reader computes from the figures.
        seconds = round(time.monotonic() - schedule.start, 2)
        cleanup = Tally()
        for lane in self.lanes:
            cleanup.add(lane.finish())
        save_state(self.state_path, self.state)
        kinds: dict[str, Tally] = {kind: Tally() for kind in ("vote", "comment", "answer")}
        for lane in self.lanes:
            for kind, tally in lane.writes.tallies.items():
                kinds[kind].add(tally)
        ok = sum(t.ok for t in kinds.values())
        return {
            "seconds": seconds,
            "rate": self.rate,
            "connections": len(self.lanes),
            "ok": ok,
            "failed": sum(t.failed for t in kinds.values()),
            "expected": sum(t.expected for t in kinds.values()),
            "per_second": round(ok / seconds, 1) if seconds > 0 else 0.0,
            "missed": sum(lane.missed for lane in self.lanes),
            "replaced_comments": sum(lane.replaced for lane in self.lanes),
            "skipped_votes": sum(lane.skipped for lane in self.lanes),
            "reconnects": sum(lane.writes.connection.reconnects for lane in self.lanes),
            "kinds": {kind: tally.summary() for kind, tally in kinds.items()},
            "cleanup": {"ok": cleanup.ok, "failed": cleanup.failed},
        }


def write_beside(config: dict[str, Any], stop: threading.Event) -> dict[str, Any]:
    """Write at `config["rate"]` per second until `stop` is set; the figures as a dict."""
    return Beside(config).run(stop)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m benchmarks.writer CONFIG.json", file=sys.stderr)
        return 2
    config = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    beside = Beside(config)
    stop = threading.Event()
    limit = float(config.get("max_seconds", 600))

    def wait_for_stop() -> None:
        sys.stdin.readline()  # a line, or the end of the input when the benchmark is gone
        stop.set()

    threading.Thread(target=wait_for_stop, daemon=True).start()
    timer = threading.Timer(limit, stop.set)
    timer.daemon = True
    timer.start()
    print(READY, flush=True)
    result = beside.run(stop)
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0


# One write at a time: how long the server takes for each.


@dataclass
class Latency:
    """Sequential writes of one kind, each timed from sending to the whole answer."""

    kind: str
    wanted: int
    tally: Tally

    @property
    def p50_ms(self) -> float | None:
        return percentile(self.tally.times_ms, 50)

    @property
    def p99_ms(self) -> float | None:
        return percentile(self.tally.times_ms, 99)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "wanted": self.wanted, **self.tally.summary()}


def _cycle(items: list[Any]) -> Iterator[Any]:
    while True:
        yield from items


def latency(
    base: str,
    prefix: str,
    members: list[Member],
    answers: list[int],
    questions: list[int],
    count: int,
    state_path: Path,
    warmup: int = 4,
) -> list[Latency]:
    """`count` votes (up, then back to none, on the answers `answers`, members in turn),
    `count` answers (on `questions`) and up to `count` comments (as many as members are free
    to comment), one at a time on one keep-alive connection. The first `warmup` of each kind
    are not counted."""
    state = load_state(state_path)
    writes = Writes(base, prefix, state)
    tag = uuid.uuid4().hex[:8]
    warmup_votes = Tally()  # thrown away
    try:
        voters, targets = _cycle(members), _cycle(answers)
        for n in range((warmup + count + 1) // 2):
            tally = warmup_votes if n < warmup // 2 else writes.tallies["vote"]
            member, post_id = next(voters), next(targets)
            if writes.vote(member, post_id, "up", tally=tally):
                writes.vote(member, post_id, "none", tally=tally)

        authors, places = _cycle(members), _cycle(questions)
        for n in range(warmup + count):
            if n == warmup:
                writes.tallies["answer"] = Tally()
            writes.answer(next(authors), next(places), answer_body(f"{tag}-latency-{n}"))

        free = [m for m in members if writes.may_comment(m)]
        for n, member in enumerate(free[: warmup + count]):
            if n == warmup:
                writes.tallies["comment"] = Tally()
            writes.comment(member, next(places), comment_text(f"{tag}-latency-{n}"))
    finally:
        writes.connection.close()
        save_state(state_path, state)
    return [Latency(kind, count, writes.tallies[kind]) for kind in ("vote", "answer", "comment")]


def as_dicts(results: list[Latency]) -> list[dict[str, Any]]:
    return [r.as_dict() for r in results]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
