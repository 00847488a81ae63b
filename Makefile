# Two commands do all the set-up: `make run` (the site with demo data) and `make test` (the suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-postgres test-browser test-nets lint bench clean

$(PY):
	@interp=$$(bash scripts/find-python); \
	if [ -z "$$interp" ]; then \
	  echo "coop needs Python 3.12 or newer (Django 6.1 needs it)."; \
	  echo "Install it, e.g. 'apt-get install python3.12', 'brew install python@3.13' or 'pyenv install 3.13',"; \
	  echo "then run this command again."; exit 1; fi; \
	echo "Creating $(VENV) with $$interp"; \
	"$$interp" -m venv $(VENV)

$(STAMP): pyproject.toml Makefile | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[test]"
	@# Test-only STV reference. Without --no-deps it pulls ~750 MB and downgrades numpy; its
	@# STV code needs only numpy (tests/voting/test_stv.py stands in for the rest).
	$(PY) -m pip install --quiet --no-deps "pref-voting==1.18.2"
	@touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@bash scripts/serve $(PY)

test: $(STAMP)
	$(PY) -m pytest -n 2 -p no:cacheprovider

test-postgres: $(STAMP)
	DATABASE_URL=$${PG_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest -n 2 -p no:cacheprovider -m "not browser"

test-browser: $(STAMP)
	DATABASE_URL=$${PG_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest -p no:cacheprovider -m browser tests/browser

# The nets: every page for every demo login, the API under schemathesis, backup and restore.
test-nets: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider -m nets tests/nets -s

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	bash scripts/check-meetings-move

bench: $(STAMP)
	$(PY) bench/register_export.py
	$(PY) bench/count_ballot.py
	$(PY) bench/open_box.py
	$(PY) bench/cast_votes_http.py
	$(PY) bench/pages.py
	$(PY) bench/freeze_roll.py
	$(PY) bench/meeting.py
	$(PY) bench/messages.py

clean:
	rm -rf $(VENV) db.sqlite3
