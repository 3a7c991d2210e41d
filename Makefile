# The README's two commands: `make serve` and `make test`. Both set up .venv first (idempotent).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kurskit-installed
HOST ?= 127.0.0.1
PORT ?= 8000
LAB_PORT ?= 8888
# Jupyter refuses to run as root without this flag (containers and CI machines run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: setup serve lab test test-fast check schema-docs clean

setup: $(STAMP)

# Re-run only when the dependency list or the system setup changes.
$(STAMP): pyproject.toml scripts/setup-system.sh
	bash scripts/setup-system.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all]'
	touch $(STAMP)

# The main job on embedded defaults: check the bundled courses, build the static book and
# serve it on http://$(HOST):$(PORT)/ (no external server needed).
serve: setup
	$(BIN)/kurskit check courses
	$(BIN)/kurskit book serve --host $(HOST) --port $(PORT)

# The courses in JupyterLab with live widgets (for course producers).
lab: setup
	$(BIN)/jupyter lab --ip=$(HOST) --port=$(LAB_PORT) --no-browser $(ROOT_FLAG) \
		--ServerApp.root_dir=courses --ServerApp.open_browser=False

# The whole suite, slow and browser tests included (as CI runs it).
test: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
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
