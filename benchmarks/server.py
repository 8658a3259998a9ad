"""Starting `pnyx serve` for a benchmark and always stopping it again.

The server runs in its own session (process group), so that stopping it reaches granian's worker
processes too, and so that a Ctrl-C in the terminal reaches the benchmark, whose `finally` stops
the server, rather than killing the workers halfway through a measurement.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_until_up(process: subprocess.Popen[bytes], url: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pnyx serve exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"pnyx serve did not answer {url} within {timeout:.0f} s; see {log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


@contextmanager
def running_server(
    pnyx: Path,
    env: Mapping[str, str],
    log: Path,
    workers: int,
    threads: int | None = None,
    port: int | None = None,
) -> Iterator[str]:
    """Serve with `pnyx serve` on a loopback port; yield its base URL; stop it on any exit."""
    port = port or free_port()
    command = [str(pnyx), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    base = f"http://{HOST}:{port}"
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            command,
            env=dict(env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        _wait_until_up(process, f"{base}/-/ping", timeout=60, log=log)
        yield base
    finally:
        _stop(process)
