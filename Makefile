# walktool: two commands set everything up on a fresh machine.
#   make demo   create .venv, install, run the whole pipeline on the bundled sample campaign
#   make test   create .venv, install with test dependencies, lint, type-check and run the suite

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO_OUT ?=
# the suite runs on every core (pytest-xdist); PYTEST_WORKERS=0 runs it in one process
PYTEST_WORKERS ?= auto

.PHONY: demo test venv lint typecheck pytest browser clean bench docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/walktool demo $(if $(DEMO_OUT),--out $(DEMO_OUT),)

lint: $(STAMP)
	$(PY) -m ruff check src tests benchmarks

typecheck: $(STAMP)
	$(PY) -m mypy

pytest: $(STAMP) browser
	$(PY) -m pytest -n $(PYTEST_WORKERS)

test: lint typecheck pytest

# Headless Chromium and its driver for the real-browser map test (Debian packages).
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
		echo "Installing chromium and chromium-driver (needed by the browser test)..."; \
		if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null \
		|| echo "warning: could not install chromium; the browser test will fail"; \
	fi

# Speed and memory figures (never asserted by tests): import of 20,000 Kobo rows, the map
# at 100,000 findings (needs chromium: `make browser`), the report at 100,000 observations.
bench: $(STAMP) browser
	$(PY) benchmarks/run.py 20000
	$(PY) benchmarks/map_bench.py 100000
	$(PY) benchmarks/report_bench.py 100000

docs: $(STAMP)
	$(PY) -m walktool.docs_cli > docs/cli.md

clean:
	rm -rf $(VENV) walktool.gpkg reports/*.html reports/*.xlsx .pytest_cache .mypy_cache .ruff_cache
