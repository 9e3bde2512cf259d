# The two commands a newcomer types: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format serve import rebuild-index messages clean

# requirements-dev.lock: the runtime set (requirements.lock), the cluster clients and the test tools.
# A new dependency goes in pyproject.toml and, pinned with its own new dependencies, in the lock of
# its set; tests/test_dependencies.py checks the locks against pyproject.toml and each other.
LOCKS := requirements.lock requirements-cluster.lock requirements-dev.lock

$(BIN)/activate: $(LOCKS) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $(BIN)/activate

install: $(BIN)/activate

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py import_seeds seeds/
	$(BIN)/python manage.py rebuild_index --noinput
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Interface translations: the .po files are their source. Extract strings, draft new zh_Hant entries from
# zh_Hans (locale/draft_hant.py: flagged fuzzy for review, never over a reviewed one), compile (commit the .mo files).
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans -l zh_Hant --ignore=.venv --ignore=var --ignore=bench --ignore=tests --no-obsolete
	$(BIN)/python locale/draft_hant.py
	$(BIN)/python manage.py compilemessages -l zh_Hans -l zh_Hant --ignore=.venv --ignore=var

clean:
	rm -rf var/ .pytest_cache
