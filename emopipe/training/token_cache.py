"""Tokenize once per (encoder, dataset, max length) and keep the ids as an Arrow-backed
`datasets.Dataset` under `$DAGSTER_HOME/cache/tokens/`, so every later run, model and profile
that reads the same table with the same tokenizer skips tokenization."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import polars as pl
from datasets import Dataset, load_from_disk

from emopipe.paths import dagster_home
from emopipe.training.batching import tokenize


def tokenizer_fingerprint(tokenizer) -> str:
    """What the tokenizer does (its full serialized pipeline and vocabulary), not just where it lives."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    state = backend.to_str() if backend is not None else repr(sorted(tokenizer.get_vocab().items()))
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
    staging = root / f".{folder.name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    table.save_to_disk(str(staging))
    staging.rename(folder)
    return ids
