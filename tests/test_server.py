"""`pnyx serve` stopped with SIGTERM under load: every request a client got to send is answered,
and the server exits. Clients hammer a normal page, half on kept-alive connections."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

PAGE = "/politics/robots.txt"  # a normal page, and a quick one: many requests on their way
CLIENTS = 64


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pnyx() -> str:
    return str(Path(sys.executable).with_name("pnyx"))


def _wait_until_up(server: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, "pnyx serve exited while starting"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{PAGE}", timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise AssertionError("pnyx serve did not answer within 90 s")


@dataclass
class Outcomes:
    sent: Counter[str] = field(default_factory=Counter)  # requests sent: how each ended
    in_flight_at_stop: int = 0  # sent before SIGTERM, answered after it
    not_connected: int = 0


async def _client(
    port: int, keep_alive: bool, stop: asyncio.Event, out: Outcomes, stopped_at: list[float]
) -> None:
    request = (
        f"GET {PAGE} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + ("" if keep_alive else "Connection: close\r\n")
        + "\r\n"
    ).encode()
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while not stop.is_set():
        if writer is None:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", port), timeout=10
                )
            except (OSError, TimeoutError):
                out.not_connected += 1  # refused, or waiting: never sent, so never lost
                await asyncio.sleep(0.05)
                continue
        assert reader is not None
        sent_at = time.monotonic()
        close = True
        try:
            writer.write(request)
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=60)
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.lower().split(b"\r\n")
                if line.startswith(b"content-length:")
            )
            await reader.readexactly(length)
            outcome = head.split(b"\r\n", 1)[0].decode()
            close = b"connection: close" in head.lower() or not keep_alive
            if stopped_at and sent_at < stopped_at[0]:
                out.in_flight_at_stop += 1
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
            outcome = type(exc).__name__
        out.sent[outcome] += 1
        if close:
            writer.close()
            writer = reader = None


async def _hammer_and_stop(
    server: subprocess.Popen[bytes], port: int, before_stop: Callable[[], None] | None = None
) -> Outcomes:
    out = Outcomes()
    stop = asyncio.Event()
    stopped_at: list[float] = []
    clients = [
        asyncio.create_task(_client(port, i % 2 == 0, stop, out, stopped_at))
        for i in range(CLIENTS)
    ]
    await asyncio.sleep(2)
    if before_stop is not None:
        await asyncio.to_thread(before_stop)
    stopped_at.append(time.monotonic())
    server.send_signal(signal.SIGTERM)
    while server.poll() is None and time.monotonic() - stopped_at[0] < 60:
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.gather(*clients)
    return out


def _in_a_thread(clients: Coroutine[Any, Any, Outcomes]) -> Outcomes:
    """Run the clients' event loop in a thread of its own: in a process that ran the browser
    tests, Playwright's loop is still set in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, clients).result()


@contextmanager
def _serving(port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        server = subprocess.Popen(
            [_pnyx(), "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
            env=dict(os.environ),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _wait_for_workers(server: subprocess.Popen[bytes], log: Path) -> None:
    """Until both workers of `server` have started (its port is shared, so asking it the page
    could be answered by another server)."""
    deadline = time.monotonic() + 90
    while log.read_text().count("Started worker") < 2:
        assert server.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


@pytest.mark.usefixtures("politics")
def test_sigterm_drains_the_requests_in_flight(tmp_path: Path) -> None:
    port = _free_port()
    with _serving(port, tmp_path / "serve.log") as server:
        _wait_until_up(server, port)
        out = _in_a_thread(_hammer_and_stop(server, port))
        assert server.wait(timeout=30) == 0
    assert out.in_flight_at_stop > 0, out  # the stop did catch requests on their way
    assert set(out.sent) == {"HTTP/1.1 200 OK"}, out


@pytest.mark.usefixtures("politics")
def test_a_new_server_takes_over_the_port_without_losing_a_request(tmp_path: Path) -> None:
    """The restart of docs/operating.md: start the new server on the same port, then stop the
    old one; clients never find the port closed."""
    port = _free_port()
    new_log = tmp_path / "new.log"
    with _serving(port, tmp_path / "old.log") as old:
        _wait_until_up(old, port)
        with _serving(port, new_log) as new:
            out = _in_a_thread(
                _hammer_and_stop(old, port, before_stop=lambda: _wait_for_workers(new, new_log))
            )
            assert old.wait(timeout=30) == 0
            assert new.poll() is None
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{PAGE}", timeout=10) as answer:
                assert answer.status == 200
    assert out.not_connected == 0, out
    assert set(out.sent) == {"HTTP/1.1 200 OK"}, out


@pytest.mark.usefixtures("politics")
def test_a_killed_pnyx_serve_leaves_no_server_behind(tmp_path: Path) -> None:
    """SIGKILL cannot be passed on to the server and the worker, which run in sessions of their
    own: they must stop by themselves rather than keep the port."""
    port = _free_port()
    with _serving(port, tmp_path / "serve.log") as server:
        _wait_until_up(server, port)
        os.kill(server.pid, signal.SIGKILL)  # the `pnyx serve` process alone
        server.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) != 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail(f"a server still answers on port {port} after pnyx serve was killed")


@pytest.mark.parametrize("drain", ["-1", "601"])
def test_a_drain_out_of_range_is_refused(capsys: pytest.CaptureFixture[str], drain: str) -> None:
    from pnyx.cli import main

    assert main(["serve", "--drain", drain]) == 2
    assert capsys.readouterr().err == "pnyx: error: --drain must be between 0 and 600 seconds\n"
