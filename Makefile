# The two commands a newcomer types: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format serve import rebuild-index messages clean

$(BIN)/activate: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
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
	$(BIN)/python -m pytest

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Interface translations: extract strings, fill both catalogues from locale/fill_po.py, compile (commit the .mo files).
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans -l zh_Hant --ignore=.venv --ignore=var --ignore=bench --ignore=tests --no-obsolete
	$(BIN)/python locale/fill_po.py
	$(BIN)/python manage.py compilemessages -l zh_Hans -l zh_Hant --ignore=.venv --ignore=var

clean:
	rm -rf var/ .pytest_cache
