"""Turning measurements into the tables of docs/benchmarks.md, and the targets of issues 4 and 22."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.loadgen import LoadResult
from benchmarks.machine import Machine

BEGIN = "<!-- bench:http:begin (written by make bench; edits inside are overwritten) -->"
END = "<!-- bench:http:end -->"

# Issue 4, "Fast": requests per second of a page as a share of the bare view's, same server, same run.
TARGETS = {"typical": 0.40, "list": 0.40, "beer_list": 0.40, "beer_thread": 0.20}
# Issue 22, "Speed for people who are signed in": the same share for a signed-in reader, ...
SIGNED_IN_TARGETS = {"typical": 0.25}
# ... for readers without cookies while members write beside them, ...
WRITES_TARGET = 0.40
# ... and the median time of one write, in milliseconds.
LATENCY_AIMS = {"vote": 10.0, "answer": 30.0}


def best(rounds: list[LoadResult]) -> LoadResult:
    """The round with the most requests per second: interference from other work on a shared
    machine only ever slows a round down, so the best is the least disturbed."""
    return max(rounds, key=lambda r: r.rps)


@dataclass(frozen=True)
class Measured:
    """One page: `rounds` as a reader without cookies gets it (the page cache may answer),
    `rendered` as a reader with a cookie gets it (always rendered by the view)."""

    key: str
    label: str
    path: str
    note: str
    rounds: list[LoadResult]
    rendered: list[LoadResult] = field(default_factory=list)
    signed_in: list[LoadResult] = field(default_factory=list)

    @property
    def best(self) -> LoadResult:
        return best(self.rounds)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in [*self.rounds, *self.rendered, *self.signed_in])


@dataclass(frozen=True)
class WithWrites:
    """A page read without cookies while a writer ran beside wrk: per round, wrk's figures
    (`reads`) and the writer's (`writes`, the dict `benchmarks.writer` prints, or
    `{"error": ...}` when the writer could not run); `alone` is the page's best round without
    writes in the same run, and `rate` the writes per second asked of the writer."""

    key: str
    label: str
    path: str
    alone: LoadResult
    rate: float
    reads: list[LoadResult] = field(default_factory=list)
    writes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def best_round(self) -> int:
        return max(range(len(self.reads)), key=lambda n: self.reads[n].rps)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.reads)


@dataclass(frozen=True)
class Verdict:
    """A measured `value` against its `target`: a share of the bare view (at least the
    target), or for `unit` "ms" a time (under the target)."""

    key: str
    label: str
    value: float
    target: float
    unit: str = "share"
    issue: int = 4

    @property
    def passed(self) -> bool:
        return self.value < self.target if self.unit == "ms" else self.value >= self.target

    def describe(self) -> str:
        if self.unit == "ms":
            return f"{self.label}: {self.value:.1f} ms (aim under {self.target:.0f} ms)"
        return f"{self.label}: {percent(self.value)} of bare (target {self.target:.0%})"


def percent(fraction: float) -> str:
    """A share as a percentage: whole numbers, with one decimal under 10% (where 0.4% and
    0.6% are worth telling apart)."""
    return f"{fraction:.1%}" if fraction < 0.1 else f"{fraction:.0%}"


def share(rounds: list[LoadResult], bare: Measured) -> float:
    return best(rounds).rps / bare.best.rps if rounds and bare.best.rps else 0.0


def verdicts(
    results: list[Measured],
    writes: list[WithWrites] | None = None,
    latencies: list[dict[str, Any]] | None = None,
) -> list[Verdict]:
    """Every target and aim that this run measured, issue 4's first."""
    bare = results[0]
    found = [
        Verdict(m.key, m.label, share(m.rounds, bare), TARGETS[m.key])
        for m in results
        if m.key in TARGETS
    ]
    found += [
        Verdict(
            m.key,
            f"{m.label}, signed in",
            share(m.signed_in, bare),
            SIGNED_IN_TARGETS[m.key],
            issue=22,
        )
        for m in results
        if m.key in SIGNED_IN_TARGETS and m.signed_in
    ]
    found += [
        Verdict(w.key, f"{w.label} with writes", share(w.reads, bare), WRITES_TARGET, issue=22)
        for w in writes or []
        if w.reads
    ]
    for timed in latencies or []:
        aim = LATENCY_AIMS.get(timed["kind"])
        if aim is not None:
            p50 = timed.get("p50_ms")
            # No successful write at all is a miss, not a pass.
            value = float("inf") if p50 is None else float(p50)
            found.append(Verdict(timed["kind"], f"{timed['kind']} p50", value, aim, "ms", 22))
    return found


