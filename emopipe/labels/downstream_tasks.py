"""Downstream tasks in one table: SST-2 (GLUE train/dev) and sarcasm headlines (seeded splits).

Sarcasm has no official split; it is split by headline text so that its 107 duplicated headlines
never straddle two splits.
"""

from __future__ import annotations

import polars as pl

from emopipe.labels.splits import split_items


def downstream_tasks(sst2: pl.DataFrame, sarcasm: pl.DataFrame, seed: int = 13) -> pl.DataFrame:
    sst = sst2.select(pl.lit("sst2").alias("task"), pl.col("split").cast(pl.String), pl.col("sentence").alias("text"), pl.col("label").cast(pl.Int8))
    splits = split_items(sarcasm["headline"].rename("text"), seed=seed)
    sar = sarcasm.select(pl.col("headline").alias("text"), pl.col("is_sarcastic").cast(pl.Int8).alias("label")).join(
        splits, on="text", maintain_order="left"
    )
    return pl.concat([sst, sar.select(pl.lit("sarcasm").alias("task"), "split", "text", "label")])
