# trust-si task runner. The README's two commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell pyenv root 2>/dev/null)/versions/$(PYTHON_VERSION)/bin/python
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: env test demo

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.9

.venv/.synced: uv.lock pyproject.toml | .tools/bin/uv
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

env: .venv/.synced

test: env
	.venv/bin/python -m pytest