def _mark(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return "pass" if value >= target else "**FAIL**"


def _variant(rounds: list[LoadResult], bare: Measured, target: float | None) -> list[str]:
    """req/s, p99, share, target and mark of one way of requesting a page ('' when unmeasured)."""
    if not rounds:
        return ["", "", "", "", ""]
    top, page_share = best(rounds), share(rounds, bare)
    return [
        f"{top.rps:,.0f}",
        f"{top.p99_ms:.1f}",
        percent(page_share),
        f"{target:.0%}" if target is not None else "",
        _mark(page_share, target),
    ]


def _table(results: list[Measured]) -> list[str]:
    bare = results[0]
    rows = [
        "| page | what | req/s | p50 ms | p99 ms | share of bare | target | "
        "| cookie req/s | cookie p99 ms | cookie share "
        "| signed in req/s | signed in p99 ms | signed in share | target | |",
        "|---|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for m in results:
        top = m.best
        anonymous = _variant(m.rounds, bare, TARGETS.get(m.key))
        cookie = _variant(m.rendered, bare, None)[:3]
        signed_in = _variant(m.signed_in, bare, SIGNED_IN_TARGETS.get(m.key))
        rows.append(
            f"| {m.label} | `{m.path}`<br>{m.note} | {anonymous[0]} | {top.p50_ms:.1f} | "
            + " | ".join([*anonymous[1:], *cookie, *signed_in])
            + " |"
        )
    return rows


def _mix(writes: dict[str, Any]) -> str:
    kinds = writes.get("kinds", {})
    return " / ".join(
        str(kinds.get(kind, {}).get("ok", 0)) for kind in ("vote", "comment", "answer")
    )


def _failures(writes: dict[str, Any]) -> str:
    """Failed writes with their most common reasons, for the table."""
    if "error" in writes:
        return f"**writer failed**: {writes['error']}"
    reasons: dict[str, int] = {}
    for tally in writes.get("kinds", {}).values():
        for reason, count in tally.get("reasons", {}).items():
            reasons[reason] = reasons.get(reason, 0) + count
    failed = int(writes.get("failed", 0))
    text = f"**{failed}**" if failed else "0"
    if reasons:
        top = sorted(reasons.items(), key=lambda item: -item[1])[:3]
        text += " (" + "; ".join(f"{n}x {r.replace('|', '/')}" for r, n in top) + ")"
    return text


def _writes_table(bare: Measured, writes: list[WithWrites]) -> list[str]:
    rows = [
        "| page | req/s alone | req/s with writes | p99 ms | share of bare | target | "
        "| writes/s asked | writes/s done | votes / comments / answers | failed writes |",
        "|---|--:|--:|--:|--:|--:|---|--:|--:|--:|---|",
    ]
    for w in writes:
        if not w.reads:
            continue
        n = w.best_round
        top, done = w.reads[n], w.writes[n] if n < len(w.writes) else {"error": "no result"}
        page_share = share(w.reads, bare)
        rows.append(
            f"| {w.label} | {w.alone.rps:,.0f} | {top.rps:,.0f} | {top.p99_ms:.1f} | "
            f"{percent(page_share)} | {WRITES_TARGET:.0%} | {_mark(page_share, WRITES_TARGET)} | "
            f"{w.rate:,.1f} ({w.rate / w.alone.rps if w.alone.rps else 0:.0%}) | "
            f"{float(done.get('per_second', 0)):,.1f} | {_mix(done)} | "
            f"{_failures(done)} |"
        )
    return rows


def _ms(value: Any) -> str:
    return "" if value is None else f"{float(value):.1f}"


def _latency_table(latencies: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| write | requests | p50 ms | p99 ms | aim p50 | | failed |",
        "|---|--:|--:|--:|--:|---|---|",
    ]
    for timed in latencies:
        aim = LATENCY_AIMS.get(timed["kind"])
        p50 = timed.get("p50_ms")
        mark = ""
        if aim is not None:
            mark = "pass" if p50 is not None and p50 < aim else "**FAIL**"
        failures = _failures({"failed": timed.get("failed", 0), "kinds": {"x": timed}})
        rows.append(
            f"| {timed['kind']} | {timed.get('ok', 0)} | {_ms(p50)} | {_ms(timed.get('p99_ms'))} | "
            f"{f'under {aim:.0f} ms' if aim is not None else ''} | {mark} | {failures} |"
        )
    return rows


def _verdict_lines(found: list[Verdict]) -> list[str]:
    lines = []
    for issue in sorted({v.issue for v in found}):
        failed = [v for v in found if v.issue == issue and not v.passed]
        lines.append(
            f"Issue {issue} targets: "
            + (
                "all met."
                if not failed
                else "not met: " + ", ".join(v.describe() for v in failed) + "."
            )
        )
    return lines


def render_block(
    results: list[Measured],
    machine: Machine,
    when: str,
    settings: dict[str, str],
    wrk_example: str,
    serve_command: str,
    preparation: list[str],
    writes: list[WithWrites] | None = None,
    latencies: list[dict[str, Any]] | None = None,
    write_notes: list[str] | None = None,
) -> str:
    """The generated part of docs/benchmarks.md, between the markers."""
    knobs = " ".join(f"{k}={v}" for k, v in settings.items())
    lines = [
        BEGIN,
        f"### Latest run: {when}",
        "",
        f"Command: `{knobs} make bench`. It served the pages with `{serve_command}` (granian, "
        "debug off) over a throw-away data directory on SQLite, and drove each page with",
        f"`{wrk_example}`.",
        "",
        *[f"- {line}" for line in machine.lines()],
        *[f"- {line}" for line in preparation],
        "",
        *_table(results),
        "",
        "req/s, p50 and p99 are those of the best round of each page. The first columns are what",
        "a reader without cookies gets (crawlers, first visits: the page cache may answer); the",
        '"cookie" ones are the same page requested with a meaningless cookie, which always runs',
        'the view; "signed in" is the page as the signed-in reader Bench Reader gets it (a real',
        "session: the page greets the reader and shows vote forms). Every round, in order",
        "(without cookie / with a cookie / signed in):",
        "",
    ]
    for m in results:
        per_round = " / ".join(
            ", ".join(f"{r.rps:,.0f}" for r in variant)
            for variant in (m.rounds, m.rendered, m.signed_in)
            if variant
        )
        errors = f"; **{m.errors} errors**" if m.errors else ""
        lines.append(f"- {m.label}: {per_round} req/s{errors}")
    if writes:
        lines += [
            "",
            "#### Readers without cookies while members write",
            "",
            *_writes_table(results[0], writes),
            "",
            "Each row is the best of its rounds. A writer process ran beside wrk, asked for writes",
            "at the share shown of the page's req/s alone (its best round without writes, above);",
            "an up vote and its taking back count as two votes. Every round (req/s with writes,",
            "writes/s done):",
            "",
        ]
        for w in writes:
            per_round = ", ".join(
                f"{r.rps:,.0f} ({float(d.get('per_second', 0)):,.1f})"
                for r, d in zip(w.reads, w.writes, strict=False)
            )
            errors = f"; **{w.errors} failed reads**" if w.errors else ""
            lines.append(f"- {w.label}: {per_round}{errors}")
    if latencies:
        lines += ["", "#### One write at a time", "", *_latency_table(latencies)]
    if write_notes:
        lines += ["", *[f"- {note}" for note in write_notes]]
    lines += ["", *_verdict_lines(verdicts(results, writes, latencies)), END]
    return "\n".join(lines)


HEADER = """\
# Benchmarks

How fast Pnyx serves its pages, measured by `make bench` (`benchmarks/`). The figures below are
the latest run; compare a change against them on the same kind of machine.
"""


def write_block(doc: Path, block: str) -> None:
    """Replace the generated block in `doc`, keeping everything else (other sections) as it is."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else HEADER
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n## HTTP\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")
