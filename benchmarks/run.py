"""`make bench`: pages against a bare Django view, on a production server, in one run.

1. Prepares a throw-away data directory: `pnyx migrate`, `pnyx demo`, then `benchmarks.prepare`
   (a typical question with 5 answers and 15 comments, a full list page, the biggest thread of
   the beer dump, a signed-in reader and the members who write).
2. Starts `pnyx serve` as in production (granian, debug off, 2 workers) on a free loopback port.
3. Checks every page answers 200, warms each up, then measures each with wrk for a bounded time,
   in rounds whose order alternates, so slow drift in the machine's load falls on every page
   alike. The bare view `/-/ping` is measured in the same rounds. Each page is measured three
   ways: as a reader without cookies gets it (the page cache, `pnyx.web.pagecache`, may
   answer), with a meaningless cookie (the view renders it every time), and signed in as the
   prepared reader (checked to greet the reader by name and, on question pages, to show vote
   forms, so that a broken session cannot pass as fast).
4. Writes beside reads: the bench site's typical question and list page are read without
   cookies again while a writer process (`benchmarks.writer`) votes, comments and answers as
   the members, at BENCH_WRITE_PERCENT of the page's req/s alone.
5. One write at a time: BENCH_LATENCY_N votes, answers and comments in sequence, each timed.
6. Stops the server (always: on errors and Ctrl-C too) and writes the figures to
   docs/benchmarks.md and benchmarks/out/.

Knobs (environment): BENCH_SECONDS (10 per page and round), BENCH_ROUNDS (2), BENCH_CONNECTIONS
(8), BENCH_WRK_THREADS (1), BENCH_WARMUP (2 s per page), BENCH_WORKERS (2), BENCH_THREADS
(threads per worker; default: `pnyx serve`'s), BENCH_ONLY (comma-separated page keys, e.g.
`typical,list`), BENCH_DATA_DIR (reuse a prepared data directory instead of a fresh one),
BENCH_WRITE_DOCS (1; 0 leaves docs/benchmarks.md alone, for experiments), BENCH_MEMBERS (200
members who write), BENCH_WRITE_PERCENT (5), BENCH_WRITERS (the writer's connections, 8),
BENCH_LATENCY_N (100 writes of each kind), BENCH_WRITES (1; 0 skips steps 4 and 5).
PNYX_PAGE_CACHE_SECONDS is passed to the server (0 turns the page cache off); no other PNYX_*
variable of the caller's is.
"""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from benchmarks import loadgen, writer
from benchmarks.machine import describe
from benchmarks.report import Measured, WithWrites, render_block, verdicts, write_block
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


VOTE_FORM = re.compile(r'<form[^>]*action="[^"]*/posts/\d+/vote"')


def _check_page(
    base: str, path: str, headers: tuple[str, ...] = (), expect: tuple[str, ...] = ()
) -> int:
    """GET `path` once, without following redirects: a benchmark of a redirect measures nothing.
    `expect`: what the page must show ("name:X" the text X, "votes" a vote form), so that a page
    meant to be personal cannot pass as fast while it is not."""
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
    text = body.decode("utf-8", "replace")
    for wanted in expect:
        if wanted.startswith("name:") and html.escape(wanted[5:]) not in text:
            raise SystemExit(
                f"bench: {path} signed in does not name {wanted[5:]!r}: the session is not valid"
            )
        if wanted == "votes" and not VOTE_FORM.search(text):
            raise SystemExit(f"bench: {path} signed in shows no vote form to the member")
    return len(body)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@dataclass(frozen=True)
class Plan:
    """How long and how hard to measure (from the BENCH_* knobs)."""

    seconds: int
    rounds: int
    connections: int
    wrk_threads: int
    warmup: int
    writes: bool  # measure with writes beside, and one write at a time
    write_share: float  # writes per second asked, as a share of the page's req/s alone
    writers: int  # the writer's connections
    latency_n: int  # writes of each kind, one at a time


