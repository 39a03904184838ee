# evalreport: every target calls the package's one command-line interface in the project's own
# virtual environment, which the first target that needs it creates from the pinned lock file.
# Name the report with CASE=<name> (reports/<name>.yaml) or CONFIG=<file>; the default is the bundled case.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
CASE ?=
CONFIG ?=
JOBS ?=
DRAFT ?=
VERSION ?=
FORCE ?=
PORT ?=
SCHEDULER ?=
PORTFOLIO ?=
WORKERS ?=
COUNT ?=
FILE ?=
# A value the analyst typed, as one shell word whatever it holds (a quote, a space, a semicolon).
quote = '$(subst ','\'',$(1))'
# LANGUAGE is also gettext's variable (LANGUAGE=nb_NO:nb on many desktops): only the one given to
# make on its command line names the report's language.
REPORT_LANGUAGE = $(if $(filter command line,$(origin LANGUAGE)),$(LANGUAGE))
REPORT = $(if $(CASE),--case $(call quote,$(CASE)))$(if $(CONFIG), --config $(call quote,$(CONFIG)))

.DEFAULT_GOAL := help
.PHONY: help setup report reports portfolio bench-portfolio sample-portfolio release preview comments check test test-fast lab data new-case data-dictionary sample-data bench validate-method clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'

$(READY): pyproject.toml requirements.lock
	@echo "Setting up .venv (first run only, about a minute) ..."
	@$(PYTHON) -m venv $(VENV)
	@echo "  installing the pinned packages of requirements.lock ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@echo "  installing evalreport itself ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(READY)
	@echo "  done."

setup: $(READY) ## create the virtual environment (.venv) from requirements.lock

report: $(READY) ## build the report: build/<name>.pdf and .html, and the Word copy for comments .docx (CASE=<name> or CONFIG=<file>; DRAFT=1; JOBS=n)
	$(BIN)/evalreport build $(REPORT) $(if $(JOBS),--jobs $(JOBS)) $(if $(DRAFT),--draft)

reports: $(READY) ## build every case (or PORTFOLIO=<file>'s) on a Dask cluster: local, one worker per core, or SCHEDULER=tcp://host:8786
	$(BIN)/evalreport build --all $(if $(PORTFOLIO),--portfolio $(call quote,$(PORTFOLIO))) $(if $(SCHEDULER),--scheduler $(call quote,$(SCHEDULER))) $(if $(WORKERS),--workers $(WORKERS)) $(if $(DRAFT),--draft)

portfolio: $(READY) ## the portfolio overview of the built reports: build/portfolio.pdf and .html (PORTFOLIO=<file>; LANGUAGE=nb|nn|en)
	$(BIN)/evalreport portfolio $(if $(PORTFOLIO),--portfolio $(call quote,$(PORTFOLIO))) $(if $(REPORT_LANGUAGE),--language $(call quote,$(REPORT_LANGUAGE)))

sample-portfolio: $(READY) ## write a synthetic portfolio of COUNT programmes (default 20) into reports/, data/ and prose/
	$(BIN)/python -m dev.portfoliocase $(if $(COUNT),$(COUNT),20)

bench-portfolio: $(READY) ## measure the portfolio build: 1 and 2 workers, separate processes, a report against make report, memory
	$(BIN)/python -m dev.benchportfolio $(if $(COUNT),--count $(COUNT))

release: $(READY) ## release a version to the council: the folder dist/<name>-VERSION/ (PDF, HTML, JSON, SHA256SUMS), read-only (VERSION=1.0; CASE=<case>; FORCE=1)
	$(BIN)/evalreport release $(call quote,$(VERSION)) $(REPORT) $(if $(JOBS),--jobs $(JOBS)) $(if $(FORCE),--force)

preview: $(READY) ## serve the HTML twin on localhost and rebuild it at every saved edit; the PDF follows (CASE=<name>; PORT=n)
	$(BIN)/evalreport preview $(REPORT) $(if $(PORT),--port $(PORT)) $(if $(JOBS),--jobs $(JOBS)) $(if $(DRAFT),--draft)

