# Bridgehead — the two commands a newcomer needs are `make demo` and `make test`.
# Everything is installed into .venv from the pinned requirements/*.txt with uv (installed into the venv).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
export DJANGO_SETTINGS_MODULE := bridgehead.site.settings

.PHONY: help venv install install-dev lock demo serve worker test test-fast test-browser lint format \
        messages compile-messages browser-deps fonts bench-schedule bench-match bench-partnering bench-load clean

help:
	@echo "make demo   - install, migrate, load the Ulsan–San Diego demo, serve http://$(HOST):$(PORT)/ with a background worker (Ctrl+C stops both)"
	@echo "make test   - install, lint (ruff, import-linter) and run the whole test suite"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9

venv: $(UV)

# Stamp files: reinstall only when the pins change. requirements/dev.txt pins every runtime package at the
# same version as requirements/base.txt, plus the development tools. Once the tools are installed, `install`
# (what `make demo` needs) keeps them: it syncs to dev.txt when a pin changed and does nothing otherwise, so
# `make test` after `make demo` (and the reverse) reinstalls nothing (tests/core/test_makefile.py).
# `rm .venv/.dev-installed` (or `make clean`) goes back to the runtime packages alone.
DEV_CURRENT = [ $(VENV)/.dev-installed -nt requirements/dev.txt ] && [ $(VENV)/.dev-installed -nt requirements/base.txt ] \
	&& [ $(VENV)/.dev-installed -nt pyproject.toml ]

$(VENV)/.base-installed: requirements/base.txt pyproject.toml | $(UV)
	@if [ ! -f $(VENV)/.dev-installed ]; then \
	  $(UV) pip sync --quiet --python $(BIN)/python requirements/base.txt && \
	  $(UV) pip install --quiet --python $(BIN)/python --no-deps -e . ; \
	elif $(DEV_CURRENT); then \
	  echo "Keeping the development tools (requirements/dev.txt includes every runtime pin)."; \
	else \
	  $(UV) pip sync --quiet --python $(BIN)/python requirements/dev.txt && \
	  $(UV) pip install --quiet --python $(BIN)/python --no-deps -e . && touch $(VENV)/.dev-installed; \
	fi
	@touch $@

$(VENV)/.dev-installed: requirements/dev.txt requirements/base.txt pyproject.toml | $(UV)
	$(UV) pip sync --quiet --python $(BIN)/python requirements/dev.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@ $(VENV)/.base-installed

install: $(VENV)/.base-installed
install-dev: $(VENV)/.dev-installed

# Re-pin after editing pyproject.toml (no registry address is written: DESIGN §7).
lock: $(UV)
	$(UV) pip compile --quiet --python-version 3.11 pyproject.toml -o requirements/base.txt
	$(UV) pip compile --quiet --python-version 3.11 --extra dev --extra e5 pyproject.toml -o requirements/dev.txt

compile-messages:
	$(BIN)/bridgehead manage compile_translations

messages:
	cd src/bridgehead && ../../$(BIN)/django-admin makemessages -l ko --no-obsolete --ignore 'engines/*'

# Korean glyphs for screenshots and PDF reports (Debian's fonts-nanum; fonts-noto-cjk works as well).
fonts:
	@fc-list 2>/dev/null | grep -qi -E 'noto sans cjk|nanum' || \
	  (echo "Installing a Korean font (fonts-nanum)" && \
	   (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum fontconfig >/dev/null) || \
	   echo "warning: could not install fonts-nanum; Korean text may render as boxes in PDFs and screenshots")

demo: install fonts
	@mkdir -p var
	$(BIN)/bridgehead manage migrate --no-input -v 0
	$(MAKE) --no-print-directory compile-messages
	$(BIN)/bridgehead manage collectstatic --no-input -v 0
	$(BIN)/bridgehead demo
	$(BIN)/bridgehead serve --with-worker --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/bridgehead serve --host $(HOST) --port $(PORT)

worker: install
	$(BIN)/bridgehead worker

# What the tests need from Debian: chromium (browser tests; never a downloaded browser), gettext
# (the check that the Korean catalogue matches the source) and poppler-utils (PDF reports checked for Korean text).
browser-deps:
	@(test -x /usr/bin/chromium && command -v xgettext >/dev/null && command -v pdftotext >/dev/null) || \
	  (echo "Installing Debian's chromium, gettext and poppler-utils for the tests" && apt-get update -qq && \
	   DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gettext poppler-utils >/dev/null)

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

test: install-dev browser-deps fonts lint
	@mkdir -p var
	$(MAKE) --no-print-directory compile-messages
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-fast: install-dev
	$(BIN)/pytest -n 2 -m "not browser and not slow" $(PYTEST_ARGS)

format: install-dev
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench-schedule: install-dev
	$(BIN)/python bench/schedule/run.py $(BENCH_ARGS)

bench-match: install-dev
	$(BIN)/python bench/match/run.py $(BENCH_ARGS)

# Needs the local PostgreSQL (database bridgehead_bench is re-created; override with BENCH_DATABASE_URL).
bench-partnering: install-dev
	$(BIN)/python bench/partnering/run.py $(BENCH_ARGS)

# Mixed locust load (agenda, recommendations, requests, dashboards, API) on granian + the local PostgreSQL:
# database bridgehead_bench_load is re-created (BENCH_ARGS="--reuse" keeps it); loopback only, bounded runs.
bench-load: install-dev
	$(BIN)/python bench/load/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
