# Pnyx: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The local PostgreSQL of this machine kind; override to test against another server.
PNYX_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
export PNYX_TEST_POSTGRES_URL

# Debian's Chromium drives the browser tests (Playwright launches /usr/bin/chromium); installed
# here when the machine lacks it and we may (root), as `.ci/run` does; otherwise make test stops
# with the command to run.
CHROMIUM := /usr/bin/chromium

.PHONY: install browser run serve test lint typecheck test-sqlite test-postgres bench bench-import bench-search clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

browser:
	@[ -x $(CHROMIUM) ] || { [ "$$(id -u)" = 0 ] && { export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }; }; } || \
		{ echo "make test needs Debian's Chromium for the browser tests: run 'sudo apt-get install chromium fonts-dejavu-core' and try again"; exit 2; }

run: install
	$(BIN)/pnyx migrate
	$(BIN)/pnyx demo
	@echo "Serving at http://$(HOST):$(PORT)/"
	$(BIN)/pnyx serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

test-sqlite: install browser
	PNYX_TEST_BACKEND=sqlite $(BIN)/pytest -n 2 -q

test-postgres: install browser
	@if $(BIN)/python -c "import psycopg,os; psycopg.connect(os.environ['PNYX_TEST_POSTGRES_URL'], connect_timeout=3).close()" 2>/dev/null; then \
		PNYX_TEST_BACKEND=postgres $(BIN)/pytest -n 2 -q; \
	else \
		echo "SKIPPED: the PostgreSQL suite: no server reachable at $$PNYX_TEST_POSTGRES_URL"; \
	fi

test: lint typecheck test-sqlite test-postgres

bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && (apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)); } || { echo "make bench needs wrk: apt-get install wrk"; exit 2; }
	$(BIN)/python -m benchmarks.run

# Dump import against a bare parse, beer and a synthetic dump (BENCH_IMPORT_POSTS, default 1M),
# SQLite and PostgreSQL; writes the "Dump import" section of docs/benchmarks.md.
bench-import: install
	$(BIN)/python -m benchmarks.dumps.bench_import

# Search latency through HTTP (50 queries, similar questions), reindex time and index size on
# beer and the synthetic dump (BENCH_SEARCH_POSTS, default 1M), SQLite and PostgreSQL; writes the
# "Search" section of docs/benchmarks.md. Imported sites are kept in var/bench-search.
bench-search: install
	$(BIN)/python -m benchmarks.search

clean:
	rm -rf $(VENV) var
