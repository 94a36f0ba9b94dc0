"""benchmarks/gpu_smoke.sh, checked where no GPU is: its run config names only real config fields of
the assets it limits (with values of their types), it covers every model asset, and without CUDA the
script says so and exits non-zero instead of measuring the CPU."""

import subprocess
from pathlib import Path

import dagster as dg
import pytest
import torch
import yaml

from emopipe.definitions import defs

ROOT = Path(__file__).resolve().parents[1]


def test_the_smoke_config_limits_every_model_asset_with_real_fields():
    ops = yaml.safe_load((ROOT / "benchmarks" / "gpu_smoke.yaml").read_text())["ops"]
    models = {key.to_user_string() for key in dg.AssetSelection.groups("models").resolve(defs.resolve_asset_graph())}
    assert set(ops) == models and len(models) == 6
    job = dg.Definitions.merge(defs, dg.Definitions(jobs=[dg.define_asset_job("gpu_smoke", selection=list(ops))])).resolve_job_def("gpu_smoke")
    dg.validate_run_config(job, {"ops": ops})  # Dagster's own check: field names and types
    with pytest.raises(dg.DagsterInvalidConfigError):
        dg.validate_run_config(job, {"ops": {**ops, "vad_regressor": {"config": {"epoch": 1}}}})


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: the script would run for real")
def test_without_cuda_the_script_says_so_and_fails():
    done = subprocess.run(["bash", str(ROOT / "benchmarks" / "gpu_smoke.sh")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no CUDA device here" in done.stderr
