# The verbs a newcomer needs. `make run` and `make test` work on a bare machine with Python >= 3.12 and make.
SHELL := /bin/bash
PORT ?= 8000
HOST ?= 127.0.0.1
SPEED ?= 20
VENV := .venv
PY := $(VENV)/bin/python
PIP_QUIET := --quiet --disable-pip-version-check
export PYTHONUNBUFFERED := 1

.PHONY: run setup test lint format bench clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || { py=$$(scripts/find-python) && echo "Creating $(VENV) with $$py" && "$$py" -m venv $(VENV); }
	$(PY) -m pip install $(PIP_QUIET) --upgrade pip 2>/dev/null || true
	$(PY) -m pip install $(PIP_QUIET) -e '.[dev]' 2> >(grep -v "is neither a file nor a directory" >&2)
	@touch $@

setup: $(VENV)/.installed
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo
	$(PY) manage.py import_football_json matches/data/openfootball/it.1.json --squads -v0

## Set up, load the demo match, replay it live and serve Diretta with daphne on http://$(HOST):$(PORT)
run: setup
	@echo "Diretta: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@$(PY) manage.py replay_match demo --speed $(SPEED) --replace & replay=$$!; \
	trap 'kill $$replay 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) config.asgi:application

## Set up and run the whole test suite
test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache
