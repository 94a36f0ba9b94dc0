"""eacl_checkpoints on the tiny real-format mirror, both partitions: EACL and its CE baseline train
in one run, metrics and pictures land in MLflow, `emopipe-eacl-<dataset>` is registered with the
champion rule, and the pyfunc answers a conversation in a fresh process, odd input included."""

import json
import subprocess
import sys

import dagster as dg
import pytest

from emopipe.defs.erc_assets import eacl_checkpoints
from emopipe.defs.resources import ParquetTables, SourceData
from emopipe.tracking.mlflow_tracking import MlflowTracking
from tests.defs.helpers import DATA_ASSETS, failure_text

SERVE = """
import json, sys
import mlflow.pyfunc, pandas as pd
model = mlflow.pyfunc.load_model(sys.argv[1])
labels = set(json.loads(sys.argv[2]))
answers = {}
conversation = [{"speaker": "Chandler", "text": "That I did. That I did."}, {"speaker": "Gunther", "text": ""},
                {"speaker": None, "text": "x" * 100_000}, {"speaker": "Joey", "text": 42}]
for name, given in {"odd turns": conversation, "frame": pd.DataFrame({"speaker": ["A", "B"], "text": ["hi", "so sad"]}),
                    "long": [{"speaker": f"s{i % 3}", "text": f"line {i}"} for i in range(500)],
                    "empty": pd.DataFrame({"speaker": [], "text": []}, dtype=str)}.items():
    out = model.predict(given)
    answers[name] = {"rows": len(out), "known": bool(set(out["emotion"]) <= labels),
                     "scores": bool(((out["score"] >= 0) & (out["score"] <= 1)).all())}
try:
    model.predict(pd.DataFrame({"utterance": ["no text column"]}))
    answers["bad"] = "accepted"
except Exception as err:
    answers["bad"] = str(err)
print(json.dumps(answers))
"""


@pytest.fixture
def resources(mirror, home):
    root, hashes = mirror
    return {"data": SourceData(data_dir=str(root), sha256_overrides=hashes, offline=True),
            "io_manager": ParquetTables(base_dir=str(home / "tables")), "mlflow": MlflowTracking()}


def _materialize(resources, partition: str, config: dict | None = None):
    assets = [*DATA_ASSETS, eacl_checkpoints]
    data = dg.materialize(assets, selection="*conversation_utterances", resources=resources, raise_on_error=False)
    assert data.success, failure_text(data)
    result = dg.materialize(assets, selection=["eacl_checkpoints"], partition_key=partition, resources=resources,
                            run_config={"ops": {"eacl_checkpoints": {"config": config or {}}}}, raise_on_error=False)
    assert result.success, failure_text(result)
    [event] = result.asset_materializations_for_node("eacl_checkpoints")
    return event.metadata


def test_eacl_trains_both_models_registers_and_serves_a_conversation(monkeypatch, resources):
    monkeypatch.setenv("EMOPIPE_PROFILE", "smoke")
    metadata = _materialize(resources, "meld")
    assert metadata["model_uri"].value.startswith("models:/emopipe-eacl-meld/")
    assert {f"emopipe-eacl-meld_{name}" for name in ("eacl_confusion", "baseline_confusion", "anchor_cosines")} <= set(metadata)
    client = MlflowTracking().client()
    champion = client.get_model_version_by_alias("emopipe-eacl-meld", "champion")
    assert champion.run_id == metadata["mlflow_run_id"].value
    run = client.get_run(champion.run_id)
    names = set(run.data.metrics)
    for prefix in ("", "baseline_"):
        assert {f"{prefix}test_{m}" for m in ("weighted_f1", "macro_f1", "accuracy")} <= names
        assert {f"{prefix}test_f1_{e}" for e in ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")} <= names
    assert {"dev_weighted_f1", "stage1_test_weighted_f1", "anchor_min_angle_initial", "anchor_min_angle_final",
            "eacl_gain_test_weighted_f1"} <= names
    assert 0 < run.data.metrics["anchor_min_angle_initial"] <= 180
    files = {f.path for f in client.list_artifacts(champion.run_id)}
    assert {"eacl_confusion.png", "baseline_confusion.png", "anchor_cosines.png", "training.json"} <= files

    served = subprocess.run([sys.executable, "-c", SERVE, "models:/emopipe-eacl-meld@champion",
                             json.dumps(["anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"])],
                            capture_output=True, text=True, timeout=300)
    assert served.returncode == 0, served.stderr[-3000:]
    answers = json.loads(served.stdout.strip().splitlines()[-1])
    assert answers["odd turns"] == {"rows": 4, "known": True, "scores": True}
    assert answers["frame"]["rows"] == 2 and answers["long"] == {"rows": 500, "known": True, "scores": True}
    assert answers["empty"]["rows"] == 0
    assert "text" in answers["bad"]


def test_emorynlp_partition_and_ablations_by_config(monkeypatch, resources):
    monkeypatch.setenv("EMOPIPE_PROFILE", "smoke")
    metadata = _materialize(resources, "emorynlp", {"angle_weight": 0.0, "stage_two": False, "baseline": False, "bf16": False})
    client = MlflowTracking().client()
    run = client.get_run(metadata["mlflow_run_id"].value)
    assert run.data.params["angle_weight"] == "0.0" and run.data.params["stage_two"] == "False"
    assert run.data.params["bf16"] == "False" and run.data.params["past_turns"] == "8"  # overridden by config; the smoke budget
    assert "baseline_test_weighted_f1" not in run.data.metrics
    # without stage 2 the stage-1 anchors predict: the two readings are the same numbers
    assert run.data.metrics["test_weighted_f1"] == pytest.approx(run.data.metrics["stage1_test_weighted_f1"])
    assert client.get_model_version_by_alias("emopipe-eacl-emorynlp", "champion").run_id == run.info.run_id
    assert "emopipe-eacl-emorynlp_anchor_cosines" in metadata and "emopipe-eacl-emorynlp_baseline_confusion" not in metadata
