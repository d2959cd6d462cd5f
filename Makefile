# `make run`: set up and run the whole system.  `make test`: set up and run the tests.
VENV ?= .venv
PYTHON ?= python3
DB ?= sqlite
BIN := $(VENV)/bin
RUN_PACKAGES := redis-server ffmpeg espeak-ng
TEST_PACKAGES := $(RUN_PACKAGES) postgresql:initdb chromium acl:setfacl

.PHONY: run test test-all setup system-deps frontend bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
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
	@scripts/system-deps.sh $(TEST_PACKAGES)
	WOP_TEST_DB=$(DB) $(BIN)/pytest $(PYTEST_ARGS)

test-all:
	$(MAKE) test DB=sqlite
	$(MAKE) test DB=postgres

# Benchmarks print markdown tables; docs/benchmarks.md records them.
bench: setup
	for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var frontend/dist frontend/node_modules .pytest_cache
