"""Automation with Dagster's testing utilities: the weekly schedule (cron from the environment), the
sensor that notices a source file whose sha256 changed, and the declarative conditions that carry a
table's update down to the datasets."""

import os
import subprocess
import sys
from datetime import UTC, datetime

import dagster as dg

from emopipe.definitions import defs
from emopipe.defs.automation import DEFAULT_RETRAIN_CRON, UNPARTITIONED_MODELS, source_files_changed, weekly_retrain
from emopipe.defs.resources import ParquetTables, SourceData
from emopipe.defs.source_files import TABLE_DATASETS, files_key, observe_source_files
from tests.defs.helpers import DATA_ASSETS, failure_text

CRON_OF_FRESH_IMPORT = """
from emopipe.definitions import defs
print(defs.get_repository_def().get_schedule_def("weekly_retrain").cron_schedule)
"""


def test_weekly_schedule_retrains_every_model_one_run_per_partition():
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 11, 22, 3, tzinfo=UTC))
    requests = list(weekly_retrain(context))
    assert [sorted(k.to_user_string() for k in r.asset_selection) for r in requests] == [sorted(UNPARTITIONED_MODELS),
                                                                                          ["eacl_checkpoints"], ["eacl_checkpoints"]]
    assert [r.partition_key for r in requests] == [None, "emorynlp", "meld"]
    assert len({r.run_key for r in requests}) == 3
    assert weekly_retrain.cron_schedule == (os.environ.get("EMOPIPE_RETRAIN_CRON") or DEFAULT_RETRAIN_CRON)


def test_schedule_cron_comes_from_the_environment(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "EMOPIPE_RETRAIN_CRON": "30 1 * * 3"}
    done = subprocess.run([sys.executable, "-c", CRON_OF_FRESH_IMPORT], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "30 1 * * 3"


FILES = [files_key(t).to_user_string() for t in TABLE_DATASETS]


def _materialize(resources, instance, selection=None):
    """Materialize `selection` (default: every table) of the data half, or observe the source files (`FILES`)."""
    assets = [observe_source_files, *DATA_ASSETS]
    selection = selection or [k.to_user_string() for a in DATA_ASSETS for k in a.keys]
    result = dg.materialize(assets, selection=selection, resources=resources, instance=instance, raise_on_error=False)
    assert result.success, failure_text(result)


def _materialized_data_half(mirror, home):
    """An instance where the whole data half was materialized from the tiny mirror, and its resources."""
    root, hashes = mirror
    instance = dg.DagsterInstance.ephemeral()
    resources = {"data": SourceData(data_dir=str(root), sha256_overrides=hashes, offline=True),
                 "io_manager": ParquetTables(base_dir=str(home / "tables"))}
    _materialize(resources, instance, FILES)  # observed first, as `emopipe run` does: each table records what it read
    _materialize(resources, instance)
    return instance, resources


def test_sensor_requests_what_a_changed_source_file_feeds(mirror, home):
    root, hashes = mirror
    instance, resources = _materialized_data_half(mirror, home)  # the files observed, then every table built

    def tick():
        return source_files_changed(dg.build_sensor_context(instance=instance, definitions=defs))

    assert isinstance(tick(), dg.SkipReason)
    emobank = root / "emobank" / "emobank.csv"
    emobank.write_text(emobank.read_text() + emobank.read_text().splitlines()[-1].replace(",", "x,", 1) + "\n")
    assert isinstance(tick(), dg.SkipReason)  # not observed yet
    _materialize(resources, instance, FILES)  # the hourly observation
    observed = instance.fetch_observations(files_key("emobank"), limit=1).records[0].event_log_entry.asset_observation
    assert observed.metadata["files"].data["emobank/emobank.csv"]["sha256"] != hashes["emobank/emobank.csv"]
    request = tick()
    selected = {k.to_user_string() for k in request.asset_selection}
    assert {"emobank", "label_mapping_datasets", "label_mapping_model", "emotion_content_encoders"} <= selected
    assert not selected & {"goemotions", "meld", "eacl_checkpoints", "eval_report", "goemotions_baseline"}
    assert tick().run_key == request.run_key  # the same change is one request, however many ticks see it
    assert request.tags["emopipe/changed_sources"] == "emobank"


def test_datasets_update_when_their_inputs_do(mirror, home):
    instance, resources = _materialized_data_half(mirror, home)
    settled = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    _materialize(resources, instance, ["sst2"])
    result = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=settled.cursor)
    assert result.get_num_requested(dg.AssetKey("downstream_tasks")) == 1
    assert result.get_num_requested(dg.AssetKey("conversation_utterances")) == 0
    assert result.get_num_requested(dg.AssetKey("retrofitted_plm")) == 0  # models retrain on schedule, not on every change
