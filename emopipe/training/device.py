"""Device and precision: CUDA (bf16 autocast), Apple MPS, else CPU. The one place a device is chosen."""

from __future__ import annotations

import contextlib

import torch


def pick_device(preferred: str | None = None) -> torch.device:
    if preferred:
        return torch.device(preferred)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def autocast(device: torch.device, bf16: bool):
    """bf16 autocast on CUDA when asked for; full precision elsewhere (CPU bf16 is slower on most chips)."""
    if device.type == "cuda" and bf16:
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()
