"""The benchmark's reading of wrk and its writing of docs/benchmarks.md (no server is run)."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.loadgen import LoadResult, parse_report, wrk_command
from benchmarks.machine import Machine
from benchmarks.report import BEGIN, END, Measured, render_block, verdicts, write_block

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
    assert by_key["typical"].ratio == pytest.approx(0.45) and by_key["typical"].passed
    assert by_key["beer_thread"].ratio == pytest.approx(0.15) and not by_key["beer_thread"].passed


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
