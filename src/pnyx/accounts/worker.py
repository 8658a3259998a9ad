"""`pnyx serve` runs the web server and one background worker side by side, so that mail goes
out with nothing more than `make run`; `pnyx serve --no-worker` leaves the worker to the
operator (`pnyx worker`, e.g. under its own systemd unit)."""

from __future__ import annotations

import contextlib
import ctypes
import signal
import subprocess
import sys
import time
from types import FrameType

# A worker that keeps dying is restarted at most this often.
RESTART_SECONDS = 10.0
WORKER_COMMAND = [sys.executable, "-m", "pnyx.cli", "worker", "--verbosity", "1"]


PR_SET_PDEATHSIG = 1


def _stop_with_parent() -> None:
    """In a child, before it runs: have Linux send it SIGTERM when `pnyx serve` dies, even by
    SIGKILL (which cannot be passed on), so that no server is left holding the port."""
    if sys.platform.startswith("linux"):
        # Without prctl, only the signals passed on below stop the children.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _start(command: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, start_new_session=True, preexec_fn=_stop_with_parent)


def serve_with_worker(server_command: list[str]) -> int:
    """Run the server and a worker until the server stops; a signal to this process (Ctrl-C,
    `systemctl stop`) is passed on to both. Returns the server's exit status."""
    # In sessions of their own, so that Ctrl-C in a terminal reaches them once, through here
    # (a second SIGINT would stop the worker in the middle of a task).
    server = _start(server_command)
    worker = _start(WORKER_COMMAND)
    started = time.monotonic()

    def forward(signum: int, frame: FrameType | None) -> None:
        for process in (server, worker):
            if process.poll() is None:
                process.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while server.poll() is None:
            if worker.poll() is not None and time.monotonic() - started > RESTART_SECONDS:
                print(
                    f"pnyx: the background worker stopped (status {worker.returncode}); "
                    "starting it again",
                    file=sys.stderr,
                )
                worker = _start(WORKER_COMMAND)
                started = time.monotonic()
            time.sleep(0.5)
    finally:
        if worker.poll() is None:
            worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return server.returncode
