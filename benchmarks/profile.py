"""Where a page's time goes: pyinstrument over many requests of one page, in process.

The requests go through Django's test client, so the whole middleware stack, the view, the
queries and the template run as under `pnyx serve`, without the server and the network (which
the bare view's figure in `make bench` already accounts for).

    .venv/bin/python -m benchmarks.profile [PAGE_KEY ...]    # default: typical list

PAGE_KEY is a key from `benchmarks.prepare` (seed, typical, list, home, beer_thread, beer_list).
PROFILE_REQUESTS (default 300) sets how many requests are profiled, after 30 of warm-up;
BENCH_DATA_DIR reuses a prepared data directory. The text report goes to standard output and an
HTML one per page to benchmarks/out/profile-KEY.html.
"""

from __future__ import annotations

import os
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
            profiler = Profiler(interval=0.0005)
            started = time.perf_counter()
            with profiler:
                for _ in range(requests):
                    client.get(path)
            per_request = (time.perf_counter() - started) / requests * 1000
            print(f"\n=== {key}: {path}: {per_request:.2f} ms per request (profiled) ===")
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            (OUT / f"profile-{key}.html").write_text(profiler.output_html(), encoding="utf-8")
    finally:
        if not given_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
