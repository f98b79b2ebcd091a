# Consulta: the two commands are `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed
REQUIREMENTS := requirements/base.txt requirements/dev.txt

export SITE_URL ?= http://$(HOST):$(PORT)
# The Celery queues `make worker` takes (settings.CELERY_TASK_QUEUES), e.g. QUEUES=exports,imports.
QUEUES ?= mail,default,exports,imports

.PHONY: help install run demo test lint format fuzz bench bench-smoke bench-export wrk smoke-cluster worker beat messages browser clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): $(REQUIREMENTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $(STAMP)

install: $(STAMP) ## create .venv with the pinned runtime and development requirements (idempotent)

messages: $(STAMP) ## compile the translation catalogues (installs GNU gettext when missing and apt-get is usable)
	@if ! command -v msgfmt >/dev/null && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		echo "Installing GNU gettext for the translations…"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; } || true; \
	fi
	@if command -v msgfmt >/dev/null; then \
		$(PY) manage.py compilemessages --ignore '.venv' --verbosity 0; \
	else \
		echo "msgfmt not found (GNU gettext): pages stay in English. apt-get install gettext"; \
	fi

demo: $(STAMP) ## migrate and load the demo evaluation (idempotent)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: messages demo ## install, migrate, load the demo, serve on http://127.0.0.1:8000 (PORT=…) with a worker and beat
	@echo ""
	@echo "Consulta is starting at $(SITE_URL)/  (log in with a demo login above; Ctrl-C stops)"
	@echo "API docs: $(SITE_URL)/api/v1/docs/   E-mail is written to var/mail/ and shown on each evaluation's Outbox page"
	@echo "A Celery worker with beat sends reminders and runs the sweeps (broker: $${REDIS_URL:-files under var/celery/})"
	@echo ""
	$(PY) manage.py serve $(HOST):$(PORT)

browser: ## install Debian's chromium for the browser tests when it is missing and apt-get is usable
	@if [ -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests…"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
			|| echo "Could not install chromium: browser tests will be skipped (failed if REQUIRE_BROWSER=1)."; \
	else \
		echo "No chromium and no usable apt-get: browser tests will be skipped (failed if REQUIRE_BROWSER=1)."; \
	fi

test: install messages browser wrk lint ## install what tests need, lint, and run the whole suite
	$(BIN)/pytest $(PYTEST_ARGS)

# The API contract run (tests/contract): schemathesis against every operation as the four roles.
FUZZ_EXAMPLES ?= 50
FUZZ_CHECK = $(BIN)/st --config-file tests/contract/schemathesis.toml run
fuzz: install ## the API contract run, larger than the suite's (FUZZ_EXAMPLES=50, coverage phase); FUZZ_URL=https://… with CONSULTA_TOKEN and CONSULTA_EVALUATION runs it against your deployment
ifdef FUZZ_URL
	PYTHONPATH=. CONSULTA_ROLE=$${CONSULTA_ROLE:-lead} $(FUZZ_CHECK) $(FUZZ_URL)/api/v1/schema/ \
		--max-examples $(FUZZ_EXAMPLES) --phases examples,coverage,fuzzing
else
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_PHASES=examples,coverage,fuzzing $(BIN)/pytest -s tests/contract
endif

lint: $(STAMP) ## ruff (lint and format), import-linter (apps import downward only) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(STAMP) ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install wrk ## run the benchmarks in bench/ (prints ratios against a baseline; BIG=1 adds the 132,229 × 510 raw export)
	$(PY) -m bench
	$(PY) bench/submissions.py
	$(PY) bench/outage.py
	$(PY) bench/exports.py $(if $(BIG),--big)

bench-export: install ## the raw export alone: ROWS x COLUMNS (default 10000 x 510) against XlsxWriter and csv; BIG=1 adds 132,229 x 510 and its job
	$(PY) bench/exports.py --size $(or $(ROWS),10000)x$(or $(COLUMNS),510) $(if $(BIG),--big)

bench-smoke: install wrk ## run every bench at tiny sizes, as CI does (seconds; targets printed, not enforced)
	$(PY) -m bench --smoke
	$(PY) bench/submissions.py --smoke
	BENCH_TINY=1 $(PY) bench/outage.py
	$(PY) bench/exports.py --smoke

wrk: # wrk drives bench/submissions.py: installed when missing and apt-get is usable
	@if command -v wrk >/dev/null; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		echo "Installing wrk for the submission benchmark…"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } \
			|| echo "Could not install wrk: bench/submissions.py will say so and skip."; \
	else \
		echo "No wrk and no usable apt-get: bench/submissions.py will skip (install it: apt-get install wrk)."; \
	fi

smoke-cluster: $(STAMP) ## two gunicorn webs and two Celery workers on one PostgreSQL (DATABASE_URL), Redis and S3 server; prints what ran where
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "Set DATABASE_URL to PostgreSQL (e.g. postgres://postgres@127.0.0.1:5432/consulta): the smoke run needs it."; exit 2;; esac
	CI=1 $(BIN)/pytest -p no:cacheprovider -s -v tests/operations/test_smoke_cluster.py  # CI=1: fail, not skip, when a program is missing

worker: $(STAMP) ## a Celery worker against REDIS_URL, on QUEUES (default: mail,default,exports,imports)
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it, make run already runs a worker with beat on files under var/celery/."; exit 2; }
	$(BIN)/celery -A survey_site worker --loglevel=INFO --queues $(QUEUES)

beat: $(STAMP) ## Celery beat (periodic tasks) against REDIS_URL
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it, make run already runs beat inside its worker."; exit 2; }
	@mkdir -p var
	$(BIN)/celery -A survey_site beat --loglevel=INFO --schedule var/celerybeat-schedule

clean: ## remove the virtualenv and local data (var/)
	rm -rf $(VENV) var
