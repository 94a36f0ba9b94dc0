"""`emopipe score FILE`: a corpus scored by the champions, as a `scored_texts` partition."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click

from emopipe.cli.build import materialize
from emopipe.cli.common import JSON, resolve_reference, show_frame

INPUT_FORMATS = ("csv", "parquet", "jsonl")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--format", "input_format", type=click.Choice(INPUT_FORMATS), default=None,
              help="Format of FILE (default: from its name; standard input: jsonl).")
@click.option("--to", "to_format", default="ekman6", show_default=True,
              help="Label format the label mapper converts the 28 probabilities into (e.g. ekman6, emolex8, nrc_vad).")
@click.option("--eacl", "eacl_dataset", type=click.Choice(["meld", "emorynlp"]), default="meld", show_default=True,
              help="Which EACL champion reads conversations (its label set).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the scores here (.parquet, .csv or .jsonl).")
@JSON
@click.pass_context
def score(ctx: click.Context, file: Path, input_format: str | None, to_format: str, eacl_dataset: str, output: Path | None,
          as_json: bool) -> None:
    """Score a corpus with the champions. FILE (`-`: standard input) is CSV, Parquet or JSON lines
    with a `text` column; with `dialogue` and `speaker` too it is a corpus of conversations, turns in
    order. Per text: valence, arousal, dominance, the top emotion and all 28 probabilities, the label
    mapper's reading in the format of --to; per turn also the EACL emotion. The file becomes a
    partition of `scored_texts` (in the UI, with the champion versions and a picture of the scores);
    rows that cannot be scored are listed by line and left out."""
    from emopipe.labels.formats import FORMATS
    from emopipe.paths import dagster_home
    from emopipe.scoring import requests
    from emopipe.scoring.corpus import CorpusError, format_of, read_corpus
    from emopipe.scoring.score import BASELINE, MAPPER, VAD_MODEL, eacl_model

    if to_format not in FORMATS:
        raise click.BadParameter(f"unknown label format {to_format!r}; known: {', '.join(FORMATS)}", param_hint="--to")
    stdin = str(file) == "-"
    name = "stdin." + (input_format or "jsonl") if stdin else file.name
    try:
        input_format = input_format or ("jsonl" if stdin else format_of(file))
    except CorpusError as err:
        raise click.BadParameter(str(err), param_hint="FILE") from err
    data = click.get_binary_stream("stdin").read() if stdin else file.read_bytes()
    with tempfile.TemporaryDirectory() as folder:  # read here first: a file that cannot be scored fails before any run
        (Path(folder) / name).write_bytes(data)
        try:
            corpus = read_corpus(Path(folder) / name, input_format)
        except CorpusError as err:
            raise click.ClickException(str(err).replace(str(Path(folder) / name), str(file) if not stdin else "<stdin>")) from err
    if corpus.rows.is_empty():
        first = "; ".join(f"line {line}: {problem}" for line, problem in corpus.problems.head(3).iter_rows())
        raise click.ClickException(f"no row of {name} can be scored ({first})")
    for model in [VAD_MODEL, BASELINE, MAPPER] + ([eacl_model(eacl_dataset)] if corpus.conversations else []):
        resolve_reference(ctx, model)  # a missing champion is a clear error now, not a failed run later
    if not os.environ.get("DAGSTER_HOME"):  # as `make` sets it: ./dagster_home, for this process and the run it starts
        os.environ["DAGSTER_HOME"] = str(dagster_home())
        dagster_home().mkdir(parents=True, exist_ok=True)
    request = requests.register(data, name, input_format, to_format, eacl_dataset)
    click.echo(f"# {name}: {corpus.rows.height:,} rows to score, {corpus.problems.height:,} left out; partition {request.key}", err=True)
    _add_partition(request.key)
    if ctx.obj:  # the run reads the registry through its `mlflow` resource, which defaults to this variable
        os.environ["MLFLOW_TRACKING_URI"] = ctx.obj
    if sys.stderr.isatty():  # the run's standard error is captured by Dagster and mirrored here: draw a bar
        os.environ["EMOPIPE_PROGRESS_BAR"] = "1"
    materialize(["scored_texts"], request.key)
    _report(request, output, as_json)


def _add_partition(key: str) -> None:
    import dagster as dg

    from emopipe.defs.scoring_assets import CORPORA

    with dg.DagsterInstance.get() as instance:
        if not instance.has_dynamic_partition(CORPORA.name, key):
            instance.add_dynamic_partitions(CORPORA.name, [key])


def _report(request, output: Path | None, as_json: bool) -> None:
    import dagster as dg
    import polars as pl

    from emopipe.atomic import atomic_path
    from emopipe.defs.resources import latest_materialization, recorded
    from emopipe.scoring.corpus import read_corpus

    with dg.DagsterInstance.get() as instance:
        record = latest_materialization(instance, "scored_texts", request.key)
    stored = Path(recorded(record, "path"))
    scored = pl.read_parquet(stored)
    problems = read_corpus(request.input_path, request.input_format).problems  # the rows the run left out, again (cheap)
    summary = {"partition": request.key, "file": request.file_name, "scored_rows": recorded(record, "scored_rows"),
               "bad_rows": recorded(record, "bad_rows"), "champions": recorded(record, "champions"),
               "texts_per_second": recorded(record, "texts_per_second"), "scores": str(stored),
               "left_out": problems.to_dicts()}
    if output is not None:
        writers = {".parquet": pl.DataFrame.write_parquet, ".csv": pl.DataFrame.write_csv, ".jsonl": pl.DataFrame.write_ndjson}
        if output.suffix.lower() not in writers:
            raise click.BadParameter(f"{output}: write .parquet, .csv or .jsonl", param_hint="--output")
        with atomic_path(output) as tmp:
            writers[output.suffix.lower()](scored, tmp)
        summary["output"] = str(output)
    if as_json:
        click.echo(json.dumps(summary))
        return
    click.echo(f"{request.file_name}: {summary['scored_rows']:,} texts scored, {summary['bad_rows']:,} rows left out "
               f"({summary['texts_per_second']:.0f} texts/s)")
    click.echo("champions: " + ", ".join(f"{name} v{version}" for name, version in summary["champions"].items()))
    click.echo(f"scores: {stored}" + (f" and {output}" if output else "") + f"  (partition {request.key} of scored_texts)")
    shown = ["line", "text", "valence", "arousal", "dominance", "top_emotion", "probability"]
    shown += ["speaker", "eacl_emotion"] if scored["eacl_emotion"].drop_nulls().len() else []
    head = scored.select(shown).head(10).with_columns(pl.col("text").str.slice(0, 40)).to_pandas()
    show_frame(head)
    if scored.height > 10:
        click.echo(f"... {scored.height - 10:,} more rows")
    if problems.height:
        click.echo(f"left out ({problems.height:,}):")
        for line, problem in problems.head(10).iter_rows():
            click.echo(f"  {request.file_name}:{line}: {problem}")
        if problems.height > 10:
            click.echo(f"  ... and {problems.height - 10:,} more (all of them: the `bad_rows_by_line` metadata in the UI)")
