"""Automation: a weekly retrain of every model (and so the report), a sensor that notices a source
table whose files' latest observation differs from the one its last materialization read, and
declarative conditions that carry updates down the graph: datasets, `eacl_checkpoints` (one run per
partition) and `eval_report` update when their inputs do (the daemon's
`default_automation_condition_sensor`, started with `dagster dev`, evaluates them)."""

import hashlib
import json
import os

import dagster as dg

from emopipe.defs.erc_assets import DATASETS
from emopipe.defs.source_files import TABLE_DATASETS, files_key

# The tags Dagster writes on every observation and materialization (its data-versioning record)
DATA_VERSION_TAG, INPUT_DATA_VERSION_TAG = "dagster/data_version", "dagster/input_data_version"
RETRAIN_CRON_ENV = "EMOPIPE_RETRAIN_CRON"
DEFAULT_RETRAIN_CRON = "0 3 * * 0"  # Sundays 03:00
UNPARTITIONED_MODELS = ["goemotions_baseline", "vad_regressor", "label_mapping_model", "emotion_content_encoders", "retrofitted_plm"]
# Downstream of these, automation conditions take over (a run cannot mix partitioned and unpartitioned steps safely).
FOLLOWERS = ["eacl_checkpoints", "eval_report"]


def retrain_cron() -> str:
    return os.environ.get(RETRAIN_CRON_ENV) or DEFAULT_RETRAIN_CRON


@dg.schedule(cron_schedule=retrain_cron(), target=dg.AssetSelection.assets(*UNPARTITIONED_MODELS, "eacl_checkpoints"),
             name="weekly_retrain", description="Retrain every model weekly (cron: $EMOPIPE_RETRAIN_CRON, default Sundays 03:00): "
             "one run for the unpartitioned models, one per eacl_checkpoints partition; eval_report follows when they land.",
             default_status=dg.DefaultScheduleStatus.STOPPED)
def weekly_retrain(context: dg.ScheduleEvaluationContext):
    tick = context.scheduled_execution_time.strftime("%Y-%m-%dT%H:%M")
    yield dg.RunRequest(run_key=f"models-{tick}", asset_selection=[dg.AssetKey(k) for k in UNPARTITIONED_MODELS])
    for dataset in DATASETS.get_partition_keys():
        yield dg.RunRequest(run_key=f"eacl-{dataset}-{tick}", asset_selection=[dg.AssetKey("eacl_checkpoints")], partition_key=dataset)


def changed_tables(instance: dg.DagsterInstance, tables: list[str]) -> dict[str, str]:
    """Source table -> why it is out of date: the latest observation of its files (`source_files/<table>`)
    has a data version other than the one recorded when the table was last materialized. Tables never
    materialized, or whose files were never observed, are left to `emopipe run`."""
    changed = {}
    for table in tables:
        files = files_key(table)
        observed = instance.fetch_observations(files, limit=1).records
        materialized = instance.get_latest_materialization_event(dg.AssetKey(table))
        if not observed or materialized is None:
            continue
        now = (observed[0].event_log_entry.asset_observation.tags or {}).get(DATA_VERSION_TAG)
        then = (materialized.asset_materialization.tags or {}).get(f"{INPUT_DATA_VERSION_TAG}/{files.to_user_string()}")
        if now and now != then:
            changed[table] = f"{files.to_user_string()}: data version {now} observed, {then} when {table} was materialized"
    return changed


@dg.sensor(name="source_files_changed", minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED,
           target=dg.AssetSelection.groups("sources", "datasets", "models"),
           description="Re-materializes every table whose source files' latest observation (group source_files, observed "
                       "hourly) differs from the one recorded at the table's last materialization, and everything downstream "
                       "(partitioned models and the report follow by their automation conditions). A file whose new hash is "
                       "not vetted fails its step with a checksum error and the previous table stays.")
def source_files_changed(context: dg.SensorEvaluationContext):
    reasons = changed_tables(context.instance, list(TABLE_DATASETS))
    if not reasons:
        return dg.SkipReason("every source table was materialized from the files its latest observation saw")
    changed = sorted(reasons)
    assets = set(context.repository_def.assets_defs_by_key.values())
    keys = sorted((dg.AssetSelection.assets(*changed).downstream() - dg.AssetSelection.assets(*FOLLOWERS).downstream()).resolve(assets))
    context.log.info("; ".join(reasons.values()))
    # One request per set of new versions: a run in flight or one that failed on an unvetted hash is not requested again.
    run_key = hashlib.sha256(json.dumps(sorted(reasons.items())).encode()).hexdigest()[:16]
    return dg.RunRequest(run_key=f"sources-{run_key}", asset_selection=keys, tags={"emopipe/changed_sources": ",".join(changed)})


SCHEDULES = [weekly_retrain]
SENSORS = [source_files_changed]
