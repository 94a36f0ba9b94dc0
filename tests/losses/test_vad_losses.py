"""The VAD losses against readable reference loops."""

import math

import pytest
import torch

from emopipe.losses.distance_ce import distance_cross_entropy
from emopipe.losses.vad_regression import vad_loss


def _naive_distance_ce(pred, labels, points):
    total = 0.0
    for p, y in zip(pred.tolist(), labels.tolist(), strict=True):
        logits = [-sum(abs(a - b) for a, b in zip(p, q, strict=True)) for q in points.tolist()]
        top = max(logits)
        log_norm = top + math.log(sum(math.exp(v - top) for v in logits))
        total += log_norm - logits[y]
    return total / len(pred)


def test_distance_ce_matches_naive_loop():
    torch.manual_seed(0)
    pred, points = torch.rand(7, 3), torch.rand(28, 3)
    labels = torch.randint(0, 28, (7,))
    assert distance_cross_entropy(pred, labels, points).item() == pytest.approx(_naive_distance_ce(pred, labels, points), rel=1e-5)


def test_distance_ce_is_lowest_at_the_own_point():
    points = torch.tensor([[0.1, 0.1, 0.1], [0.9, 0.9, 0.9]])
    labels = torch.tensor([0])
    assert distance_cross_entropy(points[:1], labels, points) < distance_cross_entropy(points[1:], labels, points)


def test_vad_losses_match_their_definitions():
    torch.manual_seed(1)
    pred, target, points = torch.rand(5, 3), torch.rand(5, 3), torch.rand(28, 3)
    labels = torch.randint(0, 28, (5,))
    mae = sum(abs(a - b) for p, t in zip(pred.tolist(), target.tolist(), strict=True) for a, b in zip(p, t, strict=True)) / 15
    mse = sum((a - b) ** 2 for p, t in zip(pred.tolist(), target.tolist(), strict=True) for a, b in zip(p, t, strict=True)) / 15
    assert vad_loss("mae", pred, target, labels, points).item() == pytest.approx(mae, rel=1e-5)
    assert vad_loss("mse", pred, target, labels, points).item() == pytest.approx(mse, rel=1e-5)
    combined = mae + 0.1 * _naive_distance_ce(pred, labels, points)
    assert vad_loss("mae_ce", pred, target, labels, points, ce_weight=0.1).item() == pytest.approx(combined, rel=1e-5)
    with pytest.raises(ValueError, match="unknown VAD loss"):
        vad_loss("huber", pred, target, labels, points)