def main() -> int:
    plan = Plan(
        seconds=_int("BENCH_SECONDS", 10),
        rounds=_int("BENCH_ROUNDS", 2),
        connections=_int("BENCH_CONNECTIONS", 8),
        wrk_threads=_int("BENCH_WRK_THREADS", 1),
        warmup=_int("BENCH_WARMUP", 2),
        writes=_setting("BENCH_WRITES", "1") != "0",
        write_share=_int("BENCH_WRITE_PERCENT", 5) / 100,
        writers=_int("BENCH_WRITERS", 8),
        latency_n=_int("BENCH_LATENCY_N", 100),
    )
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
        members = _setting("BENCH_MEMBERS", "")
        output, prepare_s = _run_step(
            "preparing the benchmark content and members",
            [sys.executable, "-m", "benchmarks.prepare"],
            {**env, "PYTHONPATH": str(REPO), **({"BENCH_MEMBERS": members} if members else {})},
        )
        prepared = json.loads(output.strip().splitlines()[-1])
        endpoints = prepared["endpoints"]
        if only:
            endpoints = [e for e in endpoints if e["key"] == "bare" or e["key"] in only]
        if not any(e["key"] == "beer_thread" for e in endpoints) and not only:
            print("bench: no `beer` site after `pnyx demo`: the beer pages are left out")
        preparation = [
            f"data: `pnyx migrate` {migrate_s:.1f} s, `pnyx demo` {demo_s:.1f} s, "
            f"benchmark content and {len(prepared['members'])} members {prepare_s:.1f} s"
        ]
        load_before = os.getloadavg()[0]
        measured = _measure(prepared, endpoints, env, workers, threads, plan, data_dir)
        preparation.append(
            f"load average (1 min) before the measurements: {load_before:.1f}, after: "
            f"{os.getloadavg()[0]:.1f}; other work on the machine lowers every figure"
        )
    finally:
        if not given_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
    results, writes, latencies, notes = measured

    settings = {
        "BENCH_SECONDS": str(plan.seconds),
        "BENCH_ROUNDS": str(plan.rounds),
        "BENCH_CONNECTIONS": str(plan.connections),
        "BENCH_WORKERS": str(workers),
    }
    if threads:
        settings["BENCH_THREADS"] = str(threads)
    for name in ("BENCH_MEMBERS", "BENCH_WRITE_PERCENT", "BENCH_WRITERS", "BENCH_LATENCY_N"):
        if os.environ.get(name):
            settings[name] = os.environ[name]
    if not plan.writes:
        settings["BENCH_WRITES"] = "0"
    if os.environ.get("PNYX_PAGE_CACHE_SECONDS"):
        settings["PNYX_PAGE_CACHE_SECONDS"] = os.environ["PNYX_PAGE_CACHE_SECONDS"]
    serve = f"pnyx serve --workers {workers}" + (f" --threads {threads}" if threads else "")
    wrk_example = " ".join(
        loadgen.wrk_command(
            "http://127.0.0.1:PORT/PATH", plan.seconds, plan.connections, plan.wrk_threads
        )
    ).replace(str(loadgen.REPORT_SCRIPT), "benchmarks/wrk_report.lua")
    wrk_example = wrk_example.replace(loadgen.wrk_path(), "wrk")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = render_block(
        results,
        describe(REPO),
        when,
        settings,
        wrk_example,
        serve,
        preparation,
        writes=writes,
        latencies=latencies,
        write_notes=notes,
    )
    (OUT / "latest.md").write_text(block + "\n", encoding="utf-8")
    (OUT / "latest.json").write_text(
        json.dumps(
            {
                "pages": [_with_rps(asdict(m)) for m in results],
                "writes": [_with_rps(asdict(w)) for w in writes],
                "latencies": latencies,
                "notes": notes,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print()
    print(block)
    errors = sum(m.errors for m in results) + sum(w.errors for w in writes)
    if errors:
        print(
            f"bench: {errors} failed requests: docs/benchmarks.md left unchanged", file=sys.stderr
        )
        return 1
    if write_docs:
        write_block(DOC, block)
        print(f"bench: wrote {DOC.relative_to(REPO)}")
    for verdict in verdicts(results, writes, latencies):
        print(f"bench: {verdict.describe()}: {'pass' if verdict.passed else 'FAIL'}")
    return 0


def _with_rps(data: Any) -> Any:
    """`asdict` of results, with each wrk figure's req/s (a property) written out too."""
    if isinstance(data, dict):
        out = {k: _with_rps(v) for k, v in data.items()}
        if "requests" in out and "seconds" in out and "p99_ms" in out:
            out["rps"] = out["requests"] / out["seconds"] if out["seconds"] else 0.0
        return out
    if isinstance(data, list):
        return [_with_rps(v) for v in data]
    return data


# The ways of requesting a page: as a reader without cookies, with a meaningless cookie (the
# view renders, but for nobody), and signed in as the benchmark's reader.
VARIANTS = ("anonymous", "cookie", "signed_in")
# Pages measured again with members writing beside wrk (the bench site's, where they write).
WRITE_PAGES = ("typical", "list")


def _measure(
    prepared: dict[str, Any],
    endpoints: list[dict[str, Any]],
    env: dict[str, str],
    workers: int,
    threads: int | None,
    plan: Plan,
    data_dir: Path,
) -> tuple[list[Measured], list[WithWrites], list[dict[str, Any]], list[str]]:
    """All measurements, on one server that is stopped whatever happens."""
    log = OUT / "server.log"
    log.write_bytes(b"")
    with running_server(BIN / "pnyx", env, log, workers=workers, threads=threads) as base:
        print(f"bench: serving at {base}")
        results = _read_rounds(base, endpoints, prepared["reader"], plan)
        if not plan.writes:
            return results, [], [], []
        notes: list[str] = []
        typical = next(e["path"] for e in prepared["endpoints"] if e["key"] == "typical")
        members = _members(base, prepared["members"], typical, notes)
        if not members:
            notes.append("no member could write: writes beside and one at a time not measured")
            return results, [], [], notes
        state = data_dir / "bench-writer-state.json"
        writes = _writes_beside(base, results, members, prepared["writes"], plan, data_dir)
        print("bench: one write at a time ...", flush=True)
        timed = writer.latency(
            base,
            prepared["writes"]["prefix"],
            members,
            prepared["writes"]["vote_answers"],
            prepared["writes"]["questions"],
            plan.latency_n,
            state,
        )
        for item in timed:
            print(
                f"bench: {item.kind:<8} {item.tally.ok} ok, {item.tally.failed} failed, "
                f"p50 {item.p50_ms} ms, p99 {item.p99_ms} ms",
                flush=True,
            )
        return results, writes, writer.as_dicts(timed), notes


def _headers(variant: str, reader: dict[str, Any]) -> tuple[str, ...]:
    if variant == "cookie":
        return (COOKIE,)
    if variant == "signed_in":
        return (f"Cookie: {reader['cookie']}",)
    return ()


def _read_rounds(
    base: str, endpoints: list[dict[str, Any]], reader: dict[str, Any], plan: Plan
) -> list[Measured]:
    # (endpoint, variant): each page in every variant; the bare view once.
    probes = [
        (e, variant)
        for e in endpoints
        for variant in (VARIANTS[:1] if e["key"] == "bare" else VARIANTS)
    ]
    measured: dict[tuple[str, str], list[loadgen.LoadResult]] = {
        (e["key"], variant): [] for e, variant in probes
    }
    for endpoint, variant in probes:
        headers = _headers(variant, reader)
        expect: tuple[str, ...] = ()
        if variant == "signed_in":
            expect = (f"name:{reader['name']}", *(("votes",) if endpoint.get("votes") else ()))
        size = _check_page(base, endpoint["path"], headers, expect)
        print(f"bench: {endpoint['path']} {variant}: 200, {size:,} bytes; warming up")
        loadgen.drive(
            base + endpoint["path"], plan.warmup, plan.connections, plan.wrk_threads, headers
        )
    for n in range(plan.rounds):
        # Alternate the order so that neither end of a round is always the same page.
        order = probes if n % 2 == 0 else list(reversed(probes))
        for endpoint, variant in order:
            result = loadgen.drive(
                base + endpoint["path"],
                plan.seconds,
                plan.connections,
                plan.wrk_threads,
                _headers(variant, reader),
            )
            measured[(endpoint["key"], variant)].append(result)
            name = endpoint["key"] + ("" if variant == "anonymous" else f" {variant}")
            print(
                f"bench: round {n + 1}/{plan.rounds} {name:<22} {result.rps:8,.0f} req/s"
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
            measured[(e["key"], "anonymous")],
            measured.get((e["key"], "cookie"), []),
            measured.get((e["key"], "signed_in"), []),
        )
        for e in endpoints
    ]


def _members(
    base: str, people: list[dict[str, Any]], page: str, notes: list[str]
) -> list[writer.Member]:
    """The members who can write: each one's CSRF token read from `page` as it sees it."""
    members = [writer.Member(p["name"], p["cookie"]) for p in people]
    print(f"bench: reading {len(members)} members' form tokens from {page}", flush=True)
    problems = writer.read_tokens(base, members, page)
    if problems:
        first = next(iter(problems.items()))
        notes.append(
            f"{len(problems)} of {len(members)} members could not write and were left out "
            f"({first[0]}: {first[1]})"
        )
    return [m for m in members if m.name not in problems]


def _writes_beside(
    base: str,
    results: list[Measured],
    members: list[writer.Member],
    targets: dict[str, Any],
    plan: Plan,
    data_dir: Path,
) -> list[WithWrites]:
    """Each page of WRITE_PAGES read without cookies again, with a writer beside wrk."""
    pages = [
        WithWrites(m.key, m.label, m.path, m.best, plan.write_share * m.best.rps)
        for m in results
        if m.key in WRITE_PAGES and m.rounds
    ]
    config = {
        "base": base,
        "prefix": targets["prefix"],
        "members": [asdict(m) for m in members],
        "vote_posts": targets["vote_posts"],
        "questions": targets["questions"],
        "connections": plan.writers,
        "state": str(data_dir / "bench-writer-state.json"),
        "max_seconds": plan.seconds + 60,
    }
    for n in range(plan.rounds):
        for page in pages if n % 2 == 0 else list(reversed(pages)):
            reads, done = _with_writer(base, page, {**config, "rate": page.rate}, plan, data_dir)
            page.writes.append(done)
            if reads is not None:
                page.reads.append(reads)
            print(
                f"bench: round {n + 1}/{plan.rounds} {page.key + ' with writes':<22} "
                + (f"{reads.rps:8,.0f} req/s  p99 {reads.p99_ms:6.1f} ms" if reads else "no reads")
                + f"; writes: {_writes_line(done)}",
                flush=True,
            )
    return pages


def _writes_line(done: dict[str, Any]) -> str:
    if "error" in done:
        return f"writer failed: {done['error']}"
    return (
        f"{done['per_second']}/s done of {done['rate']:.1f}/s asked, {done['ok']} ok, "
        f"{done['failed']} failed, {done['missed']} slots missed"
    )


def _with_writer(
    base: str, page: WithWrites, config: dict[str, Any], plan: Plan, data_dir: Path
) -> tuple[loadgen.LoadResult | None, dict[str, Any]]:
    """wrk on `page` for BENCH_SECONDS with a writer process beside it; the writer is always
    stopped. Returns wrk's figures (None if the writer did not start) and the writer's."""
    config_path = data_dir / "bench-writer.json"  # holds sessions: stays in the data directory
    config_path.write_text(json.dumps(config), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.writer", str(config_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    reads = None
    try:
        assert process.stdout is not None
        # The writer says it is ready when its first write is due: wrk starts at once.
        if process.stdout.readline().strip() == writer.READY:
            reads = loadgen.drive(
                base + page.path, plan.seconds, plan.connections, plan.wrk_threads
            )
    finally:
        # A line on its input stops the writer (also on errors and Ctrl-C); nothing else is
        # printed between its ready line and its result, so none is lost in a buffer here.
        try:
            output, errors = process.communicate("stop\n", timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            output, errors = process.communicate()
    for line in output.splitlines():
        if line.startswith(writer.RESULT_MARK):
            return reads, json.loads(line[len(writer.RESULT_MARK) :])
    last = (errors.strip().splitlines() or ["no output"])[-1]
    return reads, {"error": f"exit {process.returncode}: {last[:200]}"}


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("bench: interrupted; the server was stopped", file=sys.stderr)
        sys.exit(130)
    except (loadgen.LoadGeneratorMissing, RuntimeError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        sys.exit(2)
