"""Running the `pnyx` command as an operator does: in a subprocess, its output captured."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def pnyx(
    *args: str,
    data_dir: Path | None = None,
    env: dict[str, str] | None = None,
    umask: int = -1,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """`pnyx ARGS`: over the test run's own network and sites, or with `data_dir` over a fresh
    installation there (none of the run's PNYX_* settings); `env` adds to the environment."""
    if data_dir is None:
        environment = dict(os.environ)
    else:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PNYX_")}
        environment["PNYX_DATA_DIR"] = str(data_dir)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pnyx.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        umask=umask,
    )
