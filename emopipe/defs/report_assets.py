"""Group `reports`: `eval_report`, rendered from what the model assets registered (MLflow runs,
registry versions and aliases) and what the Dagster instance recorded (materializations, checks,
source sha256s). It trains nothing, so re-rendering takes seconds."""

from datetime import UTC, datetime

import dagster as dg

from emopipe.atomic import atomic_path
from emopipe.code_version import asset_code_version
from emopipe.defs import OWNERS
from emopipe.defs.contracts import CHECK_NAME
from emopipe.defs.dataset_assets import DATASET_ASSETS
from emopipe.defs.erc_assets import DATASETS, eacl_checkpoints
from emopipe.defs.resources import latest_materialization, recorded
from emopipe.defs.source_assets import SOURCE_ASSETS
from emopipe.evaluation.papers import METHODS
from emopipe.evaluation.report import render_html, render_markdown
from emopipe.evaluation.report_sections import ReportInputs, ablation_key, report_sections, targets
from emopipe.paths import dagster_home
from emopipe.tracking.mlflow_tracking import MlflowTracking
from emopipe.tracking.run_records import RegistryReader

CODE_VERSION = asset_code_version(__name__)  # changes with this module's code and the method code it imports

TITLE = "emopipe evaluation report"
REPORTED_ASSETS = sorted({asset for method in METHODS for asset in method.assets})
PARTITIONS = {eacl_checkpoints.key.to_user_string(): list(DATASETS.get_partition_keys())}


def gather(instance: dg.DagsterInstance, reader: RegistryReader, partitions: dict[str, list[str]], run_id: str) -> ReportInputs:
    """Everything the report shows, read from the instance and the registry."""
    inputs = ReportInputs(models={}, partitions=partitions, dagster_run_id=run_id)
    for method in METHODS:
        for key, partition in targets(method, partitions):
            asset = key.split("[")[0]
            uri = recorded(latest_materialization(instance, asset, partition), "model_uri")
            if uri is None:
                inputs.models[key] = None
                continue
            name, version = uri.removeprefix("models:/").rsplit("/", 1)
            inputs.models[key] = record = reader.model(name, version, pictures=True)
            if record is not None:
                inputs.seeds[key] = reader.seed_runs(asset, record.run.params)
            for figure in (f for f in method.figures if f.ablation and f.asset == asset):  # only runs of the same recipe
                found = reader.matching_run(asset, record.run.params, figure.ablation) if record else None
                inputs.ablations[ablation_key(key, figure.ablation)] = found
                if record is not None:
                    inputs.seeds[ablation_key(key, figure.ablation)] = reader.seed_runs(asset, record.run.params, figure.ablation)
    for assets_def in [*SOURCE_ASSETS, *DATASET_ASSETS]:
        key = assets_def.key
        event = latest_materialization(instance, key.to_user_string())
        check = instance.get_latest_asset_check_evaluation_record(dg.AssetCheckKey(key, CHECK_NAME))
        inputs.data_tables.append({
            "asset": key.to_user_string(), "group": assets_def.group_names_by_key[key],
            "rows": recorded(event, "dagster/row_count", "not materialized"),
            "contract": recorded(event, "contract", "n/a"), "digest": recorded(event, "digest", "n/a"),
            "check": check.status.value.lower() if check else "never run",
            "materialized": _when(event.timestamp) if event else "never",
        })
        for path, entry in recorded(event, "source_files", {}).items():
            if any(s["path"] == path for s in inputs.source_files):
                continue  # a file two tables read (the GoEmotions groupings) is listed once
            inputs.source_files.append({"path": path, **{k: entry.get(k, "") for k in ("sha256", "url", "licence")}})
    return inputs


def _when(timestamp: float) -> str:
    return f"{datetime.fromtimestamp(timestamp, UTC):%Y-%m-%d %H:%M} UTC"


@dg.asset(group_name="reports", kinds={"mlflow", "markdown", "html"}, owners=OWNERS, code_version=CODE_VERSION,
          deps=[dg.AssetKey(a) for a in REPORTED_ASSETS], automation_condition=dg.AutomationCondition.eager())  # re-renders after a model
def eval_report(context: dg.AssetExecutionContext, mlflow: MlflowTracking) -> dg.MaterializeResult:
    """One Markdown and one self-contained HTML report over every model asset: per method our test
    figures beside the paper's on the same metric, baselines and ablations, the pictures the model
    runs logged, the data contracts, lineage (MLflow runs, registry versions and aliases, Dagster
    runs, source sha256s) and every deliberate difference from a paper. Reads the registry and the
    instance; retrains nothing. Both files are logged to MLflow; the Markdown is this metadata."""
    inputs = gather(context.instance, mlflow.reader(), PARTITIONS, context.run.run_id)
    sections = report_sections(inputs)
    markdown, figures = render_markdown(TITLE, sections)
    page = render_html(TITLE, sections)
    files = {**figures, "eval_report.md": markdown.encode(), "eval_report.html": page.encode()}
    folder = dagster_home() / "reports"
    for name, data in files.items():  # figures first: the Markdown never links a picture not yet written
        with atomic_path(folder / name) as tmp:
            tmp.write_bytes(data)
    with mlflow.start_run(context, "report") as run:
        mlflow.log_files(files, "eval_report")
    missing = inputs.missing()
    context.log.info(f"eval_report: {len(inputs.models) - len(missing)} models, {len(figures)} pictures"
                     + (f"; not materialized yet: {', '.join(missing)}" if missing else ""))
    return dg.MaterializeResult(metadata={
        "report": dg.MetadataValue.md(render_markdown(TITLE, sections, figures_dir=None)[0]),
        "markdown_path": dg.MetadataValue.path(str(folder / "eval_report.md")),
        "html_path": dg.MetadataValue.path(str(folder / "eval_report.html")),
        "mlflow_run_id": run.info.run_id,
        "models_reported": len(inputs.models) - len(missing),
        "models_missing": dg.MetadataValue.text(", ".join(missing) or "none"),
    })


REPORT_ASSETS = [eval_report]
