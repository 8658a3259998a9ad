"""The import's progress: a live table on a terminal, log lines in a file or a pipe."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from pnyx.dumps import progress
from pnyx.dumps.progress import LogReporter, Reporter, RichReporter, reporter_for


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(progress.time, "monotonic", fake)
    return fake


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def table_lines(reporter: RichReporter, width: int = 80) -> list[str]:
    """The live table as a terminal of `width` columns shows it now."""
    screen = Console(width=width, file=io.StringIO(), color_system=None, force_terminal=True)
    with screen.capture() as captured:
        screen.print(reporter.progress.make_tasks_table(reporter.progress.tasks))
    return [line.rstrip() for line in captured.get().splitlines() if line.strip()]


def test_log_lines_give_rows_rate_share_and_time_left(clock: FakeClock) -> None:
    out = io.StringIO()
    reporter = LogReporter(out)
    reporter.start_file("Posts.xml", total_bytes=1000)
    clock.now += 1
    reporter.advance(200, 100)  # too soon after the start: nothing
    assert out.getvalue() == ""
    clock.now += 4
    reporter.advance(1000, 500)
    clock.now += 5
    reporter.finish_file(2000)
    with reporter.step("indexes"):
        clock.now += 2.5
    assert out.getvalue().splitlines() == [
        "Posts.xml: 1,000 rows, 200 rows/s, 50%, about 5s left",
        "Posts.xml: 2,000 rows in 10.0s (200 rows/s)",
        "indexes: done in 2.5s",
    ]


def test_log_lines_of_files_read_side_by_side_name_their_file(clock: FakeClock) -> None:
    out = io.StringIO()
    reporter = LogReporter(out)
    reporter.start_file("Votes.xml", total_bytes=100)
    reporter.start_file("Comments.xml", total_bytes=100)
    clock.now += 6
    reporter.advance(600, 25, name="Votes.xml")
    reporter.finish_file(300, name="Comments.xml")
    assert out.getvalue().splitlines() == [
        "Votes.xml: 600 rows, 100 rows/s, 25%, about 18s left",
        "Comments.xml: 300 rows in 6.0s (50 rows/s)",
    ]


def test_live_table_shows_rows_rate_and_time_left_within_80_columns(clock: FakeClock) -> None:
    reporter = RichReporter(Console(file=Terminal(), width=80, force_terminal=True))
    reporter.progress.get_time = clock  # the tasks below take their times from it
    try:
        reporter.start_file("PostHistory.xml", total_bytes=2_000_000_000)
        clock.now += 10
        reporter.advance(617_283, 500_000_000)
        clock.now += 10
        reporter.advance(1_234_567, 1_000_000_000)  # the last quarter in 10 s: 20 s left
        reporter.start_file("Votes.xml", total_bytes=1000)
        clock.now += 2
        reporter.finish_file(1_234_567_890, name="Votes.xml")
        with reporter.step("replies and checks"):
            clock.now += 3
            running_step = table_lines(reporter)[-1]
            clock.now += 1
        lines = table_lines(reporter)
    finally:
        reporter.close()
    assert all(len(line) <= 80 for line in [*lines, running_step]), lines
    history, votes, step = lines  # the history still read: 1,234,567 rows in 26 s
    assert re.fullmatch(r"PostHistory\.xml .+ 1,234,567 rows +47,483/s 0:00:20 left", history)
    assert re.fullmatch(r"Votes\.xml +\S+ +1,234,567,890 rows +617\.3M/s in 2\.0s", votes)
    # A step reads no file: no rows, only the time so far, then the time it took.
    assert re.fullmatch(r"replies and checks .+ 0:00:03", running_step)
    assert re.fullmatch(r"replies and checks .+ in 4\.0s", step)


def test_reporter_for_picks_the_display_by_where_the_output_goes() -> None:
    assert type(reporter_for(io.StringIO())) is LogReporter
    assert type(reporter_for(Terminal(), quiet=True)) is Reporter
    live = reporter_for(Terminal())
    try:
        assert isinstance(live, RichReporter)
    finally:
        live.close()
