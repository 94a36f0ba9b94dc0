"""`emopipe`: build the pipeline, list registered models, and use the champions from a shell.

Every command reads the MLflow registry at `--tracking-uri` (default `$MLFLOW_TRACKING_URI`, else
`sqlite:///$DAGSTER_HOME/mlflow.db`). Errors name what is wrong and exit non-zero."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import click

from emopipe.tracking.uris import redact

VAD_MODEL = "emopipe-vad-regressor"
MAPPER = "emopipe-label-mapper"


def _uri(ctx: click.Context) -> str:
    from emopipe.tracking.mlflow_tracking import default_tracking_uri

    return ctx.obj or default_tracking_uri()


def _resolve(ctx: click.Context, reference: str) -> tuple[str, str]:
    from emopipe.tracking.serving import RegistryLookupError, resolve_in

    try:
        return resolve_in(_uri(ctx), reference)
    except RegistryLookupError as err:
        raise click.ClickException(str(err)) from err


def _load(ctx: click.Context, reference: str):
    from emopipe.tracking.serving import RegistryLookupError, load_registered

    try:
        uri, model = load_registered(_uri(ctx), reference)
    except RegistryLookupError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"# {uri}", err=True)
    return model


def _headline(name: str) -> tuple[str, ...]:
    """The figures `emopipe models` shows for a registered model (its model card's)."""
    from emopipe.evaluation.cards import spec_of

    try:
        return spec_of(name).headline
    except KeyError:  # a model registered by something else than emopipe
        return ()


def _show(frame) -> None:
    import pandas as pd

    with pd.option_context("display.max_rows", 500, "display.max_columns", 50, "display.width", 200, "display.precision", 3):
        click.echo(frame.to_string(index=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--tracking-uri", default=None, help="MLflow tracking/registry URI (default: $MLFLOW_TRACKING_URI or the local SQLite store).")
@click.pass_context
def main(ctx: click.Context, tracking_uri: str | None) -> None:
    """emopipe: emotion representation models, built by Dagster and served from the MLflow registry."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    ctx.obj = tracking_uri


@main.command()
@click.option("--select", default="*eval_report", show_default=True, help="Dagster asset selection to bring up to date.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Run config (YAML or JSON, Dagster's `ops: {asset: {config: ...}}`); each run gets the entries of its assets.")
@click.option("--dry-run", is_flag=True, help="Only list what is missing or stale.")
def run(select: str, config_file: Path | None, dry_run: bool) -> None:
    """Materialize what is missing or stale in SELECT, in dependency order: unpartitioned assets in
    one run, then each stale `eacl_checkpoints` partition, then `eval_report`. Nothing changed:
    nothing runs. Runs left behind by a killed process are marked failed first (their pool slots
    freed, their MLflow runs ended), and their training resumes from the last finished epoch."""
    import dagster as dg

    from emopipe.definitions import defs
    from emopipe.defs.deployment import deployment
    from emopipe.defs.recovery import recover_dead_runs
    from emopipe.defs.stale import outdated
    from emopipe.tracking.mlflow_tracking import MlflowTracking

    try:
        dg.AssetSelection.from_string(select)
    except dg.DagsterError as err:
        raise click.ClickException(f"--select {select!r} is not a Dagster asset selection ({err}). Examples: '*eval_report' "
                                   "(it and everything upstream), 'key:\"vad_regressor\" or key:\"goemotions_baseline\"', "
                                   "'+key:\"vad_regressor\"' (one level upstream)") from err
    config = _run_config(config_file) if config_file else None
    with dg.DagsterInstance.get() as instance:
        if deployment() == "local" and not dry_run:
            recover_dead_runs(instance, MlflowTracking(tracking_uri=_uri(click.get_current_context())),
                              log=lambda line: click.echo(line, err=True))
        plan = outdated(defs, instance, select)
    if not plan:
        click.echo(f"{select}: everything is up to date")
        return
    for key, partitions in plan.items():
        click.echo(f"to build: {key}" + (f" [{', '.join(partitions)}]" if partitions != [None] else ""))
    if dry_run:
        return
    plain = [k for k, parts in plan.items() if parts == [None] and k != "eval_report"]
    if plain:
        _materialize(plain, config=config)
    with dg.DagsterInstance.get() as instance:  # upstream runs may have made more partitions stale
        plan = outdated(defs, instance, select)
    for key, partitions in plan.items():
        for partition in partitions if partitions != [None] else ():
            _materialize([key], partition, config=config)
    if dg.AssetKey("eval_report") in dg.AssetSelection.from_string(select).resolve(defs.resolve_asset_graph()):
        _materialize(["eval_report"], config=config)  # last: it was missing or stale itself, or something it reports on was just built


@main.command("fetch-models")
@click.option("--profile", default=None, help="smoke | cpu | gpu (default: $EMOPIPE_PROFILE, else cpu).")
def fetch_models(profile: str | None) -> None:
    """Fetch every pretrained model PROFILE names from the Hugging Face hub into its local cache (once;
    with progress), so that runs after it work offline. `EMOPIPE_PROFILE=gpu make run` does this first."""
    from emopipe.defs.hub_models import hub_models
    from emopipe.training.hub import fetch

    names = hub_models(profile)
    if not names:
        click.echo("this profile names no hub model (its encoders are installed or built locally)")
        return
    for name in names:
        try:
            fetch(name, log=click.echo)
        except RuntimeError as err:
            raise click.ClickException(str(err) if name in str(err) else f"{name}: {err}") from err
    click.echo(f"{len(names)} models in the cache: runs of this profile work offline (HF_HUB_OFFLINE=1)")


def _run_config(path: Path) -> dict:
    import yaml

    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise click.BadParameter(f"{path} is not YAML or JSON: {err}", param_hint="--config") from err
    if not isinstance(config, dict) or not isinstance(config.get("ops", {}), dict):
        raise click.BadParameter(f"{path}: expected a mapping with `ops: {{asset: {{config: ...}}}}`", param_hint="--config")
    return config


def _materialize(keys: list[str], partition: str | None = None, config: dict | None = None) -> None:
    import tempfile

    import yaml

    command = [sys.executable, "-m", "dagster", "asset", "materialize", "-m", "emopipe.definitions", "--select", ",".join(keys)]
    if partition is not None:
        command += ["--partition", partition]
    with tempfile.TemporaryDirectory() as folder:
        if config:  # Dagster refuses op config for assets outside the selection: each run gets its own entries
            ops = {k: v for k, v in config.get("ops", {}).items() if k in keys}
            path = Path(folder) / "run_config.yaml"
            path.write_text(yaml.safe_dump({k: v for k, v in {**config, "ops": ops}.items() if v}))
            command += ["--config", str(path)]
        click.echo("$ " + " ".join(command[1:]), err=True)
        if subprocess.run(command).returncode != 0:
            raise click.ClickException(f"materializing {', '.join(keys)}" + (f" [{partition}]" if partition else "") + " failed; "
                                       "what was materialized before stays, `emopipe run` again resumes from there")


@main.command()
@click.option("--card", "card_of", default=None, metavar="NAME", help="Print the model card of NAME (NAME@ALIAS, NAME/VERSION) instead.")
@click.pass_context
def models(ctx: click.Context, card_of: str | None) -> None:
    """Registered models: versions, aliases, the champion's selection figure and key metrics."""
    from emopipe.tracking.run_records import RegistryReader

    reader = RegistryReader(_uri(ctx))
    if card_of:
        name, version = _resolve(ctx, card_of)
        record = reader.model(name, version)
        click.echo(record.description or f"{name} v{version} has no model card (registered before cards existed)")
        return
    found = reader.models()
    if not found:
        raise click.ClickException(f"no models are registered in {redact(_uri(ctx))}: materialize the pipeline first (`make run`)")
    for summary in found:
        aliases = ", ".join(f"{a}=v{v}" for a, v in sorted(summary.aliases.items())) or "no aliases"
        click.echo(f"{summary.name}  latest v{summary.latest_version}  {aliases}")
        record = reader.model(summary.name)
        if record is not None:
            metrics = record.run.metrics
            selected = (f"selected on {record.tags['selection_metric']}={float(record.tags['selection_value']):.3f}; "
                        if "selection_value" in record.tags else "")
            shown = [f"{m}={metrics[m]:.3f}" for m in _headline(summary.name)
                     if m in metrics and math.isfinite(metrics[m]) and m != record.tags.get("selection_metric")]
            click.echo(f"    champion v{record.version}: {selected}" + (", ".join(shown) or "no key metrics")
                       + f"  (profile {record.tags.get('profile') or record.run.tags.get('profile', '?')}, run {record.run.run_id[:8]})")


@main.command()
@click.argument("reference", metavar="NAME[@ALIAS|/VERSION]")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0: every interface).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Server worker processes.")
@click.pass_context
def serve(ctx: click.Context, reference: str, host: str, port: int, workers: int) -> None:
    """Serve a registered model over HTTP with MLflow's scoring server in this environment: POST
    MLflow's standard payloads (`{"inputs": ...}`, `dataframe_split`, `dataframe_records`) to
    /invocations; GET /ping answers when it is up. Stops on Ctrl-C or SIGTERM."""
    name, version = _resolve(ctx, reference)
    uri = f"models:/{name}/{version}"
    bin_dir = str(Path(sys.executable).parent)  # MLflow starts `uvicorn` by name: it must find this environment's
    env = {**os.environ, "MLFLOW_TRACKING_URI": _uri(ctx), "MLFLOW_REGISTRY_URI": _uri(ctx),
           "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    command = [sys.executable, "-m", "mlflow", "models", "serve", "-m", uri, "--env-manager", "local", "--host", host,
               "--port", str(port), "--workers", str(workers)]
    click.echo(f"# serving {uri} on http://{host}:{port}/invocations", err=True)
    os.execve(sys.executable, command, env)


@main.command()
@click.argument("texts", nargs=-1, required=True)
@click.option("--model", "reference", default=VAD_MODEL, show_default=True,
              help="Registered model: NAME (its champion), NAME@ALIAS or NAME/VERSION.")
@click.pass_context
def predict(ctx: click.Context, texts: tuple[str, ...], reference: str) -> None:
    """Emotions of TEXTS: valence, arousal, dominance and the top emotion (VAD model), or the
    top emotion and its probability (the GoEmotions baseline)."""
    model = _load(ctx, reference)
    out = model.predict(list(texts))
    out.insert(0, "text", [t if len(t) <= 60 else t[:57] + "..." for t in texts])
    _show(out)


def _row(text: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",")]
    except ValueError as err:
        raise click.BadParameter(f"{text!r} is not a comma-separated row of numbers", param_hint="VALUES") from err


@main.command()
@click.option("--from", "source", required=True, help="Format of VALUES, e.g. nrc_vad, emolex8, semeval_be6.")
@click.option("--to", "target", required=True, help="Format to convert into.")
@click.option("--scores", is_flag=True, help="Sigmoid scores instead of 0/1 for binary formats.")
@click.argument("values", nargs=-1, required=True)
@click.pass_context
def convert(ctx: click.Context, source: str, target: str, scores: bool, values: tuple[str, ...]) -> None:
    """Convert emotion labels between formats with the label mapper. Each VALUES is one item,
    comma-separated on the harmonized [0, 1] scale: `emopipe convert --from nrc_vad --to emolex8 0.9,0.6,0.7`."""
    rows = [_row(v) for v in values]
    model = _load(ctx, MAPPER)
    try:
        out = model.predict({"from": source, "to": target, "values": rows}, params={"scores": scores})
    except ValueError as err:
        raise click.ClickException(str(err)) from err
    _show(out)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dataset", type=click.Choice(["meld", "emorynlp"]), default="meld", show_default=True,
              help="Which EACL model (its label set).")
