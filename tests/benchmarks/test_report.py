"""The benchmark's reading of wrk and its writing of docs/benchmarks.md (no server is run)."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.loadgen import LoadResult, parse_report, wrk_command
from benchmarks.machine import Machine
from benchmarks.report import BEGIN, END, Measured, WithWrites, render_block, verdicts, write_block

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:8000/-/ping
  1 threads and 8 connections
PNYX-BENCH {"duration_us": 10000000, "requests": 35000, "bytes": 4200000, \
"errors": {"connect": 0, "read": 0, "write": 0, "status": 2, "timeout": 1}, \
"latency_us": {"mean": 2100.5, "max": 60000, "p50": 1500, "p90": 3000, "p99": 12500}}
"""


def result(rps: float) -> LoadResult:
    return LoadResult(int(rps * 10), 10.0, 0, 1.0, 2.0, 3.0, 1.5, 9.0)


def test_wrk_summary_is_read_in_milliseconds() -> None:
    figures = parse_report(WRK_OUTPUT)
    assert figures.rps == 3500
    assert (figures.p50_ms, figures.p99_ms) == (1.5, 12.5)
    assert figures.errors == 3


def test_missing_summary_is_an_error() -> None:
    with pytest.raises(ValueError, match="PNYX-BENCH"):
        parse_report("wrk: connection refused")


def test_cookie_header_reaches_wrk(monkeypatch: pytest.MonkeyPatch) -> None:
    # The command is built whether or not wrk is installed here.
    monkeypatch.setattr("benchmarks.loadgen.wrk_path", lambda: "/usr/bin/wrk")
    command = wrk_command("http://127.0.0.1:1/x", 10, 8, 1, ("Cookie: a=b",))
    assert command[-3:] == ["-H", "Cookie: a=b", "http://127.0.0.1:1/x"]


def test_targets_are_shares_of_the_bare_view() -> None:
    results = [
        Measured("bare", "bare", "/-/ping", "", [result(1000), result(2000)]),
        Measured("typical", "typical", "/q", "", [result(900)], [result(50)]),
        Measured("beer_thread", "biggest", "/b", "", [result(300)]),
    ]
    by_key = {v.key: v for v in verdicts(results)}
    assert by_key["typical"].value == pytest.approx(0.45) and by_key["typical"].passed
    assert by_key["beer_thread"].value == pytest.approx(0.15) and not by_key["beer_thread"].passed


def test_writing_the_figures_keeps_the_other_sections(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    machine = Machine(2, "CPU", 4.0, "6", "3.11", "5.2", "2.8", "3.40", "wrk 4", "abc")
    results = [Measured("bare", "bare", "/-/ping", "", [result(1000)])]

    def block(when: str) -> str:
        return render_block(results, machine, when, {}, "wrk ...", "pnyx serve", [])

    write_block(doc, block("first run"))
    doc.write_text(doc.read_text() + "\n## Dump import\n\nImported in 3 s.\n")
    write_block(doc, block("second run"))
    text = doc.read_text()
    assert text.count(BEGIN) == text.count(END) == 1
    assert "second run" in text and "first run" not in text
    assert text.endswith("## Dump import\n\nImported in 3 s.\n")


def writes_done(ok: int, failed: int = 0, reasons: dict[str, int] | None = None) -> dict:  # type: ignore[type-arg]
    vote = {"ok": ok, "failed": failed, "expected": 0, "reasons": reasons or {}}
    empty = {"ok": 0, "failed": 0, "expected": 0, "reasons": {}}
    return {
        "ok": ok,
        "failed": failed,
        "per_second": ok / 10,
        "rate": 50.0,
        "missed": 0,
        "kinds": {"vote": vote, "comment": empty, "answer": empty},
    }


def test_signed_in_writes_and_latency_aims_of_issue_22() -> None:
    bare = Measured("bare", "bare", "/-/ping", "", [result(1000)])
    typical = Measured("typical", "typical", "/q", "", [result(900)], [result(50)], [result(300)])
    beside = WithWrites("typical", "typical", "/q", result(900), 45.0)
    beside.reads.extend([result(350), result(500)])
    beside.writes.extend([writes_done(400), writes_done(380, 3, {"403 Voting up requires": 3})])
    latencies = [
        {"kind": "vote", "ok": 100, "failed": 0, "reasons": {}, "p50_ms": 12.5, "p99_ms": 40.0},
        {"kind": "answer", "ok": 0, "failed": 100, "reasons": {"403 x": 100}, "p50_ms": None},
        {"kind": "comment", "ok": 50, "failed": 0, "reasons": {}, "p50_ms": 20.0},
    ]
    found = {v.label: v for v in verdicts([bare, typical], [beside], latencies)}
    assert found["typical, signed in"].value == pytest.approx(0.30)
    assert found["typical, signed in"].passed and found["typical, signed in"].issue == 22
    # With writes, the best round counts: 50% against 40%.
    assert found["typical with writes"].value == pytest.approx(0.50)
    assert found["typical with writes"].passed
    assert not found["vote p50"].passed  # 12.5 ms is not under 10 ms
    assert not found["answer p50"].passed  # no answer saved at all is a miss
    assert "comment p50" not in found  # information only

    machine = Machine(2, "CPU", 4.0, "6", "3.11", "5.2", "2.8", "3.40", "wrk 4", "abc")
    block = render_block(
        [bare, typical], machine, "now", {}, "wrk", "pnyx serve", [], [beside], latencies
    )
    assert "| 300 | 3.0 | 30% | 25% | pass |" in block  # signed in: req/s, p99, share, target
    # The writes table shows the best round (500 req/s) with that round's writes, its failures
    # and their reason.
    assert (
        "| typical | 900 | 500 | 3.0 | 50% | 40% | pass | 45.0 (5%) | 38.0 | 380 / 0 / 0 |" in block
    )
    assert "**3** (3x 403 Voting up requires)" in block
    assert "| answer | 0 |  |  | under 30 ms | **FAIL** | **100** (100x 403 x) |" in block
    assert "Issue 4 targets: all met." in block
    assert "Issue 22 targets: not met: vote p50: 12.5 ms (aim under 10 ms)" in block


def test_a_writer_that_cannot_start_is_reported_not_raised(tmp_path: Path) -> None:
    from benchmarks.run import Plan, _with_writer

    plan = Plan(1, 1, 1, 1, 1, True, 0.05, 1, 1)
    page = WithWrites("typical", "typical", "/q", result(900), 45.0)
    reads, done = _with_writer("http://127.0.0.1:9", page, {"broken": True}, plan, tmp_path)
    assert reads is None  # wrk was not started: there were no writes to measure beside
    assert done["error"].startswith("exit 1: KeyError")
