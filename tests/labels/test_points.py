"""VAD points of the 28 labels: quantile scaling and the reference's arbitrary mapping."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy.stats import rankdata

from data_contracts.vocab import GOEMOTIONS_LABELS
from emopipe.labels.points import ARBITRARY_POINTS, emotion_label_points, quantile_scale
from tests.fixture_files import EKMAN, SENTIMENT


def _groups(mapping):
    return {label: group for group, labels in mapping.items() for label in labels}


def test_quantile_scaling_preserves_order_and_spans_unit_interval():
    points = np.random.default_rng(0).uniform(0.2, 0.6, size=(28, 3))
    scaled = quantile_scale(points, n_quantiles=21)
    assert scaled.min() == pytest.approx(0.0) and scaled.max() == pytest.approx(1.0)
    for j in range(3):
        assert (rankdata(scaled[:, j]) == rankdata(points[:, j])).all()


def test_quantile_scaling_rejects_impossible_n_quantiles():
    with pytest.raises(ValueError, match="n_quantiles must be in"):
        quantile_scale(np.zeros((28, 3)), n_quantiles=40)


def test_arbitrary_points_are_the_references_evenly_spread_points_in_the_cube():
    points = ARBITRARY_POINTS
    assert points.shape == (28, 3) and points.min() >= 0.16 and points.max() <= 0.84
    distances = np.linalg.norm(points[:, None] - points[None], axis=2) + np.eye(28) * 9
    assert distances.min() == pytest.approx(2 * 0.160191, abs=1e-4)  # sphere centres of a densest packing: touching spheres
    assert points[27].tolist() == [0.6096113, 0.3902813, 0.160191]  # neutral, the reference's last label


def test_label_points_join_lexicon_and_groups():
    lexicon = pl.DataFrame({"term": list(GOEMOTIONS_LABELS), "valence": np.linspace(0, 1, 28),
                            "arousal": np.linspace(1, 0, 28), "dominance": np.full(28, 0.5)})
    table = emotion_label_points(list(GOEMOTIONS_LABELS), lexicon, _groups(EKMAN), _groups(SENTIMENT))
    neutral = table.filter(label="neutral").row(0, named=True)
    assert neutral["ekman_group"] == "neutral" and neutral["sentiment_group"] == "neutral" and neutral["nrc_valence"] == 1.0
    assert table.filter(label="grief")["ekman_group"].item() == "sadness"
    assert table["scaled_valence"].is_sorted()


def test_label_missing_from_lexicon_is_named():
    lexicon = pl.DataFrame({"term": list(GOEMOTIONS_LABELS[1:]), "valence": [0.5] * 27, "arousal": [0.5] * 27, "dominance": [0.5] * 27})
    with pytest.raises(ValueError, match="admiration"):
        emotion_label_points(list(GOEMOTIONS_LABELS), lexicon, _groups(EKMAN), _groups(SENTIMENT))
