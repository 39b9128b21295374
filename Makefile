# Kinfold: `make run` to try it, `make test` for the whole suite. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1

PG_URL ?= postgres://postgres@127.0.0.1:5432/kinfold
DEMO_CHILDREN ?= 2000

.PHONY: run test lint test-sqlite test-postgres test-browser postgres chromium assets install \
	check-deploy bench lock clean

$(VENV)/.installed: requirements/base.lock requirements/dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/base.lock -r requirements/dev.lock
	touch $@

install: $(VENV)/.installed node_modules/.installed

# The DfE's CIN census validator, the oracle of tests/returns/test_cin_census_oracle.py, in its
# own environment (it needs pandas<2 and numpy<2). See docs/returns/cin_census.md.
CIN_VENV := .venv-cin
$(CIN_VENV)/.installed: requirements/cin.lock
	test -x $(CIN_VENV)/bin/python || $(PYTHON) -m venv $(CIN_VENV)
	$(CIN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CIN_VENV)/bin/python -m pip install --quiet -r requirements/cin.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

kinfold/static/build/kinfold.css: node_modules/.installed frontend/build.mjs $(wildcard frontend/*)
	npm run --silent build

assets: kinfold/static/build/kinfold.css

run: install assets
	mkdir -p var
	DEBUG=1 KINFOLD_DEMO=1 $(PY) manage.py migrate --no-input
	DEBUG=1 KINFOLD_DEMO=1 $(PY) manage.py demo_setup --children $(DEMO_CHILDREN)
	DEBUG=1 KINFOLD_DEMO=1 $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	KINFOLD_TESTING=1 $(VENV)/bin/mypy $(wildcard kinfold/*/services.py kinfold/*/selectors.py)

# Production settings must pass Django's deployment checks.
check-deploy: install assets
	SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=kinfold.example \
		DATABASE_URL=$(PG_URL) $(PY) manage.py check --deploy --fail-level WARNING

test-sqlite: install assets $(CIN_VENV)/.installed
	KINFOLD_TESTING=1 $(VENV)/bin/pytest -m "not browser" -n 2 -q

postgres:
	pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

# pytest-django makes a throwaway database (test_kinfold…) and drops it afterwards.
test-postgres: install assets postgres $(CIN_VENV)/.installed
	KINFOLD_TESTING=1 DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -m "not browser" -n 2 -q

chromium:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

test-browser: install assets chromium
	KINFOLD_TESTING=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -m browser -q

test: lint check-deploy test-sqlite test-postgres test-browser

bench: install
	$(PY) -m pip install --quiet -r requirements/bench.lock

# The locks name packages only, not where this machine's pip finds them.
COMPILE := ../$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links
lock: $(VENV)/.installed
	cd requirements && $(COMPILE) base.in -o base.lock && $(COMPILE) dev.in -o dev.lock \
		&& $(COMPILE) bench.in -o bench.lock && $(COMPILE) cin.in -o cin.lock

clean:
	rm -rf $(VENV) $(CIN_VENV) node_modules kinfold/static/build staticfiles var
