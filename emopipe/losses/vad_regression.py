"""The VAD regressor's training loss, by name: `mae`, `mse` or `mae_ce` (MAE + lambda * distance CE,
lambda = 0.1 in the paper)."""

import torch
import torch.nn.functional as F

from emopipe.losses.distance_ce import distance_cross_entropy

VAD_LOSSES = ("mae", "mse", "mae_ce")


def vad_loss(kind: str, pred: torch.Tensor, target: torch.Tensor, labels: torch.Tensor, points: torch.Tensor,
             ce_weight: float = 0.1) -> torch.Tensor:
    if kind == "mae":
        return F.l1_loss(pred, target)
    if kind == "mse":
        return F.mse_loss(pred, target)
    if kind == "mae_ce":
        return F.l1_loss(pred, target) + ce_weight * distance_cross_entropy(pred, labels, points)
    raise ValueError(f"unknown VAD loss {kind!r}; expected one of {VAD_LOSSES}")
