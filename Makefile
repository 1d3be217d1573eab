# The front door: `make help` lists the targets. Each target creates or reuses the virtual
# environment it needs, so a fresh clone with only Python 3.11 works.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
LAB_VENV := .venv-lab
PY := $(VENV)/bin/python

.DEFAULT_GOAL := help
.PHONY: help lint typecheck test test-fast report lab bench validate codebook clean

help: ## List the targets
	@echo "Targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  \1\t/' | expand -t 14

# Report and test environment: no JupyterLab (it slows every import of jsonschema, see README).
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[report,dev,cluster]'
	touch $@

$(LAB_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[report,lab]'
	touch $@

test: lint typecheck ## Run every test: types, unit, data, notebook, report, browser and packaging
	$(PY) -m pytest

test-fast: lint ## The edit loop: unit and data tests only (no kernels, no browser), well under 30 s
	$(PY) -m pytest -m "not slow" tests analysis

lint: $(VENV)/.installed
	$(PY) -m ruff check analysis tests benchmarks notebooks
	$(PY) -m ruff format --check analysis tests benchmarks notebooks

# Type-check the package; which modules must annotate every function: [tool.mypy] in pyproject.toml.
typecheck: $(VENV)/.installed
	$(PY) -m mypy

report: $(VENV)/.installed ## Run every notebook and publish HTML in reports/ (AS_OF=YYYY-MM-DD to look back)
	$(PY) -m analysis report $(if $(AS_OF),--as-of $(AS_OF))

bench: $(VENV)/.installed ## Measure build times, import cost, page sizes and backfill scaling (figures, not tests)
	$(PY) benchmarks/bench.py
	$(PY) benchmarks/backfill.py

lab: $(LAB_VENV)/.installed ## Start JupyterLab in notebooks/ with `analysis` importable (LAB_ARGS: more options)
	$(LAB_VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

validate: $(VENV)/.installed ## Check every table against the schema and the seed texts
	$(PY) -m analysis validate

codebook: $(VENV)/.installed ## Regenerate the README codebook from data/datapackage.json
	$(PY) -m analysis codebook --write

clean: ## Remove environments, caches, generated reports and test output
	rm -rf $(VENV) $(LAB_VENV) reports .report-cache .cache test-output .reports-build-* .reports-retired .reports.lock \
		.pytest_cache .ruff_cache .mypy_cache *.egg-info
