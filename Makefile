# Prima — `make run` starts the demo, `make test` runs the whole suite. Both create .venv first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The first interpreter on this machine that is Python 3.12 or newer (Django 6 needs it).
PYTHON_CANDIDATES := python3.14 python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python) \
	$(wildcard /usr/local/bin/python3.1[2-9]) python3
FIND_PYTHON := for p in $(PYTHON_CANDIDATES); do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$p; break; fi; done

.PHONY: run test lint format bench messages clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@python=$$($(FIND_PYTHON)); \
	if [ -z "$$python" ]; then echo "Prima needs Python 3.12 or newer; none was found." >&2; exit 1; fi; \
	echo "Using $$python ($$($$python --version))"; \
	[ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { rm -rf $(VENV); $$python -m venv $(VENV); }
	set -o pipefail; $(PY) -m pip install --quiet --no-compile --disable-pip-version-check -r requirements-dev.txt 2>&1 \
		| { grep -v "is ignored" || true; }
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Prima is at http://$(HOST):$(PORT)/  — demo logins: employee, manager, hr, leadership, admin (password prima-demo)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Each app keeps its own catalogue (<app>/locale); pages and settings outside apps use locale/.
APPS := core employees pulse_surveys leave rewards service_quality improvement correlation insights
messages: $(VENV)/.installed
	for app in $(APPS); do mkdir -p $$app/locale; (cd $$app && ../$(PY) ../manage.py makemessages --locale id --no-obsolete --add-location file); done
	$(PY) manage.py makemessages --locale id --no-obsolete --add-location file $(foreach app,$(APPS),--ignore '$(app)/*') \
		--ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*' --ignore 'staticfiles/*'
	$(PY) manage.py compilemessages --locale id --ignore '.venv/*'

# Benchmarks (docs/BENCHMARKS.md): generates organisations into BENCH_DATABASE_URL (and <name>_10), never DATABASE_URL.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/prima_bench
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/0
bench: $(VENV)/.installed
	DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) $(PY) -m bench

clean:
	rm -rf $(VENV) staticfiles .pytest_cache prima.sqlite3
