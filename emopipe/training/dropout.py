"""Dropout masks drawn cheaply on the CPU, for the training loop.

torch's CPU `bernoulli_` (what `F.dropout` and the attention dropout inside
`F.scaled_dot_product_attention` draw their masks with) runs one generator draw per element on one
thread (torch's sources keep its vectorised MKL path out of open-source builds, pytorch issue 132395):
about 7 ns an element on the 2-core AMD EPYC, a tenth of a MiniLM training step in the profiler
(`benchmarks/dropout.py` prints the ratio this buys, side by side). Under `cheap_dropout(device)` on a CPU, both draw their keep-masks
from 64-bit random words instead, four 16-bit lanes per word, so a quarter of the draws: the same
dropout (each element kept with probability 1 - q, kept ones scaled by 1 / (1 - q)), with p rounded
to q = round(65536 p) / 65536 (0.1 -> 0.1000061), from torch's default generator, so a seeded run
repeats its draws. Attention with dropout is computed as torch's math path computes it on a CPU
(scores, mask, softmax, dropout, values). On other devices, or for anything this does not cover
(in-place dropout, causal or grouped-query attention), torch's own functions run.
"""

from __future__ import annotations

import contextlib
import math

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

_LANES = 65536  # values of one 16-bit lane


def keep_mask(shape: torch.Size | tuple[int, ...], p: float, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Dropout's multiplier of `shape`: 1 / (1 - q) with probability 1 - q, else 0 (q: `p` rounded to a
    multiple of 1/65536). As floats, so forward and backward are one product each."""
    n = math.prod(shape)
    words = torch.empty((n + 3) // 4, dtype=torch.int64).random_(-(2**63), 2**63 - 1)
    dropped = round(p * _LANES)
    keep = words.view(torch.int16)[:n].view(shape) >= dropped - _LANES // 2
    return keep.to(dtype).mul_(_LANES / (_LANES - dropped))


def _dropout(x: torch.Tensor, p: float) -> torch.Tensor:
    return x * keep_mask(x.shape, p, x.dtype)


def _attention(q, k, v, attn_mask=None, dropout_p=0.0, scale=None) -> torch.Tensor:
    scores = (q @ k.transpose(-2, -1)) * (q.shape[-1] ** -0.5 if scale is None else scale)
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        scores = scores.masked_fill(~attn_mask, float("-inf"))
    elif attn_mask is not None:
        scores = scores + attn_mask
    probs = torch.softmax(scores, dim=-1)
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        probs = probs.masked_fill(~attn_mask.any(-1, keepdim=True), 0.0)  # a query that may see nothing sees zeros, as torch's
    return _dropout(probs, dropout_p) @ v


class _CheapDropout(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is F.dropout:
            bound = dict(zip(("input", "p", "training", "inplace"), args, strict=False)) | kwargs
            p = bound.get("p", 0.5)
            if bound.get("training", True) and not bound.get("inplace", False) and 0 < p < 1 and bound["input"].device.type == "cpu":
                return _dropout(bound["input"], p)
        elif func is F.scaled_dot_product_attention and len(args) == 3 and set(kwargs) <= {"attn_mask", "dropout_p", "scale", "is_causal"}:
            if kwargs.get("dropout_p", 0.0) > 0 and not kwargs.get("is_causal", False) and args[0].device.type == "cpu":
                return _attention(*args, **{k: v for k, v in kwargs.items() if k != "is_causal"})
        return func(*args, **kwargs)


def cheap_dropout(device: torch.device):
    """Dropout from `keep_mask` for the torch calls made inside, on a CPU; nothing changes elsewhere."""
    return _CheapDropout() if device.type == "cpu" else contextlib.nullcontext()
