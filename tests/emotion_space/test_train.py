"""The label mapper learns a real mapping on tiny pairs, the sharing weight is really applied, and
the per-direction baseline and metrics have the promised names."""

import numpy as np
import pytest
import torch

from emopipe.emotion_space.metrics import direction_score, summarize
from emopipe.emotion_space.pairs import PairSplit
from emopipe.emotion_space.train import (
    LossWeights,
    MappingConfig,
    directions,
    score_baselines,
    score_space,
    train_direct_baseline,
    train_space,
)


def _pair(n: int, seed: int) -> PairSplit:
    """Warriner-like VAD words and NRC-like VAD: the same three numbers with noise and a squash."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 3)).astype(np.float32)
    y = np.clip(0.8 * x + 0.1 + rng.normal(0, 0.03, (n, 3)), 0, 1).astype(np.float32)
    return PairSplit("warriner_vad__nrc_vad", "warriner_vad", "nrc_vad", [f"w{i}" for i in range(n)], torch.tensor(x), torch.tensor(y))


@pytest.fixture(scope="module")
def splits():
    return ({"warriner_vad__nrc_vad": _pair(400, 0)}, {"warriner_vad__nrc_vad": _pair(80, 1)}, {"warriner_vad__nrc_vad": _pair(80, 2)})


def test_space_learns_both_directions(splits):
    train, dev, test = splits
    space, history = train_space(train, dev, MappingConfig(epochs=8, batch_size=32), log=lambda s: None)
    metrics = summarize(score_space(space, test))
    assert metrics["map_warriner_vad_to_nrc_vad_r"] > 0.8 and metrics["map_nrc_vad_to_warriner_vad_r"] > 0.8
    assert metrics["mapping_mean_r"] > 0.8 and np.isnan(metrics["mapping_mean_f1"])
    assert len(history) == 8 and max(h["dev_selection"] for h in history) > 0.8


def test_sharing_weight_is_applied(splits):
    train, dev, _ = splits
    rows = lambda s: torch.nn.functional.cosine_similarity(s.decoders["warriner_vad"].weight, s.decoders["nrc_vad"].weight, dim=1)
    shared, _ = train_space(train, dev, MappingConfig(epochs=3, weights=LossWeights(sharing=5.0)), log=lambda s: None)
    unshared, _ = train_space(train, dev, MappingConfig(epochs=3, weights=LossWeights(sharing=0.0)), log=lambda s: None)
    assert rows(shared).mean() > rows(unshared).mean() + 0.2


def test_direct_baseline_and_metric_names(splits):
    train, dev, test = splits
    models = {d: train_direct_baseline(train[d[0]], dev[d[0]], d[1], d[2], MappingConfig(epochs=5)) for d in directions(train)}
    metrics = summarize(score_baselines(models, test), prefix="baseline_")
    assert set(metrics) == {"baseline_map_warriner_vad_to_nrc_vad_r", "baseline_map_nrc_vad_to_warriner_vad_r",
                            "baseline_mapping_mean_r", "baseline_mapping_mean_f1"}
    assert metrics["baseline_mapping_mean_r"] > 0.8


def test_direction_score_kinds():
    gold = np.array([[1, 0], [0, 1], [1, 1], [0, 0]], dtype=float)
    assert direction_score("emolex8", gold, gold) == ("f1", 1.0)
    kind, r = direction_score("nrc_vad", np.array([[0.1, 0.2, 0.3], [0.2, 0.1, 0.5], [0.3, 0.3, 0.1]]),
                              np.array([[0.1, 0.2, 0.3], [0.2, 0.1, 0.5], [0.3, 0.3, 0.1]]))
    assert kind == "r" and r == pytest.approx(1.0)
