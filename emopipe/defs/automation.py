"""Automation: a weekly retrain of every model (and so the report), a sensor that notices a source
file whose sha256 differs from the one recorded at its table's last materialization, and
declarative conditions that carry updates down the graph: datasets, `eacl_checkpoints` (one run per
partition) and `eval_report` update when their inputs do (the daemon's
`default_automation_condition_sensor`, started with `dagster dev`, evaluates them)."""

import hashlib
import json
import os
from pathlib import Path

import dagster as dg

from emopipe.defs.erc_assets import DATASETS
from emopipe.defs.resources import recorded

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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def changed_tables(instance: dg.DagsterInstance, keys: list[dg.AssetKey], known: dict) -> tuple[list[str], dict, dict]:
    """Tables whose source files now hash differently from what their last materialization recorded.
    `known` caches {path: [mtime, size, sha256]} so an unchanged file is not hashed again."""
    changed, now, reasons = [], {}, {}
    for key, event in instance.get_latest_materialization_events(keys).items():
        for path, source in recorded(event, "source_files", {}).items():
            local = Path(source.get("read_from", ""))
            if not local.is_file():
                continue  # moved or not downloaded here: the next materialization resolves it again
            stat = local.stat()
            cached = known.get(str(local))
            sha = cached[2] if cached and cached[:2] == [stat.st_mtime, stat.st_size] else _sha256(local)
            now[str(local)] = [stat.st_mtime, stat.st_size, sha]
            if sha != source.get("sha256"):
                changed.append(key.to_user_string())
                reasons[key.to_user_string()] = f"{path}: sha256 {sha[:12]}... differs from {source.get('sha256', '?')[:12]}... recorded"
    return sorted(set(changed)), now, reasons


@dg.sensor(name="source_files_changed", minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED,
           target=dg.AssetSelection.groups("sources", "datasets", "models"),
           description="Re-materializes every table fed by a source file whose sha256 differs from the one recorded at the "
                       "table's last materialization, and everything downstream (partitioned models and the report follow "
                       "by their automation conditions). A file whose new hash is not vetted fails its step with a checksum "
                       "error and the previous table stays.")
def source_files_changed(context: dg.SensorEvaluationContext):
    graph = context.repository_def.asset_graph
    tables = [k for k in graph.get_all_asset_keys() if graph.get(k).group_name in ("sources", "datasets")]
    changed, known, reasons = changed_tables(context.instance, tables, json.loads(context.cursor or "{}"))
    context.update_cursor(json.dumps(known))
    if not changed:
        return dg.SkipReason("every source file matches the sha256 recorded at its table's last materialization")
    selection = (dg.AssetSelection.assets(*changed).downstream() - dg.AssetSelection.assets(*FOLLOWERS).downstream())
    keys = sorted(selection.resolve(graph))
    context.log.info("; ".join(reasons.values()))
    # One request per set of new hashes: a run in flight or one that failed on an unvetted hash is not requested again.
    run_key = hashlib.sha256(json.dumps(sorted(reasons.items())).encode()).hexdigest()[:16]
    return dg.RunRequest(run_key=f"sources-{run_key}", asset_selection=keys, tags={"emopipe/changed_sources": ",".join(changed)})


SCHEDULES = [weekly_retrain]
SENSORS = [source_files_changed]
