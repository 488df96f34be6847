# `make run` and `make test` install whatever is missing first; a second run installs nothing.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
PORT    ?= 8000
# The stamp names a hash of the dependency files, so editing them triggers a reinstall.
STAMP   := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)

.PHONY: install chromium run test test-fast lint format bench loadtest fuzz evaluate messages screenshots

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, from the CPU wheel; unpinned, sentence-transformers would pull a CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_catalog
	$(PY) manage.py reembed --stale
	$(PY) manage.py serve 127.0.0.1:$(PORT)

# Browser tests drive Debian's Chromium; installed when missing and this user may install it.
chromium:
	@command -v chromium >/dev/null \
	  || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	       && apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
	  || echo "Chromium is not installed: browser tests will be skipped (apt-get install chromium)."

test: install chromium
	$(PY) -m pytest

# Everything but the real-model, browser and PostgreSQL/Redis tests, on in-memory SQLite with the
# fake encoder and a tiny catalog where a test matches: quick feedback while working.
FAST_TESTS := not model and not browser and not postgres and not redis
test-fast: install
	DATABASE_URL= CELERY_BROKER_URL= $(PY) -m pytest -q -p no:cacheprovider -m "$(FAST_TESTS)"

# The German provider and editor journeys in Chromium, saving each page at 1366 and 390 px wide.

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

evaluate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_catalog
	$(PY) manage.py reembed --stale
	$(PY) manage.py evaluate_matching $(filter-out matching/eval/holdout_%,$(wildcard matching/eval/*.tsv))

bench: install
	$(PY) bench/run.py

# 20 simulated users for 60 s against gunicorn on 127.0.0.1, then again while the index is rebuilt.
loadtest: install
	$(PY) bench/loadtest.py --users 20 --seconds 60

# schemathesis against the live API's OpenAPI schema; reports every finding, fails on any 5xx.
fuzz: install
	$(PY) bench/fuzz.py --max-examples 100 --max-seconds 300

# Interface texts: extract into locale/de/LC_MESSAGES/django.po, translate, then compile the .mo
# (both files are committed, so a fresh machine needs no gettext tools).
messages: install
	$(PY) manage.py makemessages -l de --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

# Full-page screenshots (start, results with one and two problems, a use case; 1366 and 390 px,
# English and German) into screenshots/, which is not committed. The database test makes the
# session set up test databases, as the browser tests need.
screenshots: install chromium
	SCREENSHOT_DIR=$(CURDIR)/screenshots $(PY) -m pytest -q -p no:cacheprovider \
	  tests/browser/test_database_setup.py tests/browser/test_screenshots.py \
	  tests/browser/test_german_journeys.py
