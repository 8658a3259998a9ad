"""`make bench`: pages against a bare Django view, on a production server, in one run.

1. Prepares a throw-away data directory: `pnyx migrate`, `pnyx demo`, then `benchmarks.prepare`
   (a typical question with 5 answers and 15 comments, a full list page, and the biggest thread
   of the beer dump when `pnyx demo` imported it).
2. Starts `pnyx serve` as in production (granian, debug off, 2 workers) on a free loopback port.
3. Checks every page answers 200, warms each up, then measures each with wrk for a bounded time,
   in rounds whose order alternates, so slow drift in the machine's load falls on every page
   alike. The bare view `/-/ping` is measured in the same rounds. Each page is measured twice:
   as a reader without cookies gets it (the page cache, `pnyx.web.pagecache`, may answer) and
   with a cookie, which makes the view render it every time.
4. Stops the server (always: on errors and Ctrl-C too) and writes the figures to
   docs/benchmarks.md and benchmarks/out/.

Knobs (environment): BENCH_SECONDS (10 per page and round), BENCH_ROUNDS (2), BENCH_CONNECTIONS
(8), BENCH_WRK_THREADS (1), BENCH_WARMUP (2 s per page), BENCH_WORKERS (2), BENCH_THREADS
(threads per worker; default: `pnyx serve`'s), BENCH_ONLY (comma-separated page keys, e.g.
`typical,list`), BENCH_DATA_DIR (reuse a prepared data directory instead of a fresh one),
BENCH_WRITE_DOCS (1; 0 leaves docs/benchmarks.md alone, for experiments). PNYX_PAGE_CACHE_SECONDS
is passed to the server (0 turns the page cache off); no other PNYX_* variable of the caller's is.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from benchmarks import loadgen
from benchmarks.machine import describe
from benchmarks.report import Measured, render_block, verdicts, write_block
from benchmarks.server import running_server

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"
DOC = REPO / "docs" / "benchmarks.md"
BIN = Path(sys.executable).parent
# Server settings a benchmark may vary; every other PNYX_* of the caller's is left out.
PASSED_THROUGH = ("PNYX_PAGE_CACHE_SECONDS",)
# Any cookie makes the page cache step aside: the page as a signed-in reader would get it.
COOKIE = "Cookie: pnyx-bench=rendered"


def _setting(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def _int(name: str, default: int) -> int:
    value = _setting(name, str(default))
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"bench: {name}={value!r} is not a whole number") from None
    if number < 1:
        raise SystemExit(f"bench: {name} must be at least 1")
    return number


def _server_env(data_dir: Path) -> dict[str, str]:
    """The environment of a production server over `data_dir`, whatever the caller's PNYX_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PNYX_") or k in PASSED_THROUGH}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"PNYX_DATA_DIR": str(data_dir), "PNYX_DEBUG": "0"})
    return env


def _run_step(label: str, command: list[str], env: dict[str, str]) -> tuple[str, float]:
    print(f"bench: {label} ...", flush=True)
    started = time.monotonic()
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    took = time.monotonic() - started
    if completed.returncode != 0:
        raise SystemExit(
            f"bench: `{' '.join(command)}` failed ({completed.returncode}):\n"
            f"{completed.stdout}{completed.stderr}"
        )
    return completed.stdout, took


