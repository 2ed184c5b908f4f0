# Two commands do everything: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000
# Test processes: one per core (pytest-xdist); TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto

.PHONY: run test install install-dev lint typecheck format worker beat messages check clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# `make run` installs what the portal needs (requirements.txt); the test tools (browser driver, S3 server,
# schema fuzzer, type checker: requirements-dev.txt) come with the first `make test`, `lint` or `typecheck`.
$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Links in e-mails point where the server runs (HOST=0.0.0.0:8130 make run → http://0.0.0.0:8130), unless SITE_URL is set.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@command -v soffice >/dev/null 2>&1 && echo "PDF: summaries are rendered by $$(command -v soffice)" \
		|| echo "PDF: LibreOffice not found; summaries are offered as .docx only (apt-get install libreoffice-writer-nogui fonts-liberation)"
	@echo "Portal: http://$(HOST)/  (demo accounts in README.md, password Demo@2017)"
	SITE_URL="$${SITE_URL:-http://$(HOST)}" $(PY) manage.py runserver $(HOST)

test: install-dev
	$(BIN)/pytest -n $(TEST_WORKERS) --durations=10

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install-dev
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install-dev
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

worker: install
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it jobs run in-process."; exit 2; }
	$(BIN)/celery -A vinhlong_cmcn4 worker --loglevel=INFO

beat: install
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it jobs run in-process."; exit 2; }
	$(BIN)/celery -A vinhlong_cmcn4 beat --loglevel=INFO

messages: install-dev
	$(PY) manage.py makemessages -l vi --ignore=.venv --ignore=staticfiles --no-obsolete
	$(PY) manage.py compilemessages -l vi --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
