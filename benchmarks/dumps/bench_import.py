"""`make bench-import`: how fast `pnyx import` reads a dump, against the floor of a bare parse.

For each dump (the beer dump shipped with Pnyx, and a synthetic dump of BENCH_IMPORT_POSTS posts
made by `benchmarks.dumps.synth`) and each backend (SQLite, and PostgreSQL when reachable):

1. the bare parse: every row of the eight files read with the importer's own reader (lxml
   iterparse, rows cleared as it goes) and nothing done with them, in a process of its own,
   best of two runs (the files are then in the page cache, as for the import);
2. the import: `pnyx import DIR --site bench` in a process of its own, into a fresh data
   directory (and fresh PostgreSQL databases), measured from the outside: wall time, CPU time
   and peak resident memory of that process (`os.wait4`); the per-file times come from its log.

It reports rows per second of the whole import, the peak memory, and the ratio of the import's
time to the bare parse's, and writes them to docs/benchmarks.md (between the `bench:dumps`
markers) and benchmarks/out/dump_import.json.

Knobs (environment): BENCH_IMPORT_POSTS (1000000), BENCH_IMPORT_SEED (1), BENCH_IMPORT_DIR
(where synthetic dumps are kept between runs; default var/bench-dumps), BENCH_IMPORT_BACKENDS
(sqlite,postgres), BENCH_IMPORT_DUMPS (beer,synthetic), PNYX_TEST_POSTGRES_URL (the server),
BENCH_WRITE_DOCS (1; 0 leaves docs/benchmarks.md alone).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.machine import describe

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "benchmarks.md"
OUT = REPO / "benchmarks" / "out"
BEGIN, END = "<!-- bench:dumps:begin", "<!-- bench:dumps:end -->"
FILE_LINE = re.compile(r"^(\w+\.xml): ([\d,]+) rows in ([\d.]+)s")
STEP_LINE = re.compile(r"^([a-z ]+): done in ([\d.]+)s")
TARGET_RATIO = 3.0
SMALL_DUMP_BYTES = 100_000_000
TARGET_MEMORY_MB = 300.0


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    peak_mb: float  # the largest single process (the import or one of its helpers)
    peak_total_mb: float = 0.0  # the import and its helpers together, sampled twice a second


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and its descendants, from /proc (0 once it is gone)."""
    total = 0
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        # Every thread's children: a process started from a thread is listed under it.
        for thread in Path(f"/proc/{pid}/task").iterdir():
            with open(thread / "children") as children:
                for child in children.read().split():
                    total += _tree_rss_kb(int(child))
    except (OSError, ValueError):
        pass
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))


@dataclass
class Result:
    dump: str
    backend: str
    rows: int
    bytes: int
    bare: Run
    load: Run
    files: dict[str, float] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.load.seconds / self.bare.seconds

    @property
    def cpu_ratio(self) -> float:
        return self.load.cpu_seconds / self.bare.cpu_seconds

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.load.seconds


def _measure(
    command: list[str], env: dict[str, str], log: Path, output: Path | None = None
) -> tuple[Run, int]:
    """Run `command`, its stderr into `log`; return its wall, CPU and peak memory, and status.

    The peak is the child's own high-water mark as the kernel reports it to `wait4`, which also
    counts the pages the child shared with this process when it was forked: this process stays
    small (it never holds a dump in memory) so that the figure is the import's.
    """
    with log.open("w") as err, open(output or os.devnull, "w") as out:
        started = time.monotonic()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        sampler = _Sampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        sampler.done.set()
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime  # the import's and its helpers' (it waits for them)
    run = Run(seconds, cpu, usage.ru_maxrss / 1024, max(sampler.peak_kb, usage.ru_maxrss) / 1024)
    return run, process.returncode


def bare_parse_main(folder: Path) -> None:
    """In a process of its own: read every row of the dump at `folder`, print the row count."""
    from pnyx.dumps.schema import TABLES
    from pnyx.dumps.source import DumpFile
    from pnyx.dumps.xmlrows import bare_parse

    rows = 0
    for table in TABLES:
        path = folder / table.file
        if path.exists():
            dump_file = DumpFile(table.file, table.file, path.stat().st_size, path)
            rows += bare_parse(dump_file, table)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "peak_mb": peak}))


def bare_parse(folder: Path, work: Path) -> tuple[Run, int]:
    """One bare parse of the dump at `folder`, and the rows it holds."""
    output = work / "bare.json"
    run, status = _measure(
        [sys.executable, "-m", "benchmarks.dumps.bench_import", "--bare", str(folder)],
        {**os.environ, "PYTHONPATH": str(REPO)},
        work / "bare.log",
        output,
    )
    if status != 0:
        raise SystemExit(f"the bare parse failed: {(work / 'bare.log').read_text()}")
    return run, int(json.loads(output.read_text())["rows"])


