"""Downstream evaluation tasks: SST-2 (GLUE; the train copy is label-first with CRLF) and the news
headlines sarcasm set (v1, as a `is_sarcastic,text` CSV)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from emopipe.sources.errors import SourceFormatError
from emopipe.sources.textio import cast_fields, read_csv_strings, read_lines, split_fields


def read_sst2_split(path: Path, split: str) -> pl.DataFrame:
    """A GLUE SST-2 TSV with a header naming its two columns in either order (no quoting in this format)."""
    lines = read_lines(path)
    header = lines["text"][0].strip().split("\t")
    if sorted(header) != ["label", "sentence"]:
        raise SourceFormatError(path, f"expected a header with 'sentence' and 'label', got {lines['text'][0]!r}", line=1)
    df = cast_fields(path, split_fields(path, lines.slice(1), header), {"label": pl.Int8})
    bad = df.filter(~pl.col("label").is_in([0, 1]))
    if bad.height:
        raise SourceFormatError(path, f"label must be 0 or 1, got {bad['label'][0]}", line=bad["line"][0], field="label")
    return df.select(pl.lit(split).alias("split"), pl.col("sentence").str.strip_chars(), "label", pl.col("line").alias("source_line"))


def read_sst2(train: Path, dev: Path) -> pl.DataFrame:
    return pl.concat([read_sst2_split(train, "train"), read_sst2_split(dev, "dev")])


def read_sarcasm(path: Path) -> pl.DataFrame:
    df = read_csv_strings(path)
    if sorted(c for c in df.columns if c != "line") != ["is_sarcastic", "text"]:
        raise SourceFormatError(path, f"expected columns is_sarcastic,text; found {df.columns[1:]}", line=1)
    df = cast_fields(path, df, {"is_sarcastic": pl.Int8})
    return df.select(pl.col("text").str.strip_chars().alias("headline"), "is_sarcastic", pl.col("line").alias("source_line"))
