"""Model assets retry transient tracking errors and nothing else: with the SQLite store locked by
another process, the step fails on the lock, is retried, and succeeds once the lock is gone; a bad
encoder fails at once, without a retry."""

import subprocess
import sys

import dagster as dg

from emopipe.defs.emotion_space_assets import label_mapping_model
from emopipe.defs.model_assets import vad_regressor
from emopipe.defs.resources import ParquetTables, SourceData
from emopipe.tracking.mlflow_tracking import MlflowTracking
from tests.defs.helpers import DATA_ASSETS, failure_text

LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("COMMIT")
"""


def _events(result, kind: dg.DagsterEventType) -> list:
    return [e for e in result.all_events if e.event_type == kind]


def test_a_locked_store_is_retried_and_a_bad_encoder_is_not(monkeypatch, mirror, home):
    monkeypatch.setenv("EMOPIPE_PROFILE", "smoke")
    root, hashes = mirror
    resources = {"data": SourceData(data_dir=str(root), sha256_overrides=hashes, offline=True),
                 "io_manager": ParquetTables(base_dir=str(home / "tables")), "mlflow": MlflowTracking()}
    assets = [*DATA_ASSETS, label_mapping_model, vad_regressor]
    instance = dg.DagsterInstance.ephemeral()
    upstream = dg.materialize(assets, selection=["*label_mapping_datasets", "*goemotions_vad", "*downstream_tasks"], resources=resources,
                              instance=instance, raise_on_error=False)
    assert upstream.success, failure_text(upstream)
    MlflowTracking().client().search_experiments()  # creates the store's tables

    holder = subprocess.Popen([sys.executable, "-c", LOCK, str(home / "mlflow.db"), "24"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = dg.materialize(assets, selection=["label_mapping_model"], resources=resources, instance=instance, raise_on_error=False)
    finally:
        holder.wait(timeout=60)
    assert result.success, failure_text(result)
    [retry] = _events(result, dg.DagsterEventType.STEP_UP_FOR_RETRY)
    assert "database is locked" in str(retry.event_specific_data.error.cause or retry.event_specific_data.error)
    assert MlflowTracking().client().get_model_version_by_alias("emopipe-label-mapper", "champion")

    bad = dg.materialize(assets, selection=["vad_regressor"], resources=resources, instance=instance, raise_on_error=False,
                         run_config={"ops": {"vad_regressor": {"config": {"encoder": str(home / "no-such-encoder")}}}})
    assert not bad.success and "no-such-encoder" in failure_text(bad)
    assert not _events(bad, dg.DagsterEventType.STEP_UP_FOR_RETRY)
