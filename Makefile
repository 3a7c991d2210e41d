# The README's two commands: `make serve` and `make test`. Both set up .venv first (idempotent).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kurskit-installed
HOST ?= 127.0.0.1
PORT ?= 8000
HUB_PORT ?= 8010
LAB_PORT ?= 8888
REPORTS_PORT ?= 8020
# The statistics reports `make serve` shows: a synthetic demo population in its own store.
DEMO := .demo
DEMO_STORE := sqlite:///$(CURDIR)/$(DEMO)/answers.sqlite
# Jupyter refuses to run as root without this flag (containers and CI machines run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: setup serve lab test test-fast check schema-docs clean

setup: $(STAMP)

# Jupyter configuration that the install copies into .venv (pyproject's shared-data).
JUPYTER_CONFIG := $(shell find jupyter-config -type f)

# Re-run only when the dependency list, the system setup or the installed configuration changes.
$(STAMP): pyproject.toml scripts/setup-system.sh hub/package-lock.json $(JUPYTER_CONFIG)
	bash scripts/setup-system.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all]'
	# JupyterHub's proxy (configurable-http-proxy), pinned in hub/package-lock.json.
	npm ci --prefix hub --no-audit --no-fund --ignore-scripts
	touch $(STAMP)

# The main job on embedded defaults: check the bundled courses, start JupyterHub for learners
# on http://$(HOST):$(HUB_PORT)/ (with the answers service; the first run prints the admin's
# password) and serve the static book on http://$(HOST):$(PORT)/ (no external server needed).
# Ctrl+C stops both.
serve: setup $(DEMO)/reports/survey/report.html
	$(BIN)/kurskit check courses
	$(BIN)/kurskit hub serve --host $(HOST) --port $(HUB_PORT) & hub=$$!; \
	$(BIN)/python -m http.server --bind $(HOST) --directory $(DEMO)/reports $(REPORTS_PORT) \
	  >/dev/null 2>&1 & reports=$$!; \
	trap 'kill $$hub $$reports 2>/dev/null; wait $$hub $$reports' EXIT INT TERM; \
	echo "statistics on demo data: http://$(HOST):$(REPORTS_PORT)/survey/report.html, /gaps/report.html, /course/report.html and /course/summary.html"; \
	$(BIN)/kurskit book serve --host $(HOST) --port $(PORT)

# The demo population (made once) and its reports (made again when the courses change).
$(DEMO)/answers.sqlite: $(shell find courses/digital-kompetanse courses/kildekritikk -type f) | $(STAMP)
	$(BIN)/kurskit insight demo-data --store $(DEMO_STORE) --courses-out $(DEMO)/courses

$(DEMO)/reports/survey/report.html: $(DEMO)/answers.sqlite
	$(BIN)/kurskit insight survey digital-kompetanse-demo --store $(DEMO_STORE) \
	  --courses $(DEMO)/courses --out $(DEMO)/reports/survey
	$(BIN)/kurskit insight gaps digital-kompetanse-demo --store $(DEMO_STORE) \
	  --courses $(DEMO)/courses --targets courses/digital-kompetanse/malnivaer.yml \
	  --out $(DEMO)/reports/gaps
	$(BIN)/kurskit insight course kildekritikk-demo --store $(DEMO_STORE) \
	  --courses $(DEMO)/courses --cohorts $(DEMO)/courses/cohorts.yml --comments \
	  --out $(DEMO)/reports/course

# The repository (courses and the question gallery) in JupyterLab with live widgets, for course
# producers. A double-click opens a MyST module as a notebook, /voila/render/<path> shows it as
# a Voilà app, and a save keeps the module's metadata and stores no widget output, through the
# Jupyter configuration `setup` installs from jupyter-config/ and jupytext.toml (docs/widgets.md).
lab: setup
	$(BIN)/jupyter lab --ip=$(HOST) --port=$(LAB_PORT) --no-browser $(ROOT_FLAG) \
		--ServerApp.root_dir=. --ServerApp.open_browser=False

# The whole suite, slow and browser tests included (as CI runs it).
test: setup
	$(BIN)/ruff check src tests benchmarks jupyter-config
	$(BIN)/ruff format --check src tests benchmarks jupyter-config
	$(BIN)/mypy
	$(BIN)/pytest

test-fast: setup
	$(BIN)/pytest -m "not slow and not browser"

check: setup
	$(BIN)/kurskit check courses

# Regenerate the course-file reference from the model.
schema-docs: setup
	$(BIN)/kurskit schema --format markdown > docs/reference/course-file.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
