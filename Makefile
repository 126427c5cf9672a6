# Two commands: `make run` and `make test`. Both work on a fresh Debian machine with Python 3.11.
# `make serve` runs the production setup (replicas behind nginx) on the same machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# PORT: 8501 for `make run`, 8080 for `make serve` (nginx) unless given.
REPLICAS ?= 3

.PHONY: run serve test lint typecheck validate bench bench-e2e geodata docs clean chromium nginx axe

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps re-install only when the requirement files' bytes change. A stamp holds the sha256 of the files it installed:
# a fresh checkout or worktree gives them a new mtime (newer than the stamp), which used to reinstall an installed
# venv. When the mtime says "maybe", pip runs only if the hash differs and the venv lacks a pinned version
# (scripts/requirements_met.py); a fresh clone has no venv, so it installs.
define install
	@sum=$$(cat $(1) | sha256sum | cut -d' ' -f1); \
	if [ "$$(cat $@ 2>/dev/null)" != "$$sum" ] && ! $(BIN)/python scripts/requirements_met.py $(lastword $(1)); then \
		echo "$(BIN)/python -m pip install --quiet -r $(lastword $(1))"; \
		$(BIN)/python -m pip install --quiet -r $(lastword $(1)) || exit 1; \
	fi; \
	echo "$$sum" > $@
endef

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(call install,requirements.txt)

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(call install,requirements.txt requirements-dev.txt)

run: $(VENV)/.runtime-installed
	$(BIN)/streamlit run app.py --server.port $(or $(PORT),8501)

# In the foreground until Ctrl-C; FRAME_ANCESTORS (default 'self') lists the sites that may embed the monitor.
serve: $(VENV)/.runtime-installed nginx
	$(BIN)/python deploy/serve.py --port $(or $(PORT),8080) --replicas $(REPLICAS)

# Debian's chromium drives the browser tests (Playwright cannot download its own browser here).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Debian's chromium…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests need it)"; \
		fi; \
	fi

# Debian's nginx fronts `make serve` and its load test (tests/test_serve.py).
nginx:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Debian's nginx…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
		else \
			echo "nginx is missing: run 'sudo apt-get install nginx' (make serve and its test need it)"; \
		fi; \
	fi


# axe-core from the npm registry (pinned in package-lock.json): the browser tests run it on every page.
axe: node_modules/.axe-installed

node_modules/.axe-installed: package.json package-lock.json
	@if ! command -v npm >/dev/null 2>&1 && [ "$$(id -u)" = "0" ]; then \
		echo "Installing Debian's npm…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	fi
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.dev-installed chromium nginx axe
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/mypy
	$(BIN)/python -m incidents validate data
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache --no-logo

# mypy over app.py, app_pages/, components/, incidents/ and scripts/ (the list is in pyproject.toml).
typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

validate: $(VENV)/.runtime-installed
	$(BIN)/python -m incidents validate data

bench: $(VENV)/.dev-installed
	@for script in bench/bench_*.py; do $(BIN)/python $$script; done

# The pages in Debian's chromium beside a bare Streamlit app, on the shipped data and on a synthetic 1,000-incident
# directory (in bench/out/). Several minutes; not part of `make test`. INCIDENTS changes the synthetic size.
bench-e2e: $(VENV)/.dev-installed chromium
	$(BIN)/python bench/e2e.py --incidents $(or $(INCIDENTS),1000)

geodata: $(VENV)/.dev-installed
	$(BIN)/python scripts/build_geodata.py

docs: $(VENV)/.runtime-installed
	$(BIN)/python -m incidents docs --write data/README.md

clean:
	rm -rf $(VENV) node_modules tests/artifacts .pytest_cache .ruff_cache
