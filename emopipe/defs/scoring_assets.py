"""Group `scoring`: a user's corpus scored with the champions, one dynamic partition per corpus
(`emopipe score FILE` adds it and materializes it)."""

import os
import sys
import time

import dagster as dg
import polars as pl

from data_contracts.scoring import scored_texts_contract
from emopipe.code_version import asset_code_version
from emopipe.defs import OWNERS
from emopipe.defs.contracts import contract_check, validated
from emopipe.defs.pictures import picture_metadata
from emopipe.evaluation.plots import scored_corpus_figure
from emopipe.evaluation.report import markdown_table
from emopipe.labels.formats import FORMATS
from emopipe.scoring import requests
from emopipe.scoring.corpus import read_corpus
from emopipe.scoring.score import BASELINE, MAPPER, VAD_MODEL, Readers, eacl_model, score_corpus
from emopipe.tracking.mlflow_tracking import MlflowTracking
from emopipe.tracking.serving import RegistryLookupError, load_reader

CODE_VERSION = asset_code_version(__name__)
CORPORA = dg.DynamicPartitionsDefinition(name="scored_texts")


PROGRESS_BAR_ENV = "EMOPIPE_PROGRESS_BAR"  # set by `emopipe score` when its own standard error is a terminal


def _progress(context: dg.AssetExecutionContext, total: int):
    """A progress bar on the terminal of `emopipe score` (Dagster captures the step's standard error
    and mirrors it there, so the command says when to draw one) and a line in the run's log about
    every 30 s, with the rate and the time left."""
    from tqdm import tqdm

    wanted = sys.stderr.isatty() or os.environ.get(PROGRESS_BAR_ENV) == "1"
    bar = tqdm(total=total, unit="texts", file=sys.stderr, disable=not wanted, smoothing=0.1, mininterval=1.0)
    started = last = time.monotonic()

    def report(done: int, total: int) -> None:
        nonlocal last
        bar.update(done - bar.n)
        now = time.monotonic()
        if now - last >= 30 or done == total:
            rate = done / max(now - started, 1e-9)
            context.log.info(f"scored {done:,} of {total:,} texts ({rate:.0f} texts/s, {(total - done) / max(rate, 1e-9) / 60:.1f} min left)")
            last = now
        if done == total:
            bar.close()

    return report


def _readers(mlflow: MlflowTracking, request: requests.ScoringRequest, conversations: bool) -> tuple[Readers, dict[str, str]]:
    names = [VAD_MODEL, BASELINE, MAPPER] + ([eacl_model(request.eacl_dataset)] if conversations else [])
    loaded, versions = [], {}
    for name in names:
        try:
            registered, version, reader = load_reader(mlflow.uri, name)
        except RegistryLookupError as err:
            raise dg.Failure(f"scoring needs the champion of {name}: {err}") from err
        loaded.append(reader)
        versions[registered] = version
    return Readers(*loaded), versions


@dg.asset(group_name="scoring", kinds={"polars", "mlflow"}, owners=OWNERS, code_version=CODE_VERSION, partitions_def=CORPORA,
          deps=["vad_regressor", "goemotions_baseline", "label_mapping_model",
                dg.AssetDep("eacl_checkpoints", partition_mapping=dg.AllPartitionMapping())],
          check_specs=[contract_check("scored_texts")])
def scored_texts(context: dg.AssetExecutionContext, mlflow: MlflowTracking):
    """A user's corpus scored by the champions: per text VAD (VAD regressor), the top emotion and all
    28 probabilities (GoEmotions baseline), the label mapper's reading of them in the format asked
    for (default ekman6), and for conversations the EACL emotion of every turn. Rows that cannot be
    scored (empty, not UTF-8, too long, not JSON/CSV) are listed by line, not fatal. The champion
    versions used are in the metadata; `emopipe score FILE` adds a corpus and materializes it."""
    request = requests.load(context.partition_key)
    if request.to_format not in FORMATS:
        raise dg.Failure(f"unknown label format {request.to_format!r}; known: {', '.join(FORMATS)}")
    corpus = read_corpus(request.input_path, request.input_format)
    context.log.info(f"{request.file_name}: {corpus.rows.height:,} rows to score, {corpus.problems.height:,} left out")
    readers, versions = _readers(mlflow, request, corpus.conversations)
    started = time.monotonic()
    scored = score_corpus(corpus, readers, request.to_format, progress=_progress(context, corpus.rows.height))
    seconds = time.monotonic() - started
    picture = scored_corpus_figure(scored, f"{request.file_name}: {scored.height:,} texts") if scored.height else None
    metadata = {
        "file": dg.MetadataValue.text(request.file_name),
        "sha256": dg.MetadataValue.text(request.sha256),
        "scored_rows": dg.MetadataValue.int(scored.height),
        "bad_rows": dg.MetadataValue.int(corpus.problems.height),
        "bad_rows_by_line": dg.MetadataValue.md(markdown_table(corpus.problems, rows=50) if corpus.problems.height else "none"),
        "champions": dg.MetadataValue.json(versions),
        "label_format": dg.MetadataValue.text(request.to_format),
        "seconds": dg.MetadataValue.float(round(seconds, 1)),
        "texts_per_second": dg.MetadataValue.float(round(scored.height / max(seconds, 1e-9), 1)),
        **(picture_metadata("distribution", picture, "Scores across the corpus", file_name=f"scored_texts/{request.key}")
           if picture else {}),
    }
    contract = scored_texts_contract(request.to_format, FORMATS[request.to_format].variables)
    yield from validated("scored_texts", scored.with_columns(pl.col("line").cast(pl.Int64)), metadata, schema=contract)


SCORING_ASSETS = [scored_texts]
