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

.PHONY: demo test venv lint typecheck pytest browser office postgis clean bench bench-more docs catalogs catalogs-check

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

pytest: $(STAMP) browser office postgis catalogs-check
	$(PY) -m pytest -n $(PYTEST_WORKERS)

test: lint typecheck pytest

# gettext catalogs (walktool.i18n): extract the marked strings, merge them into every
# language's .po, compile the .mo beside it. Fill the new French msgstr, then run it again.
LOCALE   := src/walktool/locale
BABEL    := $(VENV)/bin/pybabel
KEYWORDS := -k N_ -k NC_:1c,2
catalogs: $(STAMP)
	$(BABEL) extract -F babel.cfg $(KEYWORDS) --no-location --sort-output -o $(LOCALE)/walktool.pot . >/dev/null
	$(BABEL) update -D walktool -i $(LOCALE)/walktool.pot -d $(LOCALE) --no-fuzzy-matching --ignore-obsolete --width 100
	$(BABEL) compile -D walktool -d $(LOCALE) --statistics

# make test: the catalogs compile (tests/test_i18n.py then checks the committed .mo and the French).
catalogs-check: $(STAMP)
	@tmp=$$(mktemp -d) && cp -r $(LOCALE)/. $$tmp/ && $(BABEL) compile -D walktool -d $$tmp --statistics && rm -rf $$tmp

# Headless Chromium and its driver for the real-browser map test (Debian packages).
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
		echo "Installing chromium and chromium-driver (needed by the browser test)..."; \
		if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null \
		|| echo "warning: could not install chromium; the browser test will fail"; \
	fi

# PostgreSQL 15 + PostGIS 3 from Debian packages, for the PostGIS store tests: each pytest process
# starts its own throwaway cluster on a loopback port in a temporary folder (tests/_postgis.py; as
# root, initdb and pg_ctl run as the packages' postgres user) and removes it afterwards.
postgis:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then \
		echo "Installing postgresql-15 and postgresql-15-postgis-3 (needed by the PostGIS store tests)..."; \
		if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql-15 postgresql-15-postgis-3 >/dev/null \
		|| echo "warning: could not install PostgreSQL + PostGIS; the PostGIS tests will be SKIPPED"; \
	fi

# LibreOffice (headless PDF of the workbook, for the print-layout tests) and poppler's
# pdftoppm (PNG pages for the docs' screenshots), from Debian packages; about 1.5 minutes.
office:
	@if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then \
		echo "Installing libreoffice-calc-nogui and poppler-utils (needed by the print-layout tests)..."; \
		if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libreoffice-calc-nogui poppler-utils >/dev/null \
		|| echo "warning: could not install LibreOffice; the print-layout tests will be skipped"; \
	fi

# Speed and memory figures (never asserted by tests): every command at 5,000 / 20,000 / 50,000
# stop audits against ../shared/bench/baseline.py, written to benchmarks/README.md;
# `make bench LARGE=1` adds 200,000 (about ten minutes here without it).  `make bench-more`: the
# PostGIS archive, the import alone, the map in headless Chromium at 100,000 findings, the workbook
# at 100,000 observations.
bench: $(STAMP)
	$(PY) benchmarks/run.py $(if $(LARGE),--large,)

bench-more: $(STAMP) browser postgis
	$(PY) benchmarks/postgis_bench.py
	$(PY) benchmarks/import_bench.py 20000
	$(PY) benchmarks/map_bench.py 100000
	$(PY) benchmarks/report_bench.py 100000

docs: $(STAMP)
	$(PY) -m walktool.docs_cli > docs/cli.md

clean:
	rm -rf $(VENV) walktool.gpkg reports/*.html reports/*.xlsx .pytest_cache .mypy_cache .ruff_cache
