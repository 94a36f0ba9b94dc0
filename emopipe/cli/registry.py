"""The commands that read and serve the registry: models, serve, predict, convert, erc."""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import click

from emopipe.cli.common import JSON, headline_figures, load_reference, registry_uri, resolve_reference, show_frame, stdin_lines
from emopipe.scoring.score import MAPPER, VAD_MODEL
from emopipe.tracking.uris import redact


@click.command()
@click.option("--card", "card_of", default=None, metavar="NAME", help="Print the model card of NAME (NAME@ALIAS, NAME/VERSION) instead.")
@JSON
@click.pass_context
def models(ctx: click.Context, card_of: str | None, as_json: bool) -> None:
    """Registered models: versions, aliases, the champion's selection figure and key metrics."""
    from emopipe.tracking.run_records import RegistryReader

    reader = RegistryReader(registry_uri(ctx))
    if card_of:
        name, version = resolve_reference(ctx, card_of)
        record = reader.model(name, version)
        card = record.description or f"{name} v{version} has no model card (registered before cards existed)"
        click.echo(json.dumps({"name": name, "version": version, "card": card}) if as_json else card)
        return
    found = reader.models()
    if not found:
        raise click.ClickException(f"no models are registered in {redact(registry_uri(ctx))}: materialize the pipeline first (`make run`)")
    listed = []
    for summary in found:
        record = reader.model(summary.name)
        champion = None
        if record is not None:
            metrics = record.run.metrics
            champion = {"version": str(record.version), "selection_metric": record.tags.get("selection_metric"),
                        "selection_value": float(record.tags["selection_value"]) if "selection_value" in record.tags else None,
                        "metrics": {m: metrics[m] for m in headline_figures(summary.name) if m in metrics and math.isfinite(metrics[m])},
                        "profile": record.tags.get("profile") or record.run.tags.get("profile"), "run_id": record.run.run_id}
        listed.append({"name": summary.name, "latest_version": str(summary.latest_version),
                       "aliases": {alias: str(v) for alias, v in sorted(summary.aliases.items())}, "champion": champion})
    if as_json:
        click.echo(json.dumps(listed))
        return
    for model in listed:
        aliases = ", ".join(f"{a}=v{v}" for a, v in model["aliases"].items()) or "no aliases"
        click.echo(f"{model['name']}  latest v{model['latest_version']}  {aliases}")
        champion = model["champion"]
        if champion is not None:
            selected = (f"selected on {champion['selection_metric']}={champion['selection_value']:.3f}; "
                        if champion["selection_value"] is not None else "")
            shown = [f"{m}={v:.3f}" for m, v in champion["metrics"].items() if m != champion["selection_metric"]]
            click.echo(f"    champion v{champion['version']}: {selected}" + (", ".join(shown) or "no key metrics")
                       + f"  (profile {champion['profile'] or '?'}, run {champion['run_id'][:8]})")


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
@JSON
@click.pass_context
def predict(ctx: click.Context, texts: tuple[str, ...], reference: str, as_json: bool) -> None:
    """Emotions of TEXTS (`-`: one text per line of standard input): valence, arousal, dominance and
    the top emotion (VAD model), or the top emotion and its probability (the GoEmotions baseline)."""
    texts = stdin_lines(texts)
    if not texts:
        raise click.ClickException("no texts on standard input")
    model = load_reference(ctx, reference)
    out = model.predict(texts)
    out.insert(0, "text", texts if as_json else [t if len(t) <= 60 else t[:57] + "..." for t in texts])
    show_frame(out, as_json)


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
@JSON
@click.pass_context
def convert(ctx: click.Context, source: str, target: str, scores: bool, values: tuple[str, ...], as_json: bool) -> None:
    """Convert emotion labels between formats with the label mapper. Each VALUES is one item,
    comma-separated on the harmonized [0, 1] scale: `emopipe convert --from nrc_vad --to emolex8 0.9,0.6,0.7`
    (`-`: one item per line of standard input)."""
    rows = [_row(v) for v in stdin_lines(values)]
    model = load_reference(ctx, MAPPER)
    try:
        out = model.predict({"from": source, "to": target, "values": rows}, params={"scores": scores})
    except ValueError as err:
        raise click.ClickException(str(err)) from err
    show_frame(out, as_json)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--dataset", type=click.Choice(["meld", "emorynlp"]), default="meld", show_default=True,
              help="Which EACL model (its label set).")
@click.option("--model", "reference", default=None, help="Registered model instead: NAME, NAME@ALIAS or NAME/VERSION.")
@JSON
@click.pass_context
def erc(ctx: click.Context, file: Path, dataset: str, reference: str | None, as_json: bool) -> None:
    """The emotion of every utterance of one conversation in FILE (`-`: standard input), a JSON-lines
    file with one `{"speaker": ..., "text": ...}` object per turn, in order."""
    data = click.get_binary_stream("stdin").read() if str(file) == "-" else file.read_bytes()
    file = "<stdin>" if str(file) == "-" else file
    turns = []
    for number, raw in enumerate(data.splitlines(), start=1):
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
    out.insert(2, "text", [str(t["text"]) if as_json else str(t["text"])[:60] for t in turns])
    show_frame(out, as_json)
