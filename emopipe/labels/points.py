"""The 28 GoEmotions labels as points in VAD space ("Dimension is All You Need?", Ben-Tov & Frenkel).

Three mappings: the label word's NRC VAD point; the same points quantile-scaled per dimension
(sklearn `QuantileTransformer` fitted on the 28 points, `n_quantiles=21` as in the reference code),
which spreads crowded labels apart; and, for the paper's ablation, arbitrary points evenly spread
on a sphere inside [0, 1]^3 with a fixed label -> point assignment (label i gets point i).
"""

from __future__ import annotations

import numpy as np
import polars as pl
from sklearn.preprocessing import QuantileTransformer

from data_contracts.vocab import VAD


def quantile_scale(points: np.ndarray, n_quantiles: int = 21) -> np.ndarray:
    """Map each dimension of `points` (n x 3) through its empirical CDF onto [0, 1]."""
    if not 2 <= n_quantiles <= len(points):
        raise ValueError(f"n_quantiles must be in [2, {len(points)}] (the number of points), got {n_quantiles}")
    return QuantileTransformer(n_quantiles=n_quantiles, output_distribution="uniform").fit_transform(points)


def sphere_points(n: int, center: float = 0.5, radius: float = 0.5) -> np.ndarray:
    """`n` points spread evenly on a sphere (Fibonacci lattice), here the sphere inscribed in [0, 1]^3."""
    i = np.arange(n) + 0.5
    polar = np.arccos(1.0 - 2.0 * i / n)
    azimuth = np.pi * (1.0 + 5**0.5) * i
    unit = np.stack([np.cos(azimuth) * np.sin(polar), np.sin(azimuth) * np.sin(polar), np.cos(polar)], axis=1)
    return np.clip(center + radius * unit, 0.0, 1.0)


def emotion_label_points(
    names: list[str], lexicon: pl.DataFrame, ekman: dict[str, str], sentiment: dict[str, str], n_quantiles: int = 21
) -> pl.DataFrame:
    """One row per label: its id, name, Ekman and sentiment group, and the three points."""
    labels = pl.DataFrame({"label_id": pl.Series(range(len(names)), dtype=pl.UInt8), "label": names})
    raw = labels.join(lexicon.select(pl.col("term").alias("label"), *VAD), on="label", how="left").sort("label_id")
    missing = raw.filter(pl.col("valence").is_null())["label"].to_list()
    if missing:
        raise ValueError(f"labels missing from the NRC VAD lexicon: {missing}")
    nrc = raw.select(VAD).to_numpy()
    scaled, arbitrary = quantile_scale(nrc, n_quantiles), sphere_points(len(names))
    return raw.select(
        "label_id",
        "label",
        pl.col("label").replace_strict(ekman, default="neutral").alias("ekman_group"),
        pl.col("label").replace_strict(sentiment, default="neutral").alias("sentiment_group"),
        *[pl.col(v).alias(f"nrc_{v}") for v in VAD],
        *[pl.Series(f"scaled_{v}", scaled[:, j]) for j, v in enumerate(VAD)],
        *[pl.Series(f"arbitrary_{v}", arbitrary[:, j]) for j, v in enumerate(VAD)],
    )
