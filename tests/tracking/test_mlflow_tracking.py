"""The MLflow resource: SQLite under DAGSTER_HOME by default, Dagster lineage tags, table digests as inputs."""

import dagster as dg
import polars as pl

from emopipe.defs.contracts import table_digest
from emopipe.tracking.mlflow_tracking import MlflowTracking, default_tracking_uri


def test_default_store_is_sqlite_under_dagster_home(home, monkeypatch):
    assert default_tracking_uri() == f"sqlite:///{home / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://tracking.example:5000")
    assert MlflowTracking().uri == "http://tracking.example:5000"


def test_run_is_tagged_with_dagster_lineage_and_records_table_inputs(home, tmp_path):
    table = pl.DataFrame({"text": ["a", "b"], "label": [0, 1]})
    digest = table_digest(table)

    @dg.asset(code_version="7")
    def tiny_model(context: dg.AssetExecutionContext, mlflow: MlflowTracking) -> str:
        with mlflow.start_run(context, profile="smoke") as run:
            mlflow.log_table_inputs({"downstream_tasks": (digest, tmp_path / "downstream_tasks.parquet")})
            return run.info.run_id

    result = dg.materialize([tiny_model], resources={"mlflow": MlflowTracking()})
    assert result.success
    run_id = result.output_for_node("tiny_model")
    client = MlflowTracking().client()
    run = client.get_run(run_id)
    assert run.data.tags["dagster_run_id"] == result.run_id
    assert run.data.tags["dagster_asset_key"] == "tiny_model"
    assert run.data.tags["code_version"] == "7" and run.data.tags["profile"] == "smoke"
    assert client.get_experiment(run.info.experiment_id).name == "tiny_model"
    [dataset_input] = run.inputs.dataset_inputs
    assert dataset_input.dataset.name == "downstream_tasks" and dataset_input.dataset.digest == digest
    assert (home / "mlflow.db").exists()
    assert run.info.artifact_uri.startswith((home / "mlartifacts").as_uri())
