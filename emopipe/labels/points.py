"""The 28 GoEmotions labels as points in VAD space ("Dimension is All You Need?", Ben-Tov & Frenkel).

Three mappings: the label word's NRC VAD point; the same points quantile-scaled per dimension
(sklearn `QuantileTransformer` fitted on the 28 points, `n_quantiles=21` as in the reference code),
which spreads crowded labels apart; and, for the paper's ablation, the reference code's own 28
arbitrary points, evenly spread in the cube (centres of a densest packing of 28 equal spheres in
[0, 1]^3, after Hugo Pfoertner's table; `UNIFORM_28_POINTS_VAD_SPACE` in
matanbt/emotion-recognition-nlp-project), label i getting point i as there.
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


# The reference's points, in GoEmotions' label order (admiration ... neutral), as it hard-codes them.
ARBITRARY_POINTS = np.array([
    [0.5701043, 0.6131241, 0.839809], [0.26341225, 0.52047095, 0.839809], [0.61324695, 0.160191, 0.839809],
    [0.83980895, 0.38671755, 0.839809], [0.160191, 0.2171724, 0.839809], [0.83980895, 0.83979945, 0.83980895],
    [0.1694008, 0.835257, 0.79797525], [0.6114459, 0.3885407, 0.61509185], [0.60969305, 0.839809, 0.6168935],
    [0.3831357, 0.160191, 0.61688875], [0.83980245, 0.61325075, 0.6132536], [0.839809, 0.160191, 0.613247],
    [0.160191, 0.5602329, 0.5391281], [0.3115711, 0.839809, 0.4995566], [0.60961415, 0.160191, 0.39027855],
    [0.160191, 0.160191, 0.3868012], [0.8398088, 0.839809, 0.3867233], [0.8361417, 0.3867241, 0.38672125],
    [0.3849011, 0.3885481, 0.3885481], [0.61144445, 0.61509325, 0.38854205], [0.160191, 0.839809, 0.2171938],
    [0.83980355, 0.1601919, 0.1601919], [0.160191, 0.38680115, 0.160191], [0.3866694, 0.160191, 0.160191],
    [0.6132525, 0.839809, 0.160191], [0.839809, 0.61325275, 0.160191], [0.38313565, 0.6168942, 0.160191],
    [0.6096113, 0.3902813, 0.160191],
])


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
    if len(names) != len(ARBITRARY_POINTS):
        raise ValueError(f"the arbitrary mapping has {len(ARBITRARY_POINTS)} points, one per GoEmotions label; got {len(names)} labels")
    scaled, arbitrary = quantile_scale(nrc, n_quantiles), ARBITRARY_POINTS
    return raw.select(
        "label_id",
        "label",
        pl.col("label").replace_strict(ekman, default="neutral").alias("ekman_group"),
        pl.col("label").replace_strict(sentiment, default="neutral").alias("sentiment_group"),
        *[pl.col(v).alias(f"nrc_{v}") for v in VAD],
        *[pl.Series(f"scaled_{v}", scaled[:, j]) for j, v in enumerate(VAD)],
        *[pl.Series(f"arbitrary_{v}", arbitrary[:, j]) for j, v in enumerate(VAD)],
    )
