"""The smoke profile end to end: data -> both GoEmotions models -> MLflow runs -> registry ->
champion alias -> pyfunc served from a fresh Python process without Dagster."""

import json
import subprocess
import sys
from pathlib import Path

import dagster as dg
import mlflow.artifacts
import numpy as np
import pytest

from emopipe.defs.model_assets import MODEL_ASSETS
from emopipe.defs.resources import ParquetTables, SourceData
from emopipe.models.vad_classifiers import RbfSvm
from emopipe.tracking.mlflow_tracking import MlflowTracking
from tests.defs.helpers import DATA_ASSETS, failure_text

SERVE = """
import json, sys
import mlflow.pyfunc, pandas as pd
model = mlflow.pyfunc.load_model(sys.argv[1])
texts = ["I love it", "", "x" * 100_000, None, 42]
out = model.predict(pd.DataFrame({"text": texts}))
plain = model.predict(["so sad"])
print(json.dumps({"rows": len(out), "columns": list(out.columns), "first": out.iloc[0].to_dict(), "plain": len(plain),
                  "table": out.to_dict(orient="list")}, default=str))
"""


@pytest.fixture
def smoke(monkeypatch, mirror, home):
    monkeypatch.setenv("EMOPIPE_PROFILE", "smoke")
    root, hashes = mirror
    resources = {
        "data": SourceData(data_dir=str(root), sha256_overrides=hashes, offline=True),
        "io_manager": ParquetTables(base_dir=str(home / "tables")),
        "mlflow": MlflowTracking(),
    }
    return lambda: dg.materialize([*DATA_ASSETS, *MODEL_ASSETS], resources=resources, raise_on_error=False)


def test_both_models_train_register_and_serve(smoke, home):
    result = smoke()
    assert result.success, failure_text(result)
    client = MlflowTracking().client()
    for name, columns, tables in (("emopipe-vad-regressor", ["valence", "arousal", "dominance", "top_emotion"],
                                   {"goemotions_vad", "emotion_label_points", "downstream_tasks"}),
                                  ("emopipe-goemotions-baseline", ["top_emotion", "probability", "emotions"],
                                   {"goemotions_vad", "emotion_label_points"})):
        champion = client.get_model_version_by_alias(name, "champion")
        run = client.get_run(champion.run_id)
        assert run.data.tags["profile"] == "smoke" and run.data.tags["dagster_run_id"] == result.run_id
        assert {"test_accuracy", "test_macro_f1", "dev_macro_f1", "test_f1_joy"} <= set(run.data.metrics)
        assert {d.dataset.name for d in run.inputs.dataset_inputs} == tables  # what it read, SST-2 for the VAD model's sentiment
        for d in run.inputs.dataset_inputs:  # the source is where the IO manager stored the table
            assert str(home / "tables" / f"{d.dataset.name}.parquet") in d.dataset.source
        assert champion.tags["champion_decision"] == "promoted"
        served = subprocess.run([sys.executable, "-c", SERVE, f"models:/{name}@champion"], capture_output=True, text=True,
                                timeout=300)
        assert served.returncode == 0, served.stderr[-3000:]
        answer = json.loads(served.stdout.strip().splitlines()[-1])
        assert answer["rows"] == 5 and answer["columns"] == columns and answer["plain"] == 1
        if name == "emopipe-vad-regressor":
            _assert_served_top_emotion_is_the_svm_vote(name, answer["table"])
    vad_run = client.get_run(client.get_model_version_by_alias("emopipe-vad-regressor", "champion").run_id)
    assert {"test_vad_mae", "test_vad_mse", "test_svm_macro_f1", "test_1nn_macro_f1", "sst2_dev_valence_accuracy"} <= set(vad_run.data.metrics)
    assert not any((home / "checkpoints").glob("*/*/epoch_*"))  # cleaned up once registered


def _assert_served_top_emotion_is_the_svm_vote(name: str, table: dict):
    folder = Path(mlflow.artifacts.download_artifacts(f"models:/{name}@champion"))
    [svm_file] = folder.rglob("svm.safetensors")
    labels = json.loads((svm_file.parent / "config.json").read_text())["labels"]
    vad = np.column_stack([table["valence"], table["arousal"], table["dominance"]])
    assert [labels[i] for i in RbfSvm.load(svm_file).predict(vad)] == table["top_emotion"]


def test_champion_moves_only_when_dev_does_not_drop(smoke):
    assert smoke().success
    assert smoke().success
    client = MlflowTracking().client()
    versions = client.search_model_versions("name='emopipe-goemotions-baseline'")
    assert len(versions) == 2
    first, second = sorted(versions, key=lambda v: int(v.version))
    for version in (first, second):  # the figure that selected each version, beside the run's own record of it
        assert version.tags["selection_metric"] == "dev_macro_f1" and version.tags["profile"] == "smoke"
        assert float(version.tags["selection_value"]) == client.get_run(version.run_id).data.metrics["dev_macro_f1"]
    candidate, previous = float(second.tags["selection_value"]), float(first.tags["selection_value"])
    assert float(second.tags["previous_champion_selection_value"]) == previous
    champion = client.get_model_version_by_alias("emopipe-goemotions-baseline", "champion")
    assert (champion.version == second.version) == (candidate >= previous)
    assert second.tags["champion_decision"] == ("promoted" if candidate >= previous else "kept")
