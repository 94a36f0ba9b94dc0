"""Supervised contrastive loss (Khosla et al. 2020, the L_out form), as the retrofitting paper uses it.

For each anchor i with at least one positive (another item of its class in the batch):
    l_i = -1/|P(i)| * sum_{p in P(i)} log( exp(s_ip / t) / sum_{a != i} exp(s_ia / t) )
with s the cosine similarity of the projections. Anchors whose class appears once in the batch
have no positive and are left out of the mean (they still serve as negatives for the others); a
batch without any positive pair gives a zero loss that keeps the graph.
"""

import torch
import torch.nn.functional as F


def supervised_contrastive_loss(projections: torch.Tensor, labels: torch.Tensor, temperature: float = 0.1) -> torch.Tensor:
    z = F.normalize(projections.float(), dim=1)
    logits = z @ z.T / temperature
    n = len(labels)
    self_mask = torch.eye(n, dtype=torch.bool, device=z.device)
    logits = logits.masked_fill(self_mask, float("-inf"))
    log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    positives = (labels[:, None] == labels[None, :]) & ~self_mask
    counts = positives.sum(1)
    has_positive = counts > 0
    if not has_positive.any():
        return projections.sum() * 0.0
    per_anchor = -log_prob.masked_fill(~positives, 0.0).sum(1)[has_positive] / counts[has_positive]
    return per_anchor.mean()
