"""MELD and EmoryNLP as one conversation table, in dialogue order, turns numbered from 0."""

from __future__ import annotations

import polars as pl

_SPLIT_ORDER = {"train": 0, "dev": 1, "test": 2}


def conversation_utterances(meld: pl.DataFrame, emorynlp: pl.DataFrame) -> pl.DataFrame:
    meld_rows = meld.select(
        pl.lit("meld").alias("dataset"), "split", pl.format("dia{}", "dialogue_id").alias("dialogue_id"),
        pl.col("utterance_id").alias("order"), "speaker", "text", "emotion",
    )
    emory_rows = emorynlp.select(
        pl.lit("emorynlp").alias("dataset"), "split", pl.col("scene_id").alias("dialogue_id"),
        pl.col("utterance_index").alias("order"), "speaker", "text", "emotion",
    )
    # Each source types split/emotion as its own Enum: compare and combine them as plain strings.
    rows = pl.concat([f.with_columns(pl.col("split", "emotion").cast(pl.String)) for f in (meld_rows, emory_rows)])
    return (
        rows.with_columns(pl.col("split").replace_strict(_SPLIT_ORDER).alias("_split_order"))
        .sort("dataset", "_split_order", "dialogue_id", "order")
        .with_columns(pl.col("order").rank("ordinal").over("dataset", "split", "dialogue_id").sub(1).cast(pl.Int64).alias("turn"))
        .select("dataset", "split", "dialogue_id", "turn", "speaker", "text", "emotion")
    )
