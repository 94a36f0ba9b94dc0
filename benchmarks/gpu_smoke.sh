#!/usr/bin/env bash
# The gpu profile on one GPU, fast: every model asset with a tiny training limit (benchmarks/gpu_smoke.yaml)
# in a scratch DAGSTER_HOME, then, per step, the device, precision, examples/s and peak GPU memory
# (benchmarks/pipeline_cost.py --require-gpu, which fails when a model that trains on texts ran on the CPU).
# Aimed at under 8 minutes on one GPU, hub downloads excluded (`emopipe fetch-models --profile gpu` first,
# or let this script fetch them). On a machine without CUDA it says so and exits 2.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
if ! "$BIN/python" -c "import torch"; then
    echo "gpu_smoke: $BIN/python cannot import torch: set up first (make install, or BIN=path/to/venv/bin)" >&2
    exit 1
fi
if ! "$BIN/python" -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)"; then
    echo "gpu_smoke: no CUDA device here (torch $("$BIN/python" -c 'import torch; print(torch.__version__)'), torch.cuda.is_available() is False)" >&2
    exit 2
fi
"$BIN/python" -c "import torch; p = torch.cuda.get_device_properties(0); print(f'gpu_smoke: {p.name}, {p.total_memory / 2**30:.0f} GiB, native bf16: {torch.cuda.is_bf16_supported(including_emulation=False)}')"
export EMOPIPE_PROFILE=gpu MLFLOW_DISABLE_TELEMETRY=true DAGSTER_DISABLE_TELEMETRY=true
home=${GPU_SMOKE_HOME:-}
if [ -z "$home" ]; then
    home=$(mktemp -d /tmp/gpu_smoke.XXXXXX)
fi
export DAGSTER_HOME=$home
if [ -z "${EMOPIPE_DATA_DIR:-}" ] && [ -d ../shared/data ]; then
    EMOPIPE_DATA_DIR=$(cd ../shared/data && pwd)  # the local data mirror beside the checkout, as the Makefile finds it
    export EMOPIPE_DATA_DIR
fi
unset MLFLOW_TRACKING_URI
HF_HUB_OFFLINE=${HF_HUB_OFFLINE:-0} "$BIN/emopipe" fetch-models --profile gpu
started=$(date +%s)
HF_HUB_OFFLINE=1 "$BIN/emopipe" run --select '*eval_report' --config benchmarks/gpu_smoke.yaml
echo "gpu_smoke: the graph (models and report) done in $(( $(date +%s) - started )) s (DAGSTER_HOME=$DAGSTER_HOME)"
"$BIN/python" benchmarks/pipeline_cost.py --require-gpu
echo "gpu_smoke: checkpoints, registry and caches are in $DAGSTER_HOME (rm -rf it when done)"
