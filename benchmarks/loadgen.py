"""Driving one URL with `wrk` (Debian package `wrk`) for a bounded time and reading its figures.

wrk is an event-driven C load generator: on a 2-core machine it takes far less CPU per request
than a Python generator would, so more of the machine is left to the server being measured.
`wrk_report.lua` makes it print its summary as one JSON line, read by `parse_report`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPORT_SCRIPT = Path(__file__).with_name("wrk_report.lua")
REPORT_MARK = "PNYX-BENCH "


class LoadGeneratorMissing(RuntimeError):
    """wrk is not installed."""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    errors: int  # socket errors, timeouts and non-2xx/3xx responses
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise LoadGeneratorMissing(
            "wrk is not installed: `apt-get install -y wrk` (make bench does it when run as root)"
        )
    return path


def wrk_command(
    url: str, seconds: float, connections: int, threads: int, headers: tuple[str, ...] = ()
) -> list[str]:
    header_options = [option for header in headers for option in ("-H", header)]
    return [
        wrk_path(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout", "10s",
        "--latency",
        "-s", str(REPORT_SCRIPT),
        *header_options,
        url,
    ]  # fmt: skip


def parse_report(output: str) -> LoadResult:
    """Read the JSON line that `wrk_report.lua` printed."""
    for line in output.splitlines():
        if line.startswith(REPORT_MARK):
            data = json.loads(line[len(REPORT_MARK) :])
            break
    else:
        raise ValueError(f"no {REPORT_MARK.strip()} line in wrk's output:\n{output}")
    latency = data["latency_us"]
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=sum(data["errors"].values()),
        p50_ms=latency["p50"] / 1000,
        p90_ms=latency["p90"] / 1000,
        p99_ms=latency["p99"] / 1000,
        mean_ms=latency["mean"] / 1000,
        max_ms=latency["max"] / 1000,
    )


def drive(
    url: str, seconds: float, connections: int, threads: int, headers: tuple[str, ...] = ()
) -> LoadResult:
    """Load `url` for `seconds` with `connections` open connections and return the figures."""
    completed = subprocess.run(
        wrk_command(url, seconds, connections, threads, headers),
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    return parse_report(completed.stdout)
