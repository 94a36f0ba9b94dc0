"""eval_report over what was materialized on the tiny mirror (the label mapper and one EACL
partition, smoke profile): our figures are the MLflow run's, models not materialized are said as
such, both files are written and logged to MLflow, and a re-render retrains nothing."""

import math
import re

import dagster as dg
from mlflow.tracking import MlflowClient

from emopipe.defs.emotion_space_assets import label_mapping_model
from emopipe.defs.erc_assets import eacl_checkpoints
from emopipe.defs.report_assets import eval_report
from emopipe.defs.resources import ParquetTables, SourceData
from emopipe.tracking.mlflow_tracking import MlflowTracking, default_tracking_uri
from tests.defs.helpers import DATA_ASSETS, failure_text


def test_report_renders_registered_figures_and_logs_both_files(monkeypatch, mirror, home):
    monkeypatch.setenv("EMOPIPE_PROFILE", "smoke")
    root, hashes = mirror
    resources = {"data": SourceData(data_dir=str(root), sha256_overrides=hashes, offline=True),
                 "io_manager": ParquetTables(base_dir=str(home / "tables")), "mlflow": MlflowTracking()}
    assets = [*DATA_ASSETS, label_mapping_model, eacl_checkpoints, eval_report]
    instance = dg.DagsterInstance.ephemeral()

    def materialize(selection, partition=None):
        result = dg.materialize(assets, selection=selection, partition_key=partition, resources=resources, instance=instance,
                                raise_on_error=False)
        assert result.success, failure_text(result)
        return result

    materialize(["*label_mapping_model", "*conversation_utterances"])
    materialize(["eacl_checkpoints"], "meld")
    report = materialize(["eval_report"])
    [event] = report.asset_materializations_for_node("eval_report")
    markdown = event.metadata["report"].value

    client = MlflowClient(default_tracking_uri())
    mapper = client.get_model_version_by_alias("emopipe-label-mapper", "champion")
    mapping_r = client.get_run(mapper.run_id).data.metrics["mapping_mean_r"]
    shown = "n/a" if math.isnan(mapping_r) else f"{mapping_r:.3f}"  # the tiny pairs may be too small to correlate
    assert f"| label mapping, mean r over directions | `mapping_mean_r` | {shown} | 0.840 |" in markdown
    meld = client.get_run(client.get_model_version_by_alias("emopipe-eacl-meld", "champion").run_id).data.metrics
    # per partition: ours, the paper's, same recipe (a smoke run is not the paper's), over seeds (one seed: empty)
    row = rf"\| EACL, test weighted F1 \| `test_weighted_f1` \| n/a \| 0\.402 \| +\| +\| {meld['test_weighted_f1']:.3f} \| 0\.671 \| no \(encoder "
    assert re.search(row, markdown), markdown
    assert "Not materialized yet: `eacl_checkpoints[emorynlp]`, `emotion_content_encoders`, `goemotions_baseline`" in markdown
    assert mapper.run_id in markdown and "| `conversation_utterances` | datasets |" in markdown
    assert event.metadata["models_missing"].value.startswith("eacl_checkpoints[emorynlp]")

    folder = home / "reports"
    html = (folder / "eval_report.html").read_text()
    assert html.count("data:image/png;base64,") == 4  # the mapper's space, EACL's two confusions and anchor cosines
    assert (folder / "eval_report.md").read_text().count("](figures/") == 4
    logged = {a.path for a in client.list_artifacts(event.metadata["mlflow_run_id"].value, "eval_report")}
    assert {"eval_report/eval_report.md", "eval_report/eval_report.html", "eval_report/figures"} <= logged

    versions = len(client.search_model_versions("name='emopipe-label-mapper'"))
    materialize(["eval_report"])  # re-render: nothing trains, nothing new is registered
    assert len(client.search_model_versions("name='emopipe-label-mapper'")) == versions
