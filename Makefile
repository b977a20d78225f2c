# Two commands matter: `make run` and `make test`. Everything else is a step they take.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: install install-dev node-deps run test lint typecheck check bench clean demo

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Gangway needs Python 3.11 or newer"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -c constraints.txt -e .
	@touch $@

install-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml constraints.txt
	$(PIP) install -c constraints.txt -e '.[dev]'
	@touch $@

# The Node tier's stripe-node (tests/node), from the npm registry; skipped (the tier then says how
# to get Node) when npm is missing. The stamp lives in node_modules, so `npm ci` reruns only
# when the lock file changes or node_modules is removed.
NODE_DIR   := tests/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed

node-deps:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(NODE_STAMP); \
	else echo "npm not found: the Node tier (tests/node) will be skipped; Debian: apt-get install nodejs npm"; fi

$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	npm ci --prefix $(NODE_DIR) --no-audit --no-fund
	@touch $@

run: install
	$(BIN)/gangway serve --data-dir .gangway

test: install-dev node-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check src tests tools bench examples
	$(BIN)/ruff format --check src tests tools bench examples

typecheck: install-dev
	$(BIN)/mypy

check: lint typecheck test

# Every figure of the performance issue beside its ceiling, in one run (about 6 minutes; needs
# wrk; PostgreSQL's scale-out part when its server answers). BENCH_ARGS=--quick for a smoke run.
bench: install-dev
	$(BIN)/python -m bench.report $(BENCH_ARGS)

demo: install-dev
	$(if $(API),DEMO_API=$(API)) $(BIN)/python -m examples.platform.demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(NODE_DIR)/node_modules