def mean(first: Run, second: Run) -> Run:
    """Two runs of the same work as one: their mean times, their higher peaks."""
    return Run(
        (first.seconds + second.seconds) / 2,
        (first.cpu_seconds + second.cpu_seconds) / 2,
        max(first.peak_mb, second.peak_mb),
        max(first.peak_total_mb, second.peak_total_mb),
    )


def _postgres_url(base: str, database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", "", ""))


def _postgres_reachable(base: str) -> bool:
    import psycopg

    try:
        psycopg.connect(base, connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def _environment(backend: str, data_dir: Path, prefix: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PNYX_")}
    env["PNYX_DATA_DIR"] = str(data_dir)
    if backend == "postgres":
        import psycopg

        base = os.environ.get(
            "PNYX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        )
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{prefix}_network"')
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


def import_once(
    folder: Path, backend: str, work: Path
) -> tuple[Run, dict[str, float], dict[str, float]]:
    data_dir = work / f"data-{backend}"
    shutil.rmtree(data_dir, ignore_errors=True)
    prefix = f"pnyx_bench_{uuid.uuid4().hex[:8]}"
    env = _environment(backend, data_dir, prefix)
    pnyx = [sys.executable, "-m", "pnyx.cli"]
    try:
        subprocess.run([*pnyx, "migrate"], env=env, check=True, capture_output=True)
        log = work / f"import-{backend}.log"
        run, status = _measure(
            [
                *pnyx,
                "import",
                str(folder),
                "--site",
                "bench",
                "--origin",
                "https://bench.stackexchange.com",
            ],
            env,
            log,
        )
        text = log.read_text()
        if status != 0:
            raise SystemExit(f"the import failed:\n{text}")
    finally:
        if backend == "postgres":
            _drop_postgres(prefix)
        shutil.rmtree(data_dir, ignore_errors=True)
    files = {m.group(1): float(m.group(3)) for m in map(FILE_LINE.match, text.splitlines()) if m}
    steps = {m.group(1): float(m.group(2)) for m in map(STEP_LINE.match, text.splitlines()) if m}
    return run, files, steps


def prepare_dumps(which: list[str], work: Path) -> dict[str, Path]:
    dumps: dict[str, Path] = {}
    if "beer" in which:
        import py7zr

        beer = work / "beer"
        beer.mkdir(exist_ok=True)
        archive = REPO / "src" / "pnyx" / "demo" / "data" / "beer.stackexchange.com.7z"
        with py7zr.SevenZipFile(archive) as seven:
            seven.extractall(beer)
        dumps["beer (Dec 2016)"] = beer
    if "synthetic" in which:
        posts = int(os.environ.get("BENCH_IMPORT_POSTS", "1000000"))
        seed = int(os.environ.get("BENCH_IMPORT_SEED", "1"))
        keep = Path(os.environ.get("BENCH_IMPORT_DIR", REPO / "var" / "bench-dumps"))
        folder = keep / f"synthetic-{posts}-seed{seed}"
        marker = folder / "COMPLETE"
        if not marker.exists():
            from benchmarks.dumps.synth import generate

            print(f"generating a synthetic dump of {posts:,} posts into {folder} ...", flush=True)
            shutil.rmtree(folder, ignore_errors=True)
            generate(folder, posts, seed)
            marker.write_text("ok\n")
        dumps[f"synthetic, {posts:,} posts"] = folder
    return dumps


def _load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def markdown(results: list[Result], command: str, started: str, loads: tuple[str, str]) -> str:
    machine = describe(REPO)
    lines = [
        f"{BEGIN} (written by make bench-import; edits inside are overwritten) -->",
        f"### Latest run: {started}",
        "",
        f"Command: `{command}`. Each import ran as `pnyx import DIR --site bench` into a fresh data",
        "directory (best of three for a dump under 100 MB); the bare parse reads the same files with the importer's reader (lxml iterparse,",
        "rows cleared) and does nothing with the rows: the floor an import cannot beat. It ran just",
        "before and just after each import, and the table gives the mean of the two: this shared",
        "machine's speed drifts within minutes, and a ratio should compare runs of one moment.",
        "",
        *[f"- {line}" for line in machine.lines()],
        f"- load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]} (the machine is shared)",
        "",
        "| dump | backend | rows | XML | import | rows/s | bare parse | import / bare | CPU import / bare | peak memory, all processes (largest one) |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        lines.append(
            f"| {r.dump} | {r.backend} | {r.rows:,} | {r.bytes / 1e6:,.0f} MB | {r.load.seconds:,.1f} s "
            f"| {r.rows_per_second:,.0f} | {r.bare.seconds:,.1f} s | {r.ratio:.1f}x | {r.cpu_ratio:.1f}x "
            f"| {r.load.peak_total_mb:,.0f} MB ({r.load.peak_mb:,.0f} MB) |"
        )
    lines += [
        "",
        "Import time is the whole `pnyx import` process: start-up, making and migrating the new",
        "database, the files, indexes, the finishing passes. A dump over 50 MB is loaded in one",
        "lane per core (the import's own process and one more process per further core; the",
        "posts' lane sanitises bodies in a helper process), so files run side by side and the",
        "per-file times below overlap. CPU counts all those processes. Peak memory is their",
        "resident memory together, sampled twice a second, and in brackets the largest single",
        "process as the kernel counts it. Per file and step (seconds, from each file's start):",
        "",
    ]
    for r in results:
        files = ", ".join(f"{name} {seconds:.1f}" for name, seconds in r.files.items())
        steps = ", ".join(f"{name} {seconds:.1f}" for name, seconds in r.steps.items())
        lines.append(f"- {r.dump}, {r.backend}: {files}; {steps}")
    worst_memory = max((r.load.peak_total_mb for r in results), default=0.0)
    big = [r for r in results if r.dump.startswith("synthetic")]
    lines += [
        "",
        f"Issue 3 aims: import no slower than {TARGET_RATIO:.0f}x the bare parse, peak memory under "
        f"{TARGET_MEMORY_MB:.0f} MB at 1 million posts. Peak memory here: {worst_memory:,.0f} MB at most. "
        + (
            "Ratios on the synthetic dump: "
            + ", ".join(f"{r.backend} {r.ratio:.1f}x" for r in big)
            + "."
            if big
            else ""
        ),
        END,
    ]
    return "\n".join(lines)


def write_docs(section: str) -> None:
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        before = text[: text.index(BEGIN)]
        after = text[text.index(END) + len(END) :]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n## Dump import\n\n" + section + "\n"
    DOCS.write_text(text)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--bare"]:
        bare_parse_main(Path(argv[1]))
        return 0
    backends = os.environ.get("BENCH_IMPORT_BACKENDS", "sqlite,postgres").split(",")
    postgres_base = os.environ.get(
        "PNYX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    if "postgres" in backends and not _postgres_reachable(postgres_base):
        print(f"SKIPPED: PostgreSQL: no server reachable at {postgres_base}")
        backends.remove("postgres")
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = _load_average()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="pnyx-bench-import-") as scratch:
        work = Path(scratch)
        dumps = prepare_dumps(
            os.environ.get("BENCH_IMPORT_DUMPS", "beer,synthetic").split(","), work
        )
        for name, folder in dumps.items():
            size = sum(p.stat().st_size for p in folder.glob("*.xml"))
            print(f"{name}: {size / 1e6:,.0f} MB", flush=True)
            for backend in backends:
                # This shared machine's speed drifts by a fifth within minutes: each import is
                # measured against bare parses just before and just after it (their mean).
                before, rows = bare_parse(folder, work)
                # A small dump imports in about a second, where the noise is a third of it:
                # best of three.
                tries = 3 if size < SMALL_DUMP_BYTES else 1
                load, files, steps = min(
                    (import_once(folder, backend, work) for _ in range(tries)),
                    key=lambda attempt: attempt[0].seconds,
                )
                after, _ = bare_parse(folder, work)
                bare = mean(before, after)
                result = Result(name, backend, rows, size, bare, load, files, steps)
                results.append(result)
                print(
                    f"  {backend}: {rows:,} rows; {load.seconds:.1f}s, "
                    f"{result.rows_per_second:,.0f} rows/s; bare parse {before.seconds:.1f}s "
                    f"before, {after.seconds:.1f}s after; {result.ratio:.1f}x the bare parse "
                    f"(CPU {result.cpu_ratio:.1f}x), peak {load.peak_total_mb:,.0f} MB "
                    f"(largest process {load.peak_mb:,.0f} MB)",
                    flush=True,
                )
    settings = " ".join(
        f"{key}={os.environ[key]}"
        for key in ("BENCH_IMPORT_POSTS", "BENCH_IMPORT_BACKENDS", "BENCH_IMPORT_DUMPS")
        if key in os.environ
    )
    command = f"{settings} make bench-import".strip()
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this process peaked at {own_peak:,.0f} MB, below every import's figure)")
    section = markdown(results, command, started, (load_before, _load_average()))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "dump_import.json").write_text(
        json.dumps(
            [
                {**asdict(r), "ratio": r.ratio, "rows_per_second": r.rows_per_second}
                for r in results
            ],
            indent=2,
        )
    )
    if os.environ.get("BENCH_WRITE_DOCS", "1") != "0":
        write_docs(section)
        print(f"written to {DOCS.relative_to(REPO)}")
    else:
        print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
