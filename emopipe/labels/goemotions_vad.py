"""GoEmotions rows with VAD regression targets for the single-label ones (the paper's subset)."""

from __future__ import annotations

import polars as pl

from emopipe.labels.points import VAD


def goemotions_vad(goemotions: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """Every row, a single-label flag, and for single-label rows the raw and scaled VAD of that label."""
    targets = points.select(
        pl.col("label_id"),
        *[pl.col(f"nrc_{v}").alias(v) for v in VAD],
        *[pl.col(f"scaled_{v}") for v in VAD],
    )
    flagged = goemotions.select(
        "split", "comment_id", "text", "label_ids",
        (pl.col("label_ids").list.len() == 1).alias("is_single_label"),
    ).with_columns(pl.when(pl.col("is_single_label")).then(pl.col("label_ids").list.first()).alias("label_id"))
    return flagged.join(targets, on="label_id", how="left", maintain_order="left")