@click.option("--model", "reference", default=None, help="Registered model instead: NAME, NAME@ALIAS or NAME/VERSION.")
@click.pass_context
def erc(ctx: click.Context, file: Path, dataset: str, reference: str | None) -> None:
    """The emotion of every utterance of one conversation in FILE, a JSON-lines file with one
    `{"speaker": ..., "text": ...}` object per turn, in order."""
    turns = []
    for number, raw in enumerate(file.read_bytes().splitlines(), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise click.ClickException(f"{file}:{number}: not UTF-8 (byte {err.start + 1} of the line is {raw[err.start:err.start + 1]!r})") from err
        if not line.strip():
            continue
        try:
            turn = json.loads(line)
        except json.JSONDecodeError as err:
            raise click.ClickException(f"{file}:{number}: not JSON ({err.msg})") from err
        if not isinstance(turn, dict) or "text" not in turn:
            raise click.ClickException(f"{file}:{number}: expected an object with \"speaker\" and \"text\", got {line[:80]!r}")
        turns.append({"speaker": turn.get("speaker"), "text": turn["text"]})
    if not turns:
        raise click.ClickException(f"{file}: no turns")
    model = _load(ctx, reference or f"emopipe-eacl-{dataset}")
    out = model.predict(turns)
    out.insert(2, "text", [str(t["text"])[:60] for t in turns])
    _show(out)
