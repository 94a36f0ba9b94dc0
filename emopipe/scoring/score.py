"""Scoring a corpus with the champions' readers: the same code that serves each model, fed the
whole corpus in chunks of length-sorted texts (short with short, so little padding), with progress
after every chunk.

Per text: valence, arousal and dominance and the VAD model's own label (`vad_emotion`, the VAD
regressor), the top emotion, its probability and all 28 probabilities (`prob_<label>`, the GoEmotions
baseline), and the label mapper's reading of those 28 probabilities (as `goemotions28`) in the
format asked for (`<format>_<variable>`: scores for binary and categorical formats, values on the
[0, 1] scale for dimensional ones). For conversations also the EACL emotion of every turn, each turn
seeing only its own dialogue's past."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import polars as pl

from data_contracts.vocab import GOEMOTIONS_LABELS
from emopipe.scoring.corpus import Corpus

CHUNK = 1024  # texts per progress step: a few seconds of work on a laptop, a fraction of one on a GPU
VAD_MODEL, BASELINE, MAPPER = "emopipe-vad-regressor", "emopipe-goemotions-baseline", "emopipe-label-mapper"
DEFAULT_FORMAT = "ekman6"


def eacl_model(dataset: str) -> str:
    return f"emopipe-eacl-{dataset}"


@dataclass(frozen=True)
class Readers:
    """The champions' readers (each with `predict(input, params)`), by registered model name."""

    vad: object
    baseline: object
    mapper: object
    eacl: object | None = None


def length_order(texts: list[str]) -> np.ndarray:
    """Indices of `texts`, longest first: chunks of neighbours in this order pad little."""
    return np.argsort(-np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), kind="stable")


def score_corpus(corpus: Corpus, readers: Readers, to_format: str = DEFAULT_FORMAT,
                 progress: Callable[[int, int], None] = lambda done, total: None, chunk: int = CHUNK) -> pl.DataFrame:
    """One row per good row of the corpus, in file order: its `line`, `text` (and `dialogue`,
    `speaker`), then the scores. `progress(done, total)` after every chunk."""
    texts = corpus.rows["text"].to_list()
    order = length_order(texts)
    parts = []
    for start in range(0, len(texts), chunk):
        batch = [texts[i] for i in order[start:start + chunk]]
        vad = readers.vad.predict(batch, {}).rename(columns={"top_emotion": "vad_emotion"})
        baseline = readers.baseline.predict(batch, {"probabilities": True})
        parts.append(pd.concat([vad[["valence", "arousal", "dominance", "vad_emotion"]],
                                baseline[["top_emotion", "probability", *[f"prob_{label}" for label in GOEMOTIONS_LABELS]]]], axis=1))
        progress(min(start + chunk, len(texts)), len(texts))
    columns = ["valence", "arousal", "dominance", "vad_emotion", "top_emotion", "probability", *[f"prob_{g}" for g in GOEMOTIONS_LABELS]]
    scores = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    scores.index = order[: len(scores)]
    scores = scores.sort_index()
    probabilities = scores[[f"prob_{label}" for label in GOEMOTIONS_LABELS]].to_numpy(dtype=np.float64)
    mapped = readers.mapper.predict({"from": "goemotions28", "to": to_format, "values": np.clip(probabilities, 0.0, 1.0).tolist()},
                                    {"scores": True})
    mapped.columns = [f"{to_format}_{c}" for c in mapped.columns]
    frame = pl.concat([corpus.rows, pl.from_pandas(scores.reset_index(drop=True)), pl.from_pandas(mapped.reset_index(drop=True))],
                      how="horizontal")
    if corpus.conversations:
        frame = frame.with_columns(*_conversation_emotions(corpus.rows, readers.eacl))
    else:  # one schema for both kinds of corpus: the conversation columns are null
        frame = frame.with_columns(*[pl.lit(None, dtype=pl.String).alias(c) for c in ("dialogue", "speaker", "eacl_emotion")],
                                   pl.lit(None, dtype=pl.Float64).alias("eacl_score"))
    return frame.with_columns(pl.col(pl.Float32).cast(pl.Float64))


def _conversation_emotions(rows: pl.DataFrame, eacl) -> list[pl.Series]:
    """`eacl_emotion` and `eacl_score` of every turn, in the order of `rows` (dialogues may interleave)."""
    if eacl is None:
        raise ValueError("a corpus of conversations needs an EACL model")
    dialogues: dict[str, list[int]] = {}
    for index, dialogue in enumerate(rows["dialogue"].to_list()):
        dialogues.setdefault(dialogue, []).append(index)
    speakers, texts = rows["speaker"].to_list(), rows["text"].to_list()
    emotions, scores = eacl.emotions([[(speakers[i], texts[i]) for i in turns] for turns in dialogues.values()])
    at = [i for turns in dialogues.values() for i in turns]
    emotion, score = [None] * rows.height, [None] * rows.height
    for position, i in enumerate(at):
        emotion[i], score[i] = emotions[position], scores[position]
    return [pl.Series("eacl_emotion", emotion, dtype=pl.String), pl.Series("eacl_score", score, dtype=pl.Float64)]
