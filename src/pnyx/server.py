"""`pnyx serve`: granian's WSGI server, made to drain on SIGTERM.

Stopped with SIGTERM (or SIGINT), granian stops accepting and then closes, at once, every
connection whose request it has not started: a connection accepted a moment before, whose request
is still in its socket buffer, and a kept-alive connection whose next request is on its way. Those
clients see the connection closed after sending a request (wrk counts read errors), and under load
there are dozens. Its workers also keep their listening sockets open until they exit, so
connections the kernel completes meanwhile are reset.

Here, on SIGTERM (`DrainingServer.shutdown`, before granian's own):

1. the workers get SIGWINCH; each puts a socket filter on its listening socket (on Linux, every
   worker listens on a socket of its own, with SO_REUSEPORT), which drops new connection requests
   (SYNs): clients retry them after 1 s, 3 s..., so they are neither accepted and dropped nor
   refused while the socket is open, and they reach a new server started on the same port once
   this one has closed its sockets;
2. from then on every response says `Connection: close`, so kept-alive clients send no further
   request on a connection about to be closed;
3. after `drain_seconds`, which lets every accepted connection deliver its request, granian's own
   shutdown runs: the workers finish the requests in progress (for at most
   `WORKERS_KILL_TIMEOUT` seconds) and exit.

Development (`pnyx serve --reload`) runs granian's own command, which reloads on code changes.
`DrainingServer` extends `MPServer.shutdown` and reads `MPServer.wrks` (granian 2.8.7, pinned
exactly); `tests/test_server.py` stops the server under load and fails if an upgrade changes them.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import signal
import socket
import struct
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from granian.constants import Interfaces
from granian.server.mp import MPServer

DRAIN_SIGNAL = signal.SIGWINCH  # ignored by default, so a worker still starting is not killed
DEFAULT_DRAIN_SECONDS = 2.0
WORKERS_KILL_TIMEOUT = 30  # seconds a request may still run after the drain

SO_ATTACH_FILTER = 26  # Linux, <asm-generic/socket.h>; not in Python's socket module
_BPF_RET_K = 0x06  # a classic BPF program of one instruction, "return 0": accept no packet

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_draining = False


def _listening_sockets() -> Iterator[socket.socket]:
    """This process's listening TCP sockets (a worker's: granian's own), as duplicates to
    close after use."""
    for name in os.listdir("/proc/self/fd"):
        try:
            fd = os.dup(int(name))
        except OSError:  # closed meanwhile (the listing's own descriptor)
            continue
        try:
            duplicate = socket.socket(fileno=fd)
        except OSError:  # not a socket
            os.close(fd)
            continue
        with duplicate:
            try:
                listening = duplicate.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            except OSError:
                continue
            if listening and duplicate.type == socket.SOCK_STREAM:
                yield duplicate


def refuse_new_connections(listener: socket.socket) -> None:
    """Drop the connection requests that reach `listener` from now on; connections already
    accepted, or waiting to be, are not affected."""
    program = (ctypes.c_ubyte * 8).from_buffer_copy(struct.pack("HBBI", _BPF_RET_K, 0, 0, 0))
    fprog = struct.pack("HL", 1, ctypes.addressof(program))  # struct sock_fprog
    listener.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)


def _start_draining(signum: int, frame: object) -> None:
    global _draining
    _draining = True
    if sys.platform == "linux":
        for listener in _listening_sockets():
            refuse_new_connections(listener)


def worker_application() -> WSGIApp:
    """The WSGI application of one worker; granian calls this in the worker's main thread."""
    from pnyx.wsgi import application

    signal.signal(DRAIN_SIGNAL, _start_draining)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not _draining:
            return application(environ, start_response)

        def closing(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            kept = [(name, value) for name, value in headers if name.lower() != "connection"]
            return start_response(status, [*kept, ("Connection", "close")], exc_info)

        return application(environ, closing)

    return app


class DrainingServer(MPServer):
    """granian's multi-process server, drained before it shuts down."""

    def __init__(self, *args: Any, drain_seconds: float = DEFAULT_DRAIN_SECONDS, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.drain_seconds = drain_seconds

    def shutdown(self, exit_code: int = 0) -> None:
        workers = [pid for pid in (worker._id() for worker in self.wrks) if pid]
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):  # a worker that died on its own
                os.kill(pid, DRAIN_SIGNAL)
        if workers:
            time.sleep(self.drain_seconds)
        super().shutdown(exit_code)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="pnyx serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)  # pnyx.cli.SERVE_THREADS
    parser.add_argument("--drain", type=float, default=DEFAULT_DRAIN_SECONDS)
    args = parser.parse_args(argv)
    server = DrainingServer(
        "pnyx.server:worker_application",
        address=args.host,
        port=args.port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads,
        websockets=False,
        factory=True,
        workers_kill_timeout=WORKERS_KILL_TIMEOUT,
        drain_seconds=args.drain,
    )
    server.serve()


if __name__ == "__main__":
    main()
