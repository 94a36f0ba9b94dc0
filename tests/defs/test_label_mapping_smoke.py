"""label_mapping_model on the tiny real-format mirror: trains, logs every promised metric name to
MLflow, shows its picture and direction table in the asset's metadata, registers
`emopipe-label-mapper` as champion, and the registered pyfunc converts labels in a fresh Python
process without Dagster, with clear errors for bad requests."""

import json
import subprocess
import sys

import dagster as dg

from emopipe.defs.emotion_space_assets import emotion_content_encoders, label_mapping_model
from emopipe.defs.resources import ParquetTables, SourceData
from emopipe.tracking.mlflow_tracking import MlflowTracking
from tests.defs.helpers import DATA_ASSETS, failure_text

SERVE_TEXT = """
import json, sys
import mlflow.pyfunc, pandas as pd
model = mlflow.pyfunc.load_model(sys.argv[1])
texts = ["what a day", "", "x" * 100_000, None]
vad = model.predict(texts)
be6 = model.predict(pd.DataFrame({"text": texts}), params={"format": "semeval_be6"})
points = model.predict(["so sad"], params={"format": "embedding"})
try:
    model.predict(["so sad"], params={"format": "klingon"})
    error = None
except ValueError as err:
    error = str(err)
print(json.dumps({"vad": list(vad.columns), "rows": len(vad), "be6": list(be6.columns), "dims": len(points["embedding"][0]),
                  "error": error}))
"""

SERVE = """
import json, sys
import mlflow.pyfunc
model = mlflow.pyfunc.load_model(sys.argv[1])
out = model.predict({"from": "nrc_vad", "to": "emolex8", "values": [[0.9, 0.6, 0.7], [0.1, 0.9, 0.2]]})
scores = model.predict({"from": "emolex8", "to": "nrc_vad", "values": [[1, 0, 0, 0, 1, 0, 0, 1]]})
errors = []
for bad in ({"from": "klingon", "to": "emolex8", "values": [[0.5, 0.5, 0.5]]},
            {"from": "nrc_vad", "to": "emolex8", "values": [[0.5, 0.5]]},
            {"from": "nrc_vad", "to": "emolex8", "values": [[0.5, float("nan"), 0.5]]}):
    try:
        model.predict(bad)
        errors.append(None)
    except ValueError as err:
        errors.append(str(err))
print(json.dumps({"columns": list(out.columns), "rows": len(out), "binary": sorted(set(out.values.ravel().tolist())),
                  "vad_columns": list(scores.columns), "errors": errors}))
"""


def test_label_mapper_and_content_encoders_materialize_register_and_serve(monkeypatch, mirror, home):
    monkeypatch.setenv("EMOPIPE_PROFILE", "smoke")
    root, hashes = mirror
    result = dg.materialize(
        [*DATA_ASSETS, label_mapping_model, emotion_content_encoders],
        selection=["*emotion_content_encoders"],
        resources={"data": SourceData(data_dir=str(root), sha256_overrides=hashes, offline=True),
                   "io_manager": ParquetTables(base_dir=str(home / "tables")), "mlflow": MlflowTracking()},
        raise_on_error=False,
    )
    assert result.success, failure_text(result)
    [event] = result.asset_materializations_for_node("label_mapping_model")
    metadata = event.metadata
    assert {f"emopipe-label-mapper_{name}" for name in ("emotion_space", "directions", "equivalence_classes", "example")} <= set(metadata)
    assert "mlflow_run_id" in metadata and "nrc_vad_to_emolex8" in metadata["emopipe-label-mapper_directions"].value
    run = MlflowTracking().client().get_run(metadata["mlflow_run_id"].value)
    names = set(run.data.metrics)
    assert {"mapping_mean_r", "baseline_mapping_mean_r", "nosharing_mapping_mean_r", "unitscale_mapping_mean_r", "map_warriner_vad_to_nrc_vad_r",
            "epoch_train_loss", "epoch_dev_selection"} <= names
    assert any(n.endswith("_f1") for n in names if n.startswith("map_"))
    assert run.data.params["sharing_weight"] == "1.0" and run.data.params["epochs"] == "3"  # an option and the smoke budget
    version = MlflowTracking().client().get_model_version_by_alias("emopipe-label-mapper", "champion")
    assert version.run_id == metadata["mlflow_run_id"].value and version.tags["champion_decision"] == "promoted"
    assert metadata["model_uri"].value.startswith("models:/emopipe-label-mapper/")
    served = subprocess.run([sys.executable, "-c", SERVE, "models:/emopipe-label-mapper@champion"], capture_output=True,
                            text=True, timeout=300)
    assert served.returncode == 0, served.stderr[-3000:]
    answer = json.loads(served.stdout.strip().splitlines()[-1])
    assert answer["columns"] == ["anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust"]
    assert answer["rows"] == 2 and set(answer["binary"]) <= {0, 1}
    assert answer["vad_columns"] == ["valence", "arousal", "dominance"]
    unknown, width, nan = answer["errors"]
    assert "klingon" in unknown and "nrc_vad" in unknown
    assert "2 numbers" in width and "valence, arousal, dominance" in width
    assert "row 0" in nan and "arousal" in nan

    [content] = result.asset_materializations_for_node("emotion_content_encoders")
    assert content.metadata["run_config"].value["label_mapper"] == metadata["model_uri"].value  # trained into the upstream version
    assert "text_augmented_basic5_zeroshot_r" in content.metadata["emopipe-content-encoder_results"].value
    client = MlflowTracking().client()
    champion = client.get_model_version_by_alias("emopipe-content-encoder", "champion")
    content_run = client.get_run(champion.run_id)
    assert {"text_vad_mean_r", "text_basic5_zeroshot_r", "text_augmented_basic5_zeroshot_r", "text_basic6_zeroshot_r",
            "text_augmented_semeval_valence_r", "text_supervised_basic5_r", "word_vad_mean_r",
            "word_emolex_zeroshot_f1", "word_eil_zeroshot_r", "dev_text_augmented_vad_mean_r"} <= set(content_run.data.metrics)
    assert {"word_encoder/model.safetensors", "word_encoder/config.json"} <= {
        f.path for f in client.list_artifacts(champion.run_id, "word_encoder")}
    served = subprocess.run([sys.executable, "-c", SERVE_TEXT, "models:/emopipe-content-encoder@champion"], capture_output=True,
                            text=True, timeout=300)
    assert served.returncode == 0, served.stderr[-3000:]
    answer = json.loads(served.stdout.strip().splitlines()[-1])
    assert answer["vad"] == ["valence", "arousal", "dominance"] and answer["rows"] == 4
    assert answer["be6"] == ["anger", "disgust", "fear", "joy", "sadness", "surprise", "valence"] and answer["dims"] == 100
    assert "klingon" in answer["error"] and "semeval_be6" in answer["error"]
