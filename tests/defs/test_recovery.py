"""Recovery from a killed run, for real: `dagster asset materialize` is SIGKILLed during training on a
local instance whose `gpu` pool has one slot; the next `emopipe run` marks the dead run failed, frees
its slot, ends its MLflow run as FAILED, resumes from the last finished epoch and completes."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import yaml
from mlflow.tracking import MlflowClient

from tests.fixture_files import write_mirror

REPO = Path(__file__).resolve().parents[2]
EPOCHS = 400  # a smoke epoch is one step: long enough to be killed in the middle


def test_a_killed_run_frees_its_slot_and_the_next_run_resumes_and_completes(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "dagster_home" / "dagster.yaml", home / "dagster.yaml")  # the pool "gpu" with one slot
    hashes = write_mirror(tmp_path / "mirror")
    config = tmp_path / "run.yaml"
    config.write_text(yaml.safe_dump({
        "resources": {"data": {"config": {"data_dir": str(tmp_path / "mirror"), "offline": True, "sha256_overrides": hashes}}},
        "ops": {"vad_regressor": {"config": {"epochs": EPOCHS}}},
    }))
    env = {**os.environ, "DAGSTER_HOME": str(home), "EMOPIPE_PROFILE": "smoke", "EMOPIPE_OFFLINE": "1",
           "MLFLOW_DISABLE_TELEMETRY": "true", "DAGSTER_DISABLE_TELEMETRY": "true"}
    env.pop("MLFLOW_TRACKING_URI", None)
    bin_dir = Path(sys.executable).parent
    monkeypatch.setenv("DAGSTER_HOME", str(home))  # this test reads the same instance

    first = subprocess.Popen([str(bin_dir / "dagster"), "asset", "materialize", "-m", "emopipe.definitions", "--select", "*vad_regressor",
                              "--config", str(config)], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    checkpoints = home / "checkpoints" / "emopipe-vad-regressor"
    deadline = time.time() + 240
    while not list(checkpoints.glob("*/checkpoints/epoch_2/state.json")):
        assert first.poll() is None, "the first run ended before it could be killed"
        assert time.time() < deadline, "training never reached its third epoch"
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    [workdir] = [p for p in checkpoints.iterdir() if p.is_dir()]  # beside it: the workdir's lock file
    folder = workdir / "checkpoints"
    done = sorted(int(p.parent.name.split("_")[1]) for p in folder.glob("epoch_*/state.json"))
    assert 2 <= max(done) < EPOCHS - 1

    with dg.DagsterInstance.get() as instance:
        [dead] = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
    store = f"sqlite:///{home / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=store, registry_uri=store)  # both: other tests leave a global registry URI set
    [experiment] = [e for e in client.search_experiments() if e.name == "vad_regressor"]
    [stuck] = client.search_runs([experiment.experiment_id])
    assert stuck.info.status == "RUNNING"

    second = subprocess.run([str(bin_dir / "emopipe"), "run", "--select", "vad_regressor", "--config", str(config)], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=420)
    output = second.stdout + second.stderr
    assert second.returncode == 0, output[-4000:]
    assert f"dead run {dead.run_id}" in output and "marked failed" in output
    assert f"resumed from {folder / f'epoch_{max(done)}'} (epoch {max(done) + 1} of {EPOCHS} done)" in output, output[-3000:]
    assert "Step blocked" not in output

    with dg.DagsterInstance.get() as instance:
        assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
        assert not instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
    ended = client.get_run(stuck.info.run_id)
    assert ended.info.status == "FAILED" and "is gone" in ended.data.tags["emopipe_failure"]
    champion = client.get_model_version_by_alias("emopipe-vad-regressor", "champion")
    finished = client.get_run(champion.run_id)
    assert finished.info.status == "FINISHED" and finished.data.tags["dagster_run_id"] != dead.run_id
    history = json.loads(Path(client.download_artifacts(champion.run_id, "training.json", str(tmp_path))).read_text())["history"]["vad"]
    assert len(history) == EPOCHS  # the resumed run holds every epoch: those before the kill and after
