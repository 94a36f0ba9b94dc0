"""Vector-space preservation: mean squared error between the sentence embeddings of the encoder being
retrofitted and those of a frozen copy of it, so emotion-awareness is added without moving the
space far from the one downstream users rely on."""

import torch
import torch.nn.functional as F


def preservation_loss(updated: torch.Tensor, frozen: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(updated.float(), frozen.float())