comments: $(READY) ## list the comments and tracked changes of a returned Word copy by file and line: FILE=returned.docx (CASE=<name>) -> build/<name>-comments.md
	@test -n $(call quote,$(FILE)) || { echo "Name the Word copy the client returned: make comments FILE=returned.docx"; exit 2; }
	$(BIN)/evalreport comments $(call quote,$(FILE)) $(REPORT)

check: $(READY) ## check a report's configuration and input data, without building (CASE=<name>)
	$(BIN)/evalreport check $(REPORT)

new-case: $(READY) ## start a case: CASE=<name> MUNICIPALITY=<code> START=<year> END=<year> [LANGUAGE=nb|nn|en] [SHOCK=<year>]
	$(BIN)/evalreport new-case --case $(call quote,$(CASE)) --municipality $(call quote,$(MUNICIPALITY)) --start $(call quote,$(START)) --end $(call quote,$(END)) $(if $(REPORT_LANGUAGE),--language $(call quote,$(REPORT_LANGUAGE))) $(if $(SHOCK),--shock-year $(call quote,$(SHOCK)))

# Two test processes side by side (pytest-xdist); the tests of a module that builds its own
# checkout once stay in one process (tests/conftest.py). The order is random (pytest-randomly) and
# its seed printed first: `pytest --randomly-seed=<seed>` repeats an order, `-p no:randomly` keeps
# the files' order.
TEST_OPTIONS := -n 2
FAST_TESTS := tests/unit tests/test_house_rules.py tests/test_end_to_end.py tests/test_environment.py

test: $(READY) ## run every test, two side by side, in a random order (tests/conftest.py)
	$(BIN)/python -m pytest $(TEST_OPTIONS)

test-fast: $(READY) ## run the unit tests, the house rules and one build of the bundled report (under 2 minutes)
	$(BIN)/python -m pytest $(TEST_OPTIONS) $(FAST_TESTS)

# allow_hidden: a failed chapter's notebook is kept in build/.work/<name>/failed/, which Jupyter
# Server refuses to open by default (a hidden folder); File > Open from Path opens it.
lab: $(READY) ## open JupyterLab on the chapters, run on CASE=<name> (installs JupyterLab on first use)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-lab.lock
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@cp etc/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	EVALREPORT_CONFIG=$(call quote,$(if $(CONFIG),$(CONFIG),reports/$(if $(CASE),$(CASE),vestre_toten).yaml)) \
	  $(BIN)/jupyter lab --notebook-dir=. --ContentsManager.allow_hidden=True $(if $(filter 0,$(shell id -u)),--allow-root)

data: $(READY) ## fetch SSB statistics for CASE into its data folder (the only target that uses the network; REFRESH=1, OUT=folder, REGIONS=1: the region register, RECORD=/REPLAY=folder: record or replay every call)
	$(BIN)/evalreport data $(REPORT) $(if $(OUT),--out $(call quote,$(OUT))) $(if $(REFRESH),--refresh) $(if $(REGIONS),--regions) $(if $(RECORD),--record $(call quote,$(RECORD))) $(if $(REPLAY),--replay $(call quote,$(REPLAY)))

data-dictionary: $(READY) ## write docs/data-dictionary.md from the schemas
	$(BIN)/evalreport data-dictionary

sample-data: $(READY) ## write the bundled Vestre Toten case again from data/reference
	$(BIN)/python -m dev.samplecase

bench: $(READY) ## measure the build (clean, no-op, prose edit; against the naive chain and a lower bound) and the effect estimate
	$(BIN)/python -m dev.bench
	$(BIN)/python -m dev.benchmethods

validate-method: $(READY) ## Monte Carlo of chapter 4's effect estimate: bias, RMSE, size, power, coverage (about 8 minutes on 2 free cores)
	$(BIN)/python -m dev.validate_method --write src/evalreport/resources/method_validation.json

clean: ## remove everything the build made (build/), keeping the environment
	rm -rf build
