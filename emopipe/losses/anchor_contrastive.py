"""EACL's anchor-augmented supervised contrastive loss and its angle loss (Yu et al., arXiv 2403.20289).

Contrastive: the batch's utterance representations and the K emotion anchors are pooled into one
set, labelled (anchors carry their own emotion), and compared with s(x, y) = (1 + cos(x, y)) / 2,
divided by the temperature (0.1). For every member i with at least one positive (another member of
its emotion; an utterance always has its anchor):
    l_i = -log( sum_{p in P(i)} exp(s_ip / t) / sum_{a != i} exp(s_ia / t) ) + log |P(i)|
which is the reference code's form (it divides the positive share by |P(i)| inside the log).
Difference from the reference, on purpose: an anchor whose emotion is absent from the batch has no
positive; the reference scores it -log(1e-8), a constant without gradient that still enters the
mean, while we leave it out of the mean.

Angle: anchors are centred on their mean and normalised; each anchor's largest cosine to another
anchor is turned into an angle, and the loss is minus the mean of those angles, which pushes every
anchor away from its nearest neighbour. It also returns that largest cosine (the reference's
`max_cosine`), so the report can show the minimum pairwise angle.
"""

import math

import torch
import torch.nn.functional as F

COS_CLAMP = 0.99999


def pair_similarity(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """(1 + cos) / 2 between every row of x and every row of y: values in [0, 1]."""
    return (1 + F.normalize(x.float(), dim=-1) @ F.normalize(y.float(), dim=-1).T) / 2


def anchor_contrastive_loss(reps: torch.Tensor, labels: torch.Tensor, anchors: torch.Tensor, temperature: float = 0.1) -> torch.Tensor:
    z = torch.cat([reps, anchors])
    y = torch.cat([labels, torch.arange(len(anchors), device=labels.device)])
    n = len(y)
    self_mask = torch.eye(n, dtype=torch.bool, device=z.device)
    logits = (pair_similarity(z, z) / temperature).masked_fill(self_mask, float("-inf"))
    positives = (y[:, None] == y[None, :]) & ~self_mask
    counts = positives.sum(1)
    has_positive = counts > 0
    log_all = torch.logsumexp(logits, dim=1)
    log_pos = torch.logsumexp(logits.masked_fill(~positives, float("-inf")), dim=1)
    per_member = -(log_pos - log_all) + torch.log(counts.clamp(min=1).float())
    return per_member[has_positive].mean()


def angle_loss(anchors: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(loss, largest pairwise cosine) over centred, normalised anchors."""
    centred = F.normalize(anchors.float() - anchors.float().mean(0, keepdim=True), dim=1)
    cosine = centred @ centred.T - 2.0 * torch.eye(len(anchors), device=anchors.device)
    nearest = cosine.max(dim=1).values.clamp(-COS_CLAMP, COS_CLAMP)
    return -torch.acos(nearest).mean(), cosine.max().clamp(-COS_CLAMP, COS_CLAMP)


def min_pairwise_angle_degrees(anchors: torch.Tensor) -> float:
    """The smallest angle between two anchors (centred, as the angle loss sees them), in degrees."""
    _, largest = angle_loss(anchors.detach())
    return math.degrees(math.acos(float(largest)))
