# trust-si task runner. The README's two commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/$(PYTHON_VERSION)/bin/python
UV := .tools/bin/uv
PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
DEMO_PASSWORD ?= demo-Northmoor-2026
HOST ?= 127.0.0.1
PORT ?= 8000
LOCAL := DJANGO_SETTINGS_MODULE=trust_si.settings.local

.PHONY: env browser test test-fast lint demo demo-prepare demo-run clean totp screenshots

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.9

.venv/.synced: uv.lock pyproject.toml | .tools/bin/uv
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

## env: the virtual environment, exactly as uv.lock pins it
env: .venv/.synced

## browser: Debian's chromium for the browser tests (never a downloaded browser)
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || { echo "Could not install chromium: browser tests will fail"; exit 1; }; \
	fi

## test: the whole suite (SQLite, eager Celery; browser tests in headless chromium)
test: env browser
	$(PY) -m pytest -p no:cacheprovider -q

## test-fast: the suite without the browser tests
test-fast: env
	$(PY) -m pytest -p no:cacheprovider -q -m "not browser"

## lint: ruff, formatting, mypy, import layers, migrations in step with models
lint: env
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	.venv/bin/lint-imports
	$(LOCAL) $(PY) manage.py makemigrations --check --dry-run

demo-prepare: env
	@mkdir -p var
	$(LOCAL) $(PY) manage.py migrate --noinput -v 0
	$(LOCAL) DEMO_PASSWORD='$(DEMO_PASSWORD)' $(PY) manage.py seed_demo
	$(LOCAL) $(PY) manage.py collectstatic --noinput -v 0

## demo: build, migrate, load the demo trusts, run web + Celery worker/beat at http://127.0.0.1:8000
demo: demo-prepare demo-run

demo-run:
	@echo "Starting the Celery worker and beat (filesystem broker under var/broker)..."
	@$(LOCAL) .venv/bin/celery -A trust_si worker -B -l warning --concurrency 2 \
	    --schedule var/celerybeat-schedule > var/worker.log 2>&1 & \
	  worker=$$!; \
	  trap "kill $$worker 2>/dev/null; wait $$worker 2>/dev/null" EXIT INT TERM; \
	  echo "trust-si is running at http://$(HOST):$(PORT)/  (Ctrl-C stops web and worker; worker log: var/worker.log)"; \
	  $(LOCAL) .venv/bin/gunicorn trust_si.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 \
	    --access-logfile - --error-logfile -

## screenshots: the README's screenshots (docs/screenshots/*.png, 1366 px) from the seeded demo
screenshots: demo-prepare browser
	$(LOCAL) $(PY) scripts/screenshots.py

clean:
	rm -rf var .venv .tools

## totp: the current two-factor code of a demo user: make totp EMAIL=trust_leader@northmoor.example
totp: env
	@$(LOCAL) $(PY) manage.py demo_totp $(EMAIL)
