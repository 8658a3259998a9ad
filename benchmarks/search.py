"""`make bench-search`: search latency through HTTP, similar questions, reindexing, index size.

For each dump (beer, and the synthetic dump of BENCH_SEARCH_POSTS posts that `make bench-import`
makes) and each backend (SQLite, and PostgreSQL when reachable):

1. a data directory with the dump imported as a site (the import indexes it); kept under
   BENCH_SEARCH_DIR between runs, since a 1M-post import takes minutes;
2. `pnyx reindex --site NAME --quiet`, timed from the outside;
3. `benchmarks.search_prepare`: the 50 queries and 50 titles (from the site's own term
   counts), the index's size and the text's;
4. `pnyx serve` (2 workers, production settings) on a loopback port; one client sends the 50
   queries to `/search?q=` one after the other, with a cookie so that every page is rendered
   (the page cache steps aside), a warm-up pass and then BENCH_SEARCH_ROUNDS passes; the same
   for the 50 titles to `/search/similar` as htmx asks (`HX-Request`);
5. p50 and p99 of all the measured requests, written to docs/benchmarks.md (between the
   `bench:search` markers) and benchmarks/out/search.json.

Knobs (environment): BENCH_SEARCH_BACKENDS (sqlite,postgres), BENCH_SEARCH_DUMPS
(beer,synthetic), BENCH_SEARCH_POSTS (1000000), BENCH_SEARCH_ROUNDS (3), BENCH_SEARCH_DIR
(var/bench-search), BENCH_SEARCH_FRESH (1: import again even if kept), BENCH_SEARCH_REINDEX
(1; 0 skips it), BENCH_IMPORT_DIR (where the synthetic dump is kept), PNYX_TEST_POSTGRES_URL,
BENCH_WRITE_DOCS (1; 0 leaves docs/benchmarks.md alone).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from benchmarks.dumps.bench_import import _postgres_reachable, _postgres_url, prepare_dumps
from benchmarks.machine import describe
from benchmarks.server import running_server

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "benchmarks.md"
OUT = REPO / "benchmarks" / "out"
BEGIN, END = "<!-- bench:search:begin", "<!-- bench:search:end -->"
COOKIE = "pnyx-bench=rendered"
AIMS = {"p50": 20.0, "p99": 100.0, "similar_p99": 30.0, "reindex_s": 180.0}


@dataclass
class Figures:
    dump: str
    backend: str
    posts: int
    index_bytes: int
    text_bytes: int
    reindex_s: float | None
    p50_ms: float
    p99_ms: float
    max_ms: float
    similar_p50_ms: float
    similar_p99_ms: float
    slowest: list[tuple[float, str]] = field(default_factory=list)
    load: str = ""  # the machine's load average while the queries ran
    cpu_ms: float = 0.0  # the server's CPU time per search request (mean, warm-up included)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _environment(backend: str, data_dir: Path, prefix: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PNYX_")}
    env["PNYX_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO)
    if backend == "postgres":
        base = os.environ.get(
            "PNYX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        )
        env["PNYX_DATABASE_URL"] = _postgres_url(base, f"{prefix}_network")
        env["PNYX_SITE_DATABASE_URL"] = _postgres_url(base, f"{prefix}_{{name}}")
    return env


def _drop_postgres(prefix: str) -> None:
    import psycopg

    base = os.environ.get("PNYX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(base, autocommit=True) as admin:
        names = admin.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix]
        ).fetchall()
        for (name,) in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _prepared(dump: str, folder: Path, backend: str, keep: Path) -> tuple[dict[str, str], str]:
    """The environment of a data directory holding `folder` imported as site `search`."""
    key = f"{backend}-{dump.split()[0].strip(',')}"
    data_dir = keep / key
    prefix = f"pnyx_bsearch_{key.replace('-', '_')}"
    env = _environment(backend, data_dir, prefix)
    marker = data_dir / "IMPORTED"
    pnyx = [sys.executable, "-m", "pnyx.cli"]
    if marker.exists() and os.environ.get("BENCH_SEARCH_FRESH", "0") != "1":
        _run([*pnyx, "migrate"], env)  # a kept site gets the migrations made since
        return env, key
    shutil.rmtree(data_dir, ignore_errors=True)
    if backend == "postgres":
        import psycopg

        _drop_postgres(prefix)
        base = os.environ.get(
            "PNYX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        )
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{prefix}_network"')
    _run([*pnyx, "migrate"], env)
    print(f"  importing {dump} into {backend} ...", flush=True)
    started = time.monotonic()
    _run([*pnyx, "import", str(folder), "--site", "search", "--quiet"], env)
    print(f"  imported in {time.monotonic() - started:.0f}s", flush=True)
    marker.write_text("ok\n")
    return env, key


def _get(connection: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status not in (200, 302):
        raise SystemExit(f"GET {path} answered {response.status}")
    return elapsed


def _server_cpu_seconds(port: int) -> float:
    """CPU time used so far by the server on `port`: every process of its session (granian
    and its workers), from /proc; the database server's own time (PostgreSQL) is not in it."""
    ticks = os.sysconf("SC_CLK_TCK")
    sessions: set[str] = set()
    stats: dict[str, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if f"--port\x00{port}\x00".encode() in (entry / "cmdline").read_bytes():
                sessions.add(fields[3])
        except OSError:
            continue
        stats[entry.name] = fields
    return sum((int(f[11]) + int(f[12])) / ticks for f in stats.values() if f[3] in sessions)


def _measure(
    base: str, paths: list[str], headers: dict[str, str], rounds: int
) -> list[tuple[float, str]]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        for path in paths:  # warm-up: connections, caches, the page cache of the OS
            _get(connection, path, headers)
        return [(_get(connection, path, headers), path) for _ in range(rounds) for path in paths]
    finally:
        connection.close()


def measure(dump: str, folder: Path, backend: str, keep: Path, rounds: int) -> Figures:
    env, key = _prepared(dump, folder, backend, keep)
    pnyx = [sys.executable, "-m", "pnyx.cli"]
    reindex_s = None
    if os.environ.get("BENCH_SEARCH_REINDEX", "1") != "0":
        started = time.monotonic()
        _run([*pnyx, "reindex", "--site", "search", "--quiet"], env)
        reindex_s = time.monotonic() - started
        print(f"  reindex: {reindex_s:.1f}s", flush=True)
    prepared = json.loads(_run([sys.executable, "-m", "benchmarks.search_prepare", "search"], env))
    paths = []
    for query in prepared["queries"]:
        text, _, extra = query.partition(" &")
        paths.append(f"/search/search?q={quote(text)}" + (f"&{extra}" if extra else ""))
    titles = [f"/search/search/similar?title={quote(t)}" for t in prepared["titles"]]
    env["PNYX_PAGE_CACHE_SECONDS"] = "0"
    log = keep / f"serve-{key}.log"
    with running_server(Path(sys.executable).parent / "pnyx", env, log, workers=2) as base:
        port = urlsplit(base).port or 80
        before = _server_cpu_seconds(port)
        timed = _measure(base, paths, {"Cookie": COOKIE}, rounds)
        cpu_ms = (_server_cpu_seconds(port) - before) * 1000 / (len(timed) + len(paths))
        similar = _measure(base, titles, {"Cookie": COOKIE, "HX-Request": "true"}, rounds)
        load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    latencies = [ms for ms, _ in timed]
    by_query: dict[str, list[float]] = {}
    for ms, path in timed:
        by_query.setdefault(path, []).append(ms)
    slowest = sorted(((statistics.median(v), p) for p, v in by_query.items()), reverse=True)[:5]
    figures = Figures(
        dump=dump,
        backend=backend,
        posts=int(prepared["posts"]),
        index_bytes=int(prepared["index_bytes"]),
        text_bytes=int(prepared["text_bytes"]),
        reindex_s=reindex_s,
        p50_ms=_percentile(latencies, 0.5),
        p99_ms=_percentile(latencies, 0.99),
        max_ms=max(latencies),
        similar_p50_ms=_percentile([ms for ms, _ in similar], 0.5),
        similar_p99_ms=_percentile([ms for ms, _ in similar], 0.99),
        slowest=slowest,
        load=load,
        cpu_ms=cpu_ms,
    )
    print(
        f"  {backend}: search p50 {figures.p50_ms:.1f} ms, p99 {figures.p99_ms:.1f} ms; "
        f"similar p99 {figures.similar_p99_ms:.1f} ms; index {figures.index_bytes / 1e6:,.0f} MB "
        f"for {figures.text_bytes / 1e6:,.0f} MB of text",
        flush=True,
    )
    return figures


def markdown(results: list[Figures], command: str, started: str) -> str:
    machine = describe(REPO)
    lines = [
        f"{BEGIN} (written by make bench-search; edits inside are overwritten) -->",
        f"### Latest run: {started}",
        "",
        f"Command: `{command}`. Each dump imported as a site (the import builds the index), then",
        "reindexed with `pnyx reindex` (timed), then served by `pnyx serve` (2 workers); one",
        "client sends 50 fixed queries to `/search?q=` in turn (words chosen from the site's own",
        "term counts: common, middling and rare words, phrases, tags, every kind of operator, long",
        "queries; `benchmarks/search_prepare.py`), with a cookie so every page is rendered, a",
        "warm-up pass then the measured passes; the same with 50 titles as an asker types them",
        "(a real title's start with a middling and a rare word) to `/search/similar` (the ask",
        "page's fragment). Server CPU: the time the server's processes used per search request",
        "(PostgreSQL's own not included), which the machine's other load does not inflate as it",
        "does the latencies. Index: every table of",
        "the search index (SQLite: `dbstat`; PostgreSQL: `pg_total_relation_size`); text: titles",
        "and bodies of the indexed posts, as stored (HTML).",
        "",
        "| dump | backend | posts indexed | search p50 | search p99 | server CPU per search | similar p50 | similar p99 | reindex | index / text | load average |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        reindex = f"{r.reindex_s:.0f} s" if r.reindex_s is not None else "-"
        lines.append(
            f"| {r.dump} | {r.backend} | {r.posts:,} | {r.p50_ms:.1f} ms | {r.p99_ms:.1f} ms | "
            f"{r.cpu_ms:.1f} ms | "
            f"{r.similar_p50_ms:.1f} ms | {r.similar_p99_ms:.1f} ms | {reindex} | "
            f"{r.index_bytes / 1e6:,.0f} MB / {r.text_bytes / 1e6:,.0f} MB "
            f"({r.index_bytes / max(r.text_bytes, 1):.0%}) | {r.load} |"
        )
    lines += [
        "",
        f"Aims at 1M posts: search p50 under {AIMS['p50']:.0f} ms and p99 under "
        f"{AIMS['p99']:.0f} ms, similar questions p99 under {AIMS['similar_p99']:.0f} ms, "
        f"reindex under {AIMS['reindex_s'] / 60:.0f} minutes.",
        "",
        "Slowest queries (median of the passes):",
        "",
    ]
    for r in results:
        shown = "; ".join(
            f"`{path.split('?q=', 1)[-1][:60]}` {ms:.0f} ms" for ms, path in r.slowest[:3]
        )
        lines.append(f"- {r.dump}, {r.backend}: {shown}")
    lines += ["", "Machine:", "", *(f"- {line}" for line in machine.lines()), END]
    return "\n".join(lines)


def write_docs(section: str) -> None:
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n## Search\n\n" + section + "\n"
    DOCS.write_text(text)


def main() -> int:
    backends = os.environ.get("BENCH_SEARCH_BACKENDS", "sqlite,postgres").split(",")
    base = os.environ.get("PNYX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    if "postgres" in backends and not _postgres_reachable(base):
        print(f"SKIPPED: PostgreSQL: no server reachable at {base}")
        backends.remove("postgres")
    os.environ.setdefault("BENCH_IMPORT_POSTS", os.environ.get("BENCH_SEARCH_POSTS", "1000000"))
    keep = Path(os.environ.get("BENCH_SEARCH_DIR", REPO / "var" / "bench-search"))
    keep.mkdir(parents=True, exist_ok=True)
    rounds = int(os.environ.get("BENCH_SEARCH_ROUNDS", "3"))
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="pnyx-bench-search-") as scratch:
        dumps = prepare_dumps(
            os.environ.get("BENCH_SEARCH_DUMPS", "beer,synthetic").split(","), Path(scratch)
        )
        for dump, folder in dumps.items():
            print(dump, flush=True)
            for backend in backends:
                results.append(measure(dump, folder, backend, keep, rounds))
    settings = " ".join(
        f"{k}={os.environ[k]}"
        for k in ("BENCH_SEARCH_POSTS", "BENCH_SEARCH_BACKENDS", "BENCH_SEARCH_DUMPS")
        if k in os.environ
    )
    section = markdown(results, f"{settings} make bench-search".strip(), started)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "search.json").write_text(json.dumps([asdict(r) for r in results], indent=2))
    if os.environ.get("BENCH_WRITE_DOCS", "1") != "0":
        write_docs(section)
        print(f"written to {DOCS.relative_to(REPO)}")
    else:
        print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
