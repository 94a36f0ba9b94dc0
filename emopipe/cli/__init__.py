"""`emopipe`: build the pipeline, list registered models, and use the champions from a shell.

Every command reads the MLflow registry at `--tracking-uri` (default `$MLFLOW_TRACKING_URI`, else
`sqlite:///$DAGSTER_HOME/mlflow.db`). Errors name what is wrong and exit non-zero. `--json` prints
JSON instead of a table (models, predict, convert, erc, score); `-` in place of the inputs reads them
from standard input (predict, convert, erc, score); `--version` says which emopipe this is. The commands that
build (`run`, `fetch-models`) are in `build.py`, those that read and serve the registry in
`registry.py`, `score` (a corpus, through Dagster) in `score.py`."""

from __future__ import annotations

import os

import click

from emopipe.cli.build import fetch_models, run
from emopipe.cli.registry import convert, erc, models, predict, serve
from emopipe.cli.score import score


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="emopipe", prog_name="emopipe")
@click.option("--tracking-uri", default=None, help="MLflow tracking/registry URI (default: $MLFLOW_TRACKING_URI or the local SQLite store).")
@click.pass_context
def main(ctx: click.Context, tracking_uri: str | None) -> None:
    """emopipe: emotion representation models, built by Dagster and served from the MLflow registry."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    ctx.obj = tracking_uri


for command in (run, models, serve, predict, convert, erc, score, fetch_models):
    main.add_command(command)
