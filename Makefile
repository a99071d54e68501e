# Each target works on a fresh clone with Python 3.11 and make: it installs, migrates, then does its job.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SANDBOX_PORT ?= 8081
PORT ?= 8000

.PHONY: install run test bench lint migrate clean messages

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

migrate: install
	$(BIN)/arauto migrate

# Serves Arauto on http://127.0.0.1:$(PORT) with SQLite, beside a sandbox Evolution server on $(SANDBOX_PORT).
run: migrate
	@set -e; \
	$(BIN)/arauto sandbox --port $(SANDBOX_PORT) & sandbox=$$!; \
	trap 'kill $$sandbox 2>/dev/null' EXIT INT TERM; \
	ARAUTO_SANDBOX_URL=$${ARAUTO_SANDBOX_URL:-http://127.0.0.1:$(SANDBOX_PORT)} \
	ARAUTO_BASE_URL=$${ARAUTO_BASE_URL:-http://127.0.0.1:$(PORT)} \
	$(BIN)/arauto run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy .

# Extracts every marked string (templates and Python) and updates the pt_BR and en catalogues, then compiles them.
# The compiled .mo files are committed, so a fresh clone runs without this step.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --no-wrap --sort-by-file --omit-header \
		-o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel compile -d translations --statistics

bench: migrate
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