def _check_page(base: str, path: str, headers: tuple[str, ...] = ()) -> int:
    """GET `path` once, without following redirects: a benchmark of a redirect measures nothing."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
    try:
        connection.request("GET", path, headers=dict(h.split(": ", 1) for h in headers))
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200 or not body:
        raise SystemExit(f"bench: {path} answered {response.status}, not 200 with a body")
    return len(body)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    seconds = _int("BENCH_SECONDS", 10)
    rounds = _int("BENCH_ROUNDS", 2)
    connections = _int("BENCH_CONNECTIONS", 8)
    wrk_threads = _int("BENCH_WRK_THREADS", 1)
    warmup = _int("BENCH_WARMUP", 2)
    workers = _int("BENCH_WORKERS", 2)
    threads = _int("BENCH_THREADS", 0) if os.environ.get("BENCH_THREADS") else None
    only = {k.strip() for k in _setting("BENCH_ONLY", "").split(",") if k.strip()}
    write_docs = _setting("BENCH_WRITE_DOCS", "1") != "0"
    loadgen.wrk_path()  # fail before preparing anything

    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    OUT.mkdir(parents=True, exist_ok=True)
    given_dir = os.environ.get("BENCH_DATA_DIR")
    data_dir = (
        Path(given_dir).absolute() if given_dir else Path(tempfile.mkdtemp(prefix="pnyx-bench-"))
    )
    try:
        env = _server_env(data_dir)
        _, migrate_s = _run_step("pnyx migrate", [str(BIN / "pnyx"), "migrate"], env)
        _, demo_s = _run_step("pnyx demo", [str(BIN / "pnyx"), "demo"], env)
        prepared, prepare_s = _run_step(
            "preparing the benchmark content",
            [sys.executable, "-m", "benchmarks.prepare"],
            {**env, "PYTHONPATH": str(REPO)},
        )
        endpoints = json.loads(prepared.strip().splitlines()[-1])
        if only:
            endpoints = [e for e in endpoints if e["key"] == "bare" or e["key"] in only]
        if not any(e["key"] == "beer_thread" for e in endpoints) and not only:
            print("bench: no `beer` site after `pnyx demo`: the beer pages are left out")
        preparation = [
            f"data: `pnyx migrate` {migrate_s:.1f} s, `pnyx demo` {demo_s:.1f} s, "
            f"benchmark content {prepare_s:.1f} s"
        ]
        load_before = os.getloadavg()[0]
        results = _measure(
            endpoints, env, workers, threads, seconds, rounds, connections, wrk_threads, warmup
        )
        preparation.append(
            f"load average (1 min) before the measurements: {load_before:.1f}, after: "
            f"{os.getloadavg()[0]:.1f}; other work on the machine lowers every figure"
        )
    finally:
        if not given_dir:
            shutil.rmtree(data_dir, ignore_errors=True)

    settings = {
        "BENCH_SECONDS": str(seconds),
        "BENCH_ROUNDS": str(rounds),
        "BENCH_CONNECTIONS": str(connections),
        "BENCH_WORKERS": str(workers),
    }
    if threads:
        settings["BENCH_THREADS"] = str(threads)
    if os.environ.get("PNYX_PAGE_CACHE_SECONDS"):
        settings["PNYX_PAGE_CACHE_SECONDS"] = os.environ["PNYX_PAGE_CACHE_SECONDS"]
    serve = f"pnyx serve --workers {workers}" + (f" --threads {threads}" if threads else "")
    wrk_example = " ".join(
        loadgen.wrk_command("http://127.0.0.1:PORT/PATH", seconds, connections, wrk_threads)
    ).replace(str(loadgen.REPORT_SCRIPT), "benchmarks/wrk_report.lua")
    wrk_example = wrk_example.replace(loadgen.wrk_path(), "wrk")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = render_block(results, describe(REPO), when, settings, wrk_example, serve, preparation)
    (OUT / "latest.md").write_text(block + "\n", encoding="utf-8")
    (OUT / "latest.json").write_text(
        json.dumps(
            [
                {**asdict(m), "rounds": [{**asdict(r), "rps": r.rps} for r in m.rounds]}
                for m in results
            ],
            indent=2,
        ),
        encoding="utf-8",
    )
    print()
    print(block)
    errors = sum(m.errors for m in results)
    if errors:
        print(
            f"bench: {errors} failed requests: docs/benchmarks.md left unchanged", file=sys.stderr
        )
        return 1
    if write_docs:
        write_block(DOC, block)
        print(f"bench: wrote {DOC.relative_to(REPO)}")
    for verdict in verdicts(results):
        print(
            f"bench: {verdict.label}: {verdict.ratio:.0%} of bare "
            f"(target {verdict.target:.0%}): {'pass' if verdict.passed else 'FAIL'}"
        )
    return 0


def _measure(
    endpoints: list[dict[str, str]],
    env: dict[str, str],
    workers: int,
    threads: int | None,
    seconds: int,
    rounds: int,
    connections: int,
    wrk_threads: int,
    warmup: int,
) -> list[Measured]:
    log = OUT / "server.log"
    log.write_bytes(b"")
    # (endpoint, headers): each page without a cookie, then with one; the bare view once.
    probes = [
        (e, headers)
        for e in endpoints
        for headers in ([()] if e["key"] == "bare" else [(), (COOKIE,)])
    ]
    measured: dict[tuple[str, bool], list[loadgen.LoadResult]] = {
        (e["key"], bool(h)): [] for e, h in probes
    }
    with running_server(BIN / "pnyx", env, log, workers=workers, threads=threads) as base:
        print(f"bench: serving at {base}")
        for endpoint, headers in probes:
            size = _check_page(base, endpoint["path"], headers)
            print(f"bench: {endpoint['path']} {' '.join(headers)}: 200, {size:,} bytes; warming up")
            loadgen.drive(base + endpoint["path"], warmup, connections, wrk_threads, headers)
        for n in range(rounds):
            # Alternate the order so that neither end of a round is always the same page.
            order = probes if n % 2 == 0 else list(reversed(probes))
            for endpoint, headers in order:
                result = loadgen.drive(
                    base + endpoint["path"], seconds, connections, wrk_threads, headers
                )
                measured[(endpoint["key"], bool(headers))].append(result)
                name = endpoint["key"] + (" +cookie" if headers else "")
                print(
                    f"bench: round {n + 1}/{rounds} {name:<20} {result.rps:8,.0f} req/s"
                    f"  p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms"
                    + (f"  {result.errors} errors" if result.errors else ""),
                    flush=True,
                )
    return [
        Measured(
            e["key"],
            e["label"],
            e["path"],
            e.get("note", ""),
            measured[(e["key"], False)],
            measured.get((e["key"], True), []),
        )
        for e in endpoints
    ]


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("bench: interrupted; the server was stopped", file=sys.stderr)
        sys.exit(130)
    except (loadgen.LoadGeneratorMissing, RuntimeError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        sys.exit(2)
