# emopipe: `make run` sets up and materializes the pipeline; `make test` sets up and runs the tests.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

export DAGSTER_HOME ?= $(CURDIR)/dagster_home
export MLFLOW_DISABLE_TELEMETRY := true
export DAGSTER_DISABLE_TELEMETRY := true
# Models come from local paths, the installed encoder package or the Hugging Face cache, never from the hub
# at run time. The gpu profile names hub models: `make run` fetches them into the cache once, first.
export HF_HUB_OFFLINE ?= 1
# The local mirror of the source data, when it sits beside the checkout (as in CI).
ifneq ($(wildcard $(CURDIR)/../shared/data),)
export EMOPIPE_DATA_DIR ?= $(abspath $(CURDIR)/../shared/data)
endif

# What `make run` brings up to date: everything up to the evaluation report. `emopipe run` builds only
# what is missing or stale (unpartitioned assets in one run, each eacl_checkpoints partition in its own,
# then eval_report), so a second `make run` with nothing changed does nothing.
MAIN_SELECTION ?= *eval_report
export MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR ?= false

.PHONY: install run test lint ui clean

# The torch build to install before emopipe. The default is the CPU build (this machine's pip
# finds it on local disk). GPU users: `make run TORCH=torch==2.13.0 TORCH_INDEX=https://download.pytorch.org/whl/cu128`
# or install their CUDA build into .venv first; pip keeps an installed torch that satisfies torch>=2.6.
TORCH ?= torch==2.13.0
TORCH_INDEX ?=

# `make run` installs what emopipe needs to run; `make test` adds the test extra (pytest, selenium, dg, the cluster packages).
$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "emopipe needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) -V 2>&1). Run make with PYTHON=python3.11 (or newer)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install --quiet '$(TORCH)' $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.test-installed: $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

# fetch-models goes online unless HF_HUB_OFFLINE came from the user (a machine with a copied cache)
FETCH_OFFLINE := $(if $(filter environment command%,$(origin HF_HUB_OFFLINE)),$(HF_HUB_OFFLINE),0)

run: install
	$(if $(filter gpu,$(EMOPIPE_PROFILE)),HF_HUB_OFFLINE=$(FETCH_OFFLINE) $(BIN)/emopipe fetch-models --profile gpu)
	$(BIN)/emopipe run --select '$(MAIN_SELECTION)'

test: $(BIN)/.test-installed
	$(BIN)/python -m pytest -q --durations=15

# ruff, pinned by the `lint` extra in pyproject.toml, with the rule set chosen there; hadolint on the cluster image
$(BIN)/.lint-installed: $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[lint]'
	touch $@

lint: $(BIN)/.lint-installed
	$(BIN)/ruff check .
	$(BIN)/hadolint deploy/cluster/Dockerfile

ui: install
	$(BIN)/dagster dev -w workspace.yaml

clean:
	rm -rf dagster_home/storage dagster_home/tables dagster_home/figures dagster_home/history dagster_home/schedules dagster_home/reports \
	       dagster_home/*.db dagster_home/mlartifacts dagster_home/logs
