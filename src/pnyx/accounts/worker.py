"""`pnyx serve` runs the web server and one background worker side by side, so that mail goes
out with nothing more than `make run`; `pnyx serve --no-worker` leaves the worker to the
operator (`pnyx worker`, e.g. under its own systemd unit)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType

# A worker that keeps dying is restarted at most this often.
RESTART_SECONDS = 10.0
WORKER_COMMAND = [sys.executable, "-m", "pnyx.cli", "worker", "--verbosity", "1"]


def serve_with_worker(server_command: list[str]) -> int:
    """Run the server and a worker until the server stops; a signal to this process (Ctrl-C,
    `systemctl stop`) is passed on to both. Returns the server's exit status."""
    # In sessions of their own, so that Ctrl-C in a terminal reaches them once, through here
    # (a second SIGINT would stop the worker in the middle of a task).
    server = subprocess.Popen(server_command, start_new_session=True)
    worker = subprocess.Popen(WORKER_COMMAND, start_new_session=True)
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
                worker = subprocess.Popen(WORKER_COMMAND, start_new_session=True)
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
