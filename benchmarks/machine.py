"""What the figures were measured on: they mean little without the machine and the versions."""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    cpus: int
    cpu_model: str
    memory_gib: float
    kernel: str
    python: str
    django: str
    granian: str
    sqlite: str
    wrk: str
    commit: str

    def lines(self) -> list[str]:
        return [
            f"CPU: {self.cpus} cores (nproc), {self.cpu_model}",
            f"memory: {self.memory_gib:.1f} GiB; Linux {self.kernel}",
            f"Python {self.python}, Django {self.django}, granian {self.granian}, "
            f"SQLite {self.sqlite}, {self.wrk}",
            f"commit: {self.commit}",
        ]


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else "unknown"


def _memory_gib() -> float:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^MemTotal:\s*(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 / 1024 if match else 0.0


def _package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _command_output(command: list[str]) -> str:
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=10)
    except OSError:
        return ""
    return (completed.stdout or completed.stderr).strip()


def _commit(repo: Path) -> str:
    commit = _command_output(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"]) or "unknown"
    dirty = _command_output(["git", "-C", str(repo), "status", "--porcelain", "--", "src"])
    return f"{commit} (with uncommitted changes under src/)" if dirty else commit


def describe(repo: Path) -> Machine:
    wrk_line = _command_output(["wrk", "--version"]).splitlines()
    wrk = " ".join(wrk_line[0].split()[:2]) if wrk_line else "wrk not found"
    return Machine(
        cpus=len(os.sched_getaffinity(0)),
        cpu_model=_cpu_model(),
        memory_gib=_memory_gib(),
        kernel=platform.release(),
        python=platform.python_version(),
        django=_package("Django"),
        granian=_package("granian"),
        sqlite=sqlite3.sqlite_version,
        wrk=wrk,
        commit=_commit(repo),
    )
