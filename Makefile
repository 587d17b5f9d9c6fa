# partnerdesk: `make run` starts the portal with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test lint typecheck bench system-deps pdf-deps browser-deps clean-db

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.base-installed: requirements/base.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.lock
	touch $@

$(VENV)/.dev-installed: requirements/dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	touch $(VENV)/.base-installed $@

# Debian packages the browser tests need; installed only when missing and running as root.
pdf-deps:
	@if ! ldconfig -p | grep -q 'libpango-1.0.so.0' || ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0'; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	  else echo "The PDF libraries are missing: install Debian's libpango-1.0-0 and libpangoft2-1.0-0 (as root: make pdf-deps)."; exit 1; fi; \
	fi

browser-deps: pdf-deps
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: install Debian's chromium package (as root: make browser-deps)."; exit 1; fi; \
	fi

run: $(VENV)/.base-installed pdf-deps
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/python manage.py demo
	$(BIN)/python manage.py schedule_daily
	$(BIN)/python manage.py outbound_sweep
	@echo ""
	@echo "partnerdesk is starting on http://$(HOST):$(PORT)/ with its background worker (Ctrl-C stops both)"
	@$(BIN)/python manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - --log-level warning

test: $(VENV)/.dev-installed browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

bench: $(VENV)/.dev-installed pdf-deps
	$(BIN)/python bench/customers.py
	$(BIN)/python bench/billing.py
	$(BIN)/python bench/export.py
