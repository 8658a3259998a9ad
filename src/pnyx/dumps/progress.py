"""Showing an import's progress: a live table on a terminal, plain log lines otherwise.

Per file: rows read, rows per second and the time left (from the bytes read, since a streamed
file's row count is unknown until its end), then the time it took. The finishing steps after
the files (indexes, the comments' `@name` replies, the checks) are shown as they start and end.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
)
from rich.text import Text

LOG_EVERY_SECONDS = 5.0


class Reporter:
    """Progress sink with no output (tests, benchmarks); the base of the two displays."""

    def start_file(self, name: str, total_bytes: int) -> None:
        pass

    def advance(self, rows: int, bytes_read: int, name: str | None = None) -> None:
        """`name`: the file, when several are read at once (else the last one started)."""

    def finish_file(self, rows: int, name: str | None = None) -> None:
        pass

    @contextmanager
    def step(self, description: str) -> Iterator[None]:
        yield

    def note(self, message: str) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class _FileClock:
    total: int  # bytes
    started: float
    last_log: float


class LogReporter(Reporter):
    """One line per file when it ends, and every few seconds while a long file is read."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._name = ""
        self._files: dict[str, _FileClock] = {}

    def _print(self, message: str) -> None:
        print(message, file=self.stream, flush=True)

    def start_file(self, name: str, total_bytes: int) -> None:
        self._name = name
        now = time.monotonic()
        self._files[name] = _FileClock(total_bytes, now, now)

    def advance(self, rows: int, bytes_read: int, name: str | None = None) -> None:
        name = name or self._name
        clock = self._files.get(name)
        now = time.monotonic()
        if clock is None or now - clock.last_log < LOG_EVERY_SECONDS:
            return
        clock.last_log = now
        elapsed = max(now - clock.started, 1e-9)
        line = f"{name}: {rows:,} rows, {rows / elapsed:,.0f} rows/s"
        if clock.total and bytes_read:
            fraction = min(bytes_read / clock.total, 1.0)
            left = elapsed * (1 - fraction) / max(fraction, 1e-9)
            line += f", {fraction:.0%}, about {left:,.0f}s left"
        self._print(line)

    def finish_file(self, rows: int, name: str | None = None) -> None:
        name = name or self._name
        clock = self._files.pop(name, None)
        started = clock.started if clock else time.monotonic()
        elapsed = max(time.monotonic() - started, 1e-9)
        self._print(f"{name}: {rows:,} rows in {elapsed:.1f}s ({rows / elapsed:,.0f} rows/s)")

    @contextmanager
    def step(self, description: str) -> Iterator[None]:
        started = time.monotonic()
        yield
        self._print(f"{description}: done in {time.monotonic() - started:.1f}s")

    def note(self, message: str) -> None:
        self._print(message)


NAME_WIDTH = 18  # the longest file name (PostHistory.xml) and step name fit
BAR_WIDTH = 16  # with it, a row of the live table fits a terminal of 80 columns


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


class _RowsColumn(ProgressColumn):
    """Rows read and rows per second; blank for a step, which reads no file."""

    def render(self, task: Task) -> Text:
        if task.fields.get("step"):
            return Text("")
        rows = int(task.fields.get("rows", 0))
        elapsed = task.finished_time if task.finished else task.elapsed
        rate = rows / elapsed if elapsed else 0.0
        shown = f"{rate:,.0f}" if rate < 1_000_000 else f"{rate / 1_000_000:,.1f}M"
        return Text(f"{rows:>13,} rows {shown:>8}/s", style="progress.data.speed")


class _TimeColumn(ProgressColumn):
    """The time left while a file is read (from the bytes read so far), the time taken once
    it is read; for a step or a file of unknown size, the time so far."""

    def render(self, task: Task) -> Text:
        if task.finished:
            taken = task.finished_time or 0.0
            shown = f"{taken:.1f}s" if taken < 60 else _clock(taken)
            return Text(f"in {shown}", style="progress.elapsed")
        if task.total is None:
            return Text(_clock(task.elapsed), style="progress.elapsed")
        return Text(f"{_clock(task.time_remaining)} left", style="progress.remaining")


class RichReporter(Reporter):
    """A live table: a bar per file, with rows, rows/s and the time left, and a line per
    finishing step; it fits a terminal of 80 columns."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.progress = Progress(
            TextColumn(f"{{task.description:<{NAME_WIDTH}}}"),
            BarColumn(bar_width=BAR_WIDTH),
            _RowsColumn(),
            _TimeColumn(),
            console=self.console,
            transient=False,
        )
        self.progress.start()
        self._name = ""
        self._tasks: dict[str, TaskID] = {}

    def start_file(self, name: str, total_bytes: int) -> None:
        # A named pipe has no size: the bar then only pulses.
        self._name = name
        self._tasks[name] = self.progress.add_task(name, total=total_bytes or None, rows=0)

    def advance(self, rows: int, bytes_read: int, name: str | None = None) -> None:
        task_id = self._tasks.get(name or self._name)
        if task_id is not None:
            self.progress.update(task_id, completed=bytes_read, rows=rows)

    def finish_file(self, rows: int, name: str | None = None) -> None:
        task_id = self._tasks.get(name or self._name)
        if task_id is not None:
            task = self.progress.tasks[task_id]
            self.progress.update(
                task_id, total=task.total or 1, completed=task.total or 1, rows=rows
            )
            self.progress.stop_task(task_id)

    @contextmanager
    def step(self, description: str) -> Iterator[None]:
        task = self.progress.add_task(description, total=None, step=True)
        try:
            yield
        finally:
            self.progress.update(task, total=1, completed=1)
            self.progress.stop_task(task)

    def note(self, message: str) -> None:
        self.progress.console.print(message)

    def close(self) -> None:
        self.progress.stop()


def reporter_for(stream: TextIO, quiet: bool = False) -> Reporter:
    """The live display on a terminal, log lines when the output is a file or a pipe."""
    if quiet:
        return Reporter()
    if stream.isatty():
        return RichReporter(Console(file=stream))
    return LogReporter(stream)
