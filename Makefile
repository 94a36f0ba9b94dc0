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

.PHONY: install run test test-newest lint lock ui clean

# The torch build, installed first and on its own: the CPU build by default, from PyTorch's CPU index
# beside PyPI (its `2.13.0+cpu` outranks PyPI's CUDA build of the same release, so no multi-GB
# download; a machine whose pip finds that wheel on disk takes it from there). GPU users:
# `make run TORCH_INDEX=https://download.pytorch.org/whl/cu128`, or a CUDA build installed into .venv first.
TORCH ?= torch==2.13.0
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu

# Everything else comes from the lock files, exact versions with hashes, generated from pyproject.toml
# by `make lock`: requirements/run.lock (what `make run` needs), requirements/test.lock (plus the test extra),
# requirements/cluster.lock (plus the cluster extra: what deploy/cluster/Dockerfile installs).
RUN_LOCK := requirements/run.lock
TEST_LOCK := requirements/test.lock
UV := uv==0.13.9

$(BIN)/.installed: pyproject.toml $(RUN_LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "emopipe needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) -V 2>&1). Run make with PYTHON=python3.11 (or newer)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install --quiet --retries 1 '$(TORCH)' --extra-index-url $(TORCH_INDEX)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(RUN_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $@

$(BIN)/.test-installed: $(BIN)/.installed $(TEST_LOCK)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(TEST_LOCK)
	$(BIN)/pip check
	touch $@

# The lock files from pyproject.toml, for Python 3.11 on Linux. torch is left out (it is installed
# first, above), but its CPU build's own dependencies are locked: that build comes from pip's
# find-links when PIP_FIND_LINKS names a folder of wheels (as on machines with torch on disk), else
# from TORCH_INDEX (uv, unlike pip, stops at an index it cannot reach). Commit them with pyproject.toml.
TORCH_SOURCE := $(if $(PIP_FIND_LINKS),--find-links $(PIP_FIND_LINKS),--extra-index-url $(TORCH_INDEX))
lock:
	$(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet '$(UV)'
	echo '$(TORCH)' > .lock-venv/torch.txt
	for lock in run test cluster; do \
	  .lock-venv/bin/uv pip compile pyproject.toml $$([ $$lock != run ] && echo --extra $$lock) --python-version 3.11 \
	    --python-platform x86_64-manylinux_2_28 --generate-hashes --no-emit-package torch --no-header --quiet \
	    $(TORCH_SOURCE) --index-strategy unsafe-best-match --constraint .lock-venv/torch.txt \
	    --output-file requirements/$$lock.lock || exit 1; \
	done
	rm -rf .lock-venv

install: $(BIN)/.installed

# fetch-models goes online unless HF_HUB_OFFLINE came from the user (a machine with a copied cache)
FETCH_OFFLINE := $(if $(filter environment command%,$(origin HF_HUB_OFFLINE)),$(HF_HUB_OFFLINE),0)

run: install
	$(if $(filter gpu,$(EMOPIPE_PROFILE)),HF_HUB_OFFLINE=$(FETCH_OFFLINE) $(BIN)/emopipe fetch-models --profile gpu)
	$(BIN)/emopipe run --select '$(MAIN_SELECTION)'

# The test files run in TEST_WORKERS processes (pytest-xdist), each file's tests in one of them, so a
# module's servers start once; the slowest tests mostly wait on servers and subprocesses, which overlap.
# The slowest files go first, in the order tests/conftest.py gives (not by number of tests).
# Each worker's torch gets its share of the cores (tests/conftest.py).
TEST_WORKERS ?= 2
PARALLEL := -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
test: $(BIN)/.test-installed
	$(BIN)/python -m pytest -q --durations=15 $(PARALLEL)

# Dagster's newest releases that pyproject.toml admits, unlocked, against the tests of the Dagster
# surface emopipe uses: definitions and `dg`, the UI's GraphQL, staleness and `emopipe run`,
# automation, scoring. Without the cluster extra and dg (dagster-dg-cli), whose newest releases pin
# an older dagster than dagster-webserver's newest does. CI runs it.
NEWEST := .venv-newest
test-newest:
	$(PYTHON) -m venv $(NEWEST)
	$(NEWEST)/bin/pip install --quiet --upgrade pip
	$(NEWEST)/bin/python -c "import torch" 2>/dev/null || $(NEWEST)/bin/pip install --quiet --retries 1 '$(TORCH)' --extra-index-url $(TORCH_INDEX)
	$(NEWEST)/bin/pip install --quiet --upgrade --upgrade-strategy eager -e . 'pytest>=8,<10' 'pytest-xdist>=3.6,<4'
	$(NEWEST)/bin/python -c 'import dagster, dagster_webserver, dagster_graphql; print("newest admitted: dagster", dagster.__version__, "webserver", dagster_webserver.__version__, "graphql", dagster_graphql.__version__)'
	$(NEWEST)/bin/python -m pytest -q $(PARALLEL) tests/test_definitions.py tests/test_webserver.py tests/defs/test_automation.py \
	  tests/test_cli.py -k 'not dg_checks and not changed_source_file and not run_passes_resource_config and not run_builds_in_order'

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
