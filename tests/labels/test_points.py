"""VAD points of the 28 labels: quantile scaling and the arbitrary sphere mapping."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy.stats import rankdata

from data_contracts.vocab import GOEMOTIONS_LABELS
from emopipe.labels.points import emotion_label_points, quantile_scale, sphere_points
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


def test_sphere_points_are_on_the_inscribed_sphere_and_evenly_spread():
    points = sphere_points(28)
    radii = np.linalg.norm(points - 0.5, axis=1)
    assert np.allclose(radii, 0.5) and points.min() >= 0 and points.max() <= 1
    distances = np.linalg.norm(points[:, None] - points[None], axis=2) + np.eye(28) * 9
    nearest = distances.min(axis=1)
    assert nearest.min() > 0.6 * nearest.mean()  # no two points crowd together
    assert np.array_equal(points, sphere_points(28))  # fixed assignment


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
