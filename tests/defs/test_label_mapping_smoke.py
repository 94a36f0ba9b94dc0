"""label_mapping_model on the tiny real-format mirror: trains, logs every promised metric name to
MLflow and shows its picture and direction table in the asset's metadata."""

import dagster as dg

from emopipe.defs.emotion_space_assets import label_mapping_model
from emopipe.defs.resources import ParquetTables, SourceData
from emopipe.tracking.mlflow_tracking import MlflowTracking
from tests.defs.helpers import DATA_ASSETS, failure_text


def test_label_mapping_model_materializes_and_tracks(monkeypatch, mirror, home):
    monkeypatch.setenv("EMOPIPE_PROFILE", "smoke")
    root, hashes = mirror
    result = dg.materialize(
        [*DATA_ASSETS, label_mapping_model],
        selection=["*label_mapping_model"],
        resources={"data": SourceData(data_dir=str(root), sha256_overrides=hashes, offline=True),
                   "io_manager": ParquetTables(base_dir=str(home / "tables")), "mlflow": MlflowTracking()},
        raise_on_error=False,
    )
    assert result.success, failure_text(result)
    [event] = result.asset_materializations_for_node("label_mapping_model")
    metadata = event.metadata
    assert {"emotion_space", "directions", "equivalence_classes", "mlflow_run_id"} <= set(metadata)
    assert "nrc_vad_to_emolex8" in metadata["directions"].value
    run = MlflowTracking().client().get_run(metadata["mlflow_run_id"].value)
    names = set(run.data.metrics)
    assert {"mapping_mean_r", "baseline_mapping_mean_r", "nosharing_mapping_mean_r", "map_warriner_vad_to_nrc_vad_r",
            "train_loss"} <= names
    assert any(n.endswith("_f1") for n in names if n.startswith("map_"))
    assert run.data.params["weight_sharing"] == "1.0"
