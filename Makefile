# `make run`: set up and run the whole system.  `make test`: set up and run the tests.
VENV ?= .venv
PYTHON ?= python3
DB ?= sqlite
BIN := $(VENV)/bin
RUN_PACKAGES := redis-server ffmpeg espeak-ng
TEST_PACKAGES := $(RUN_PACKAGES) postgresql:initdb chromium acl:setfacl nginx:/usr/sbin/nginx

.PHONY: run test test-all lint setup system-deps frontend bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,lint]'
	touch $@

setup: $(BIN)/.installed

frontend:
	@if [ -f frontend/package.json ]; then scripts/build-frontend.sh; fi

run: setup frontend
	@if [ -z "$$REDIS_URL" ]; then scripts/system-deps.sh redis-server; fi
	@scripts/system-deps.sh ffmpeg espeak-ng || echo "(continuing: audio features need ffmpeg and espeak-ng)"
	$(BIN)/wop up

# DB=sqlite (default) or DB=postgres; the test run starts its own Redis and PostgreSQL.
test: setup frontend
	@if command -v npm >/dev/null 2>&1; then cd frontend && npm run typecheck && npm test; fi
	@scripts/system-deps.sh $(TEST_PACKAGES)
	@$(MAKE) --no-print-directory lint
	WOP_TEST_DB=$(DB) $(BIN)/pytest $(PYTEST_ARGS)

# Lint, formatting and types of the Python code (settings in pyproject.toml); `make test` runs it first.
LINT_PATHS := wop tests bench
lint: setup
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy

test-all:
	$(MAKE) test DB=sqlite
	$(MAKE) test DB=postgres

# Every benchmark in one run (under 10 minutes): one table, written into docs/benchmarks.md.
# Each script in bench/ also runs alone and prints its own tables.
bench: setup frontend
	@scripts/system-deps.sh $(TEST_PACKAGES)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var frontend/dist frontend/node_modules .pytest_cache .mypy_cache .ruff_cache
