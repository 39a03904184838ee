# evalreport: every target calls the package's one command-line interface in the project's own
# virtual environment, which the first target that needs it creates from the pinned lock file.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
CONFIG ?= reports/vestre_toten.yaml
JOBS ?=

.DEFAULT_GOAL := help
.PHONY: help setup report check test lab data sample-data bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(READY): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(READY)

setup: $(READY) ## create the virtual environment (.venv) from requirements.lock

report: $(READY) ## build the report: build/<name>.pdf and build/<name>.html (CONFIG=reports/....yaml)
	$(BIN)/evalreport build --config $(CONFIG) $(if $(JOBS),--jobs $(JOBS))

check: $(READY) ## check the report's configuration and input data, without building
	$(BIN)/evalreport check --config $(CONFIG)

test: $(READY) ## run every test
	$(BIN)/python -m pytest

lab: $(READY) ## open JupyterLab on the chapter notebooks (installs JupyterLab on first use)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-lab.lock
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@cp etc/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

data: $(READY) ## fetch SSB statistics for CONFIG into its data folder (the only target that uses the network; REFRESH=1, OUT=folder)
	$(BIN)/evalreport data --config $(CONFIG) $(if $(OUT),--out $(OUT)) $(if $(REFRESH),--refresh)

sample-data: $(READY) ## write the bundled Vestre Toten case again from data/reference
	$(BIN)/evalreport sample-data

bench: $(READY) ## measure clean, no-op and prose-edit builds against the naive chain and a lower bound
	$(BIN)/python -m evalreport.bench

clean: ## remove everything the build made (build/), keeping the environment
	rm -rf build
