"""Tokenize once per (encoder, dataset, max length) and keep the ids as an Arrow-backed
`datasets.Dataset` under `$DAGSTER_HOME/cache/tokens/`, so every later run, model and profile
that reads the same table with the same tokenizer skips tokenization. Each writer stages its entry
in a folder of its own and renames it into place, so two processes writing one key at once end with
one complete entry."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
from datasets import Dataset, load_from_disk

from emopipe.atomic import staged_folder
from emopipe.paths import dagster_home
from emopipe.training.batching import tokenize


def tokenizer_fingerprint(tokenizer) -> str:
    """What the tokenizer does (its full serialized pipeline and vocabulary), not just where it lives.
    The truncation and padding a previous call left set on the fast tokenizer are not part of it:
    `max_length` is in the key on its own."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is not None:
        pipeline = json.loads(backend.to_str())
        pipeline.pop("truncation", None)
        pipeline.pop("padding", None)
        state = json.dumps(pipeline, sort_keys=True)
    else:
        state = repr(sorted(tokenizer.get_vocab().items()))
    return hashlib.sha256(state.encode()).hexdigest()


def cache_key(encoder_path: str, tokenizer, max_length: int, texts: pl.Series) -> str:
    digest = hashlib.sha256()
    for part in (encoder_path, type(tokenizer).__name__, tokenizer_fingerprint(tokenizer), str(max_length)):
        digest.update(part.encode() + b"\0")
    digest.update(texts.cast(pl.String).fill_null("").str.join("\x1e").item().encode())
    return digest.hexdigest()[:20]


def token_ids(tokenizer, encoder_path: str, texts: pl.Series, max_length: int, cache_root: Path | None = None) -> list[list[int]]:
    if texts.len() == 0:
        return []
    root = cache_root or dagster_home() / "cache" / "tokens"
    folder = root / cache_key(encoder_path, tokenizer, max_length, texts)
    if folder.is_dir():
        return load_from_disk(str(folder))["input_ids"]
    ids = tokenize(tokenizer, texts.to_list(), max_length)
    table = Dataset.from_polars(pl.DataFrame({"input_ids": ids}, schema={"input_ids": pl.List(pl.Int32)}))
    with staged_folder(folder) as staging:  # one per writer; another's entry of the same key holds the same ids
        table.save_to_disk(str(staging))
    return ids
