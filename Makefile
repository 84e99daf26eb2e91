# The two commands of the README: `make demo` and `make test`. Everything else is a helper of those.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Two test workers by default (pytest-xdist), one per core of the 2-core machines this runs on.
PYTEST_ARGS ?= -n 2
DEMO_ENV := DJANGO_SETTINGS_MODULE=config.settings.demo

.PHONY: demo test smoke venv install install-dev system-deps lint check bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# A stamp per requirements file, so a second `make demo` starts at once and an edited file reinstalls.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The CJK font for PDFs (and, for tests, the browser) come from Debian; see scripts/system-deps.sh.
system-deps:
	scripts/system-deps.sh $(SYSTEM_DEPS)

demo: SYSTEM_DEPS = fonts
demo: system-deps install
	mkdir -p $${YIWANG_VAR_DIR:-var}
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_xian
	$(DEMO_ENV) $(PY) manage.py load_demo_accounts
	$(DEMO_ENV) $(PY) manage.py load_demo
	@echo "Yiwang demo: http://127.0.0.1:$(PORT)/  (accounts: see README)"
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: SYSTEM_DEPS = fonts browser
test: system-deps install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# The demo journey over HTTP on a fresh virtualenv of the runtime requirements alone (scripts/smoke.sh).
smoke:
	scripts/smoke.sh

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

check: install-dev
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

bench: install-dev
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache
