"""Inference for every model: outputs in input order from length-sorted batches, under the same
autocast as training, with frozen lower layers read from their cache."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from emopipe.training import cost, frozen
from emopipe.training.batching import pad, sorted_batches
from emopipe.training.device import autocast


@torch.no_grad()
def predict(model: torch.nn.Module, ids: Sequence[Sequence[int]], pad_id: int, batch_size: int,
            device: torch.device | None = None, bf16: bool = True, fn: str = "forward", cache_frozen: bool = True) -> np.ndarray:
    """Model outputs for every sequence, in input order (length-sorted batches under the hood).
    `fn="embed"` returns pooled sentence vectors instead of head outputs. A model with frozen lower
    layers (in training) reads their states from the cache of `ids` (a dev split scored every epoch
    computes them once)."""
    device = device or next(model.parameters()).device
    model.eval()
    out = [None] * len(ids)
    call = getattr(model, fn)
    root = frozen.cache_root() if cache_frozen and len(ids) else None
    with frozen.cached_lower_layers(model, ids, pad_id, root, device, "evaluation"), cost.phase("evaluation", device):
        for idx in sorted_batches([len(x) for x in ids], batch_size):
            input_ids, mask = pad([ids[i] for i in idx], pad_id)
            with autocast(device, bf16):
                values = call(input_ids.to(device), mask.to(device)).float().cpu().numpy()
            for row, i in enumerate(idx):
                out[i] = values[row]
    return np.stack(out) if out else np.zeros((0,))
