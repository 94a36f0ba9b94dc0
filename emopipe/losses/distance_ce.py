"""Cross-entropy over the label points: the "CE" term of the paper's MAE + lambda * CE loss.

The logits of a predicted VAD point are the negative L1 distances to each of the 28 label points,
so the softmax favours the nearest label: the loss pulls the prediction towards its own point and
away from the others.
"""

import torch
import torch.nn.functional as F


def distance_cross_entropy(pred: torch.Tensor, labels: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """pred (B, 3), labels (B,) label ids, points (K, 3) -> mean CE over softmax(-||pred - point||_1)."""
    logits = -torch.cdist(pred, points, p=1)
    return F.cross_entropy(logits, labels)
