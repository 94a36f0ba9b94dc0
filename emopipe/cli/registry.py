"""The commands that read and serve the registry: models, serve, predict, convert, erc."""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import click

from emopipe.cli.common import headline_figures, load_reference, registry_uri, resolve_reference, show_frame
from emopipe.tracking.uris import redact

VAD_MODEL = "emopipe-vad-regressor"
MAPPER = "emopipe-label-mapper"


@click.command()
@click.option("--card", "card_of", default=None, metavar="NAME", help="Print the model card of NAME (NAME@ALIAS, NAME/VERSION) instead.")
@click.pass_context
def models(ctx: click.Context, card_of: str | None) -> None:
    """Registered models: versions, aliases, the champion's selection figure and key metrics."""
    from emopipe.tracking.run_records import RegistryReader

    reader = RegistryReader(registry_uri(ctx))
    if card_of:
        name, version = resolve_reference(ctx, card_of)
        record = reader.model(name, version)
        click.echo(record.description or f"{name} v{version} has no model card (registered before cards existed)")
        return
    found = reader.models()
    if not found:
        raise click.ClickException(f"no models are registered in {redact(registry_uri(ctx))}: materialize the pipeline first (`make run`)")
    for summary in found:
        aliases = ", ".join(f"{a}=v{v}" for a, v in sorted(summary.aliases.items())) or "no aliases"
        click.echo(f"{summary.name}  latest v{summary.latest_version}  {aliases}")
        record = reader.model(summary.name)
        if record is not None:
            metrics = record.run.metrics
            selected = (f"selected on {record.tags['selection_metric']}={float(record.tags['selection_value']):.3f}; "
                        if "selection_value" in record.tags else "")
            shown = [f"{m}={metrics[m]:.3f}" for m in headline_figures(summary.name)
                     if m in metrics and math.isfinite(metrics[m]) and m != record.tags.get("selection_metric")]
            click.echo(f"    champion v{record.version}: {selected}" + (", ".join(shown) or "no key metrics")
                       + f"  (profile {record.tags.get('profile') or record.run.tags.get('profile', '?')}, run {record.run.run_id[:8]})")


@click.command()
@click.argument("reference", metavar="NAME[@ALIAS|/VERSION]")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0: every interface).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Server worker processes.")
@click.pass_context
def serve(ctx: click.Context, reference: str, host: str, port: int, workers: int) -> None:
    """Serve a registered model over HTTP with MLflow's scoring server in this environment: POST
    MLflow's standard payloads (`{"inputs": ...}`, `dataframe_split`, `dataframe_records`) to
    /invocations; GET /ping answers when it is up. Stops on Ctrl-C or SIGTERM."""
    name, version = resolve_reference(ctx, reference)
    uri = f"models:/{name}/{version}"
    bin_dir = str(Path(sys.executable).parent)  # MLflow starts `uvicorn` by name: it must find this environment's
    env = {**os.environ, "MLFLOW_TRACKING_URI": registry_uri(ctx), "MLFLOW_REGISTRY_URI": registry_uri(ctx),
           "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    command = [sys.executable, "-m", "mlflow", "models", "serve", "-m", uri, "--env-manager", "local", "--host", host,
               "--port", str(port), "--workers", str(workers)]
    click.echo(f"# serving {uri} on http://{host}:{port}/invocations", err=True)
    os.execve(sys.executable, command, env)


@click.command()
@click.argument("texts", nargs=-1, required=True)
@click.option("--model", "reference", default=VAD_MODEL, show_default=True,
              help="Registered model: NAME (its champion), NAME@ALIAS or NAME/VERSION.")
@click.pass_context
def predict(ctx: click.Context, texts: tuple[str, ...], reference: str) -> None:
    """Emotions of TEXTS: valence, arousal, dominance and the top emotion (VAD model), or the
    top emotion and its probability (the GoEmotions baseline)."""
    model = load_reference(ctx, reference)
    out = model.predict(list(texts))
    out.insert(0, "text", [t if len(t) <= 60 else t[:57] + "..." for t in texts])
    show_frame(out)


def _row(text: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",")]
    except ValueError as err:
        raise click.BadParameter(f"{text!r} is not a comma-separated row of numbers", param_hint="VALUES") from err


@click.command()
@click.option("--from", "source", required=True, help="Format of VALUES, e.g. nrc_vad, emolex8, semeval_be6.")
@click.option("--to", "target", required=True, help="Format to convert into.")
@click.option("--scores", is_flag=True, help="Sigmoid scores instead of 0/1 for binary formats.")
@click.argument("values", nargs=-1, required=True)
@click.pass_context
def convert(ctx: click.Context, source: str, target: str, scores: bool, values: tuple[str, ...]) -> None:
    """Convert emotion labels between formats with the label mapper. Each VALUES is one item,
    comma-separated on the harmonized [0, 1] scale: `emopipe convert --from nrc_vad --to emolex8 0.9,0.6,0.7`."""
    rows = [_row(v) for v in values]
    model = load_reference(ctx, MAPPER)
    try:
        out = model.predict({"from": source, "to": target, "values": rows}, params={"scores": scores})
    except ValueError as err:
        raise click.ClickException(str(err)) from err
    show_frame(out)


@click.command()
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
    model = load_reference(ctx, reference or f"emopipe-eacl-{dataset}")
    out = model.predict(turns)
    out.insert(2, "text", [str(t["text"])[:60] for t in turns])
    show_frame(out)
