"""Where a page's time goes: pyinstrument over many requests of one page, in process.

The requests go through Django's test client, so the whole middleware stack, the view, the
queries and the template run as under `pnyx serve`, without the server and the network (which
the bare view's figure in `make bench` already accounts for).

    .venv/bin/python -m benchmarks.profile [PAGE_KEY ...]    # default: typical list

PAGE_KEY is a key from `benchmarks.prepare` (seed, typical, list, home, beer_thread, beer_list).
PROFILE_REQUESTS (default 300) sets how many requests are timed (unprofiled) and then profiled,
after 30 of warm-up; BENCH_DATA_DIR reuses a prepared data directory. The page cache is off
(PROFILE_PAGE_CACHE_SECONDS=60 profiles cache hits instead). The text report goes to standard output and an
HTML one per page to benchmarks/out/profile-KEY.html.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"
BIN = Path(sys.executable).parent


def _prepare_data_dir(data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PNYX_")}
    env["PNYX_DATA_DIR"] = str(data_dir)
    for command in ([str(BIN / "pnyx"), "migrate"], [str(BIN / "pnyx"), "demo"]):
        subprocess.run(command, env=env, check=True, capture_output=True)


# Where a function's own time is counted, by the file it is in (first match wins).
CATEGORIES = [
    ("database driver (SQL run)", ("sqlite3.", "psycopg")),
    ("templates", ("django/template/", "templatetags/", "django/utils/html.py")),
    ("ORM and database layer (building queries, rows to objects)", ("django/db/",)),
    ("URLs (resolving the path, reverse, {% url %})", ("django/urls/",)),
    ("pnyx code", ("/pnyx/",)),
    (
        "request handling, middleware",
        ("django/core/", "django/middleware/", "django/contrib/", "django/http/",
         "django/test/", "whitenoise/"),
    ),
]  # fmt: skip


OTHER = "other (the profiling loop itself)"


def categorise(stats: pstats.Stats) -> dict[str, float]:
    """Share of own time (cProfile's tottime) per category. A function of no category (the
    standard library, builtins such as getattr) counts for the category of its main caller, so
    that `isinstance` called by the ORM is the ORM's time."""
    table = stats.stats  # type: ignore[attr-defined]
    resolved: dict[object, str] = {}

    def category(key: tuple[str, int, str], seen: frozenset[object] = frozenset()) -> str:
        if key in resolved:
            return resolved[key]
        filename, _, function = key
        where = f"{filename} {function}"
        name = next((n for n, marks in CATEGORIES if any(m in where for m in marks)), None)
        if name is None:
            callers = table.get(key, (0, 0, 0, 0, {}))[4]
            candidates = [c for c in callers if c not in seen and c != key]
            if candidates:
                main_caller = max(candidates, key=lambda c: callers[c][3])
                name = category(main_caller, seen | {key})
            else:
                name = OTHER
        resolved[key] = name
        return name

    totals: dict[str, float] = {name: 0.0 for name, _ in CATEGORIES}
    totals[OTHER] = 0.0
    for key, row in table.items():
        totals[category(key)] += row[2]
    whole = sum(totals.values()) or 1.0
    return {name: seconds / whole for name, seconds in totals.items()}


def main(keys: list[str]) -> int:
    from pyinstrument import Profiler

    requests = int(os.environ.get("PROFILE_REQUESTS", "300"))
    given_dir = os.environ.get("BENCH_DATA_DIR")
    data_dir = Path(given_dir) if given_dir else Path(tempfile.mkdtemp(prefix="pnyx-profile-"))
    try:
        _prepare_data_dir(data_dir)
        for name in [k for k in os.environ if k.startswith("PNYX_")]:
            del os.environ[name]
        os.environ["PNYX_DATA_DIR"] = str(data_dir)
        # The view's own cost, not the page cache's: every request renders.
        os.environ["PNYX_PAGE_CACHE_SECONDS"] = os.environ.get("PROFILE_PAGE_CACHE_SECONDS", "0")
        os.environ["DJANGO_SETTINGS_MODULE"] = "pnyx.settings"
        import django

        django.setup()
        from django.test import Client

        from benchmarks.prepare import prepare

        endpoints = {e.key: e for e in prepare()}
        client = Client(HTTP_HOST="127.0.0.1")
        OUT.mkdir(parents=True, exist_ok=True)
        for key in keys or ["typical", "list"]:
            if key not in endpoints:
                print(f"profile: no page {key!r}; have {', '.join(endpoints)}", file=sys.stderr)
                return 2
            path = endpoints[key].path
            for _ in range(30):
                status = client.get(path).status_code
                if status != 200:
                    print(f"profile: {path} answered {status}", file=sys.stderr)
                    return 1
            started, cpu_started = time.perf_counter(), time.process_time()
            for _ in range(requests):
                client.get(path)
            wall = (time.perf_counter() - started) / requests * 1000
            cpu = (time.process_time() - cpu_started) / requests * 1000
            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(requests):
                    client.get(path)
            print(f"\n=== {key}: {path}: {cpu:.2f} ms CPU, {wall:.2f} ms wall per request ===")
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            tracer = cProfile.Profile()
            with tracer:
                for _ in range(requests):
                    client.get(path)
            print("own time by kind of code (cProfile):")
            for name, fraction in categorise(pstats.Stats(tracer)).items():
                print(f"  {fraction:6.1%}  {name}")
            (OUT / f"profile-{key}.html").write_text(profiler.output_html(), encoding="utf-8")
    finally:
        if not given_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
