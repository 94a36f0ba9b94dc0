"""Device and precision: CUDA, Apple MPS, else CPU, and the mixed precision each supports. The one place a device or
an autocast dtype is chosen."""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import torch

FAST_BF16_FLAGS = {"avx512_bf16", "amx_bf16"}  # x86 instructions that make CPU bf16 matmuls faster, not emulated


def pick_device(preferred: str | None = None) -> torch.device:
    if preferred:
        return torch.device(preferred)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def has_fast_bf16(cpuinfo: str) -> bool:
    """True when /proc/cpuinfo's flags name native bf16 instructions."""
    flags = next((line.split(":", 1)[1].split() for line in cpuinfo.splitlines() if line.startswith("flags")), [])
    return bool(FAST_BF16_FLAGS & set(flags))


@functools.cache
def cpu_has_fast_bf16() -> bool:
    """This CPU has native bf16 (measured here, AMD EPYC with avx512_bf16: MiniLM training about 2x
    faster under bf16 autocast); elsewhere CPU bf16 is emulated and slower than float32."""
    try:
        return has_fast_bf16(Path("/proc/cpuinfo").read_text())
    except OSError:
        return False


def mixed_dtype(device: torch.device, mixed: bool) -> torch.dtype | None:
    """The autocast dtype of mixed precision on `device`, or None for float32: bf16 on CUDA GPUs that
    support it (Ampere and later) and on CPUs with native bf16; fp16 on older CUDA GPUs (trained with
    a gradient scaler, see `grad_scaler`); float32 elsewhere and whenever `mixed` is false."""
    if not mixed:
        return None
    if device.type == "cuda":
        # native bf16 only: torch's default also says yes for pre-Ampere GPUs, which emulate it slowly
        return torch.bfloat16 if torch.cuda.is_bf16_supported(including_emulation=False) else torch.float16
    if device.type == "cpu" and cpu_has_fast_bf16():
        return torch.bfloat16
    return None


def autocast(device: torch.device, mixed: bool):
    """Autocast to `mixed_dtype(device, mixed)`; full precision where that is None. Weights and
    optimizer state stay float32 either way (mixed precision)."""
    dtype = mixed_dtype(device, mixed)
    return torch.autocast(device.type, dtype=dtype) if dtype is not None else contextlib.nullcontext()


def grad_scaler(device: torch.device, mixed: bool) -> torch.amp.GradScaler:
    """A gradient scaler, active only under fp16 (whose small range underflows gradients); a
    pass-through otherwise."""
    return torch.amp.GradScaler(device.type, enabled=mixed_dtype(device, mixed) == torch.float16)


def host(tensor: torch.Tensor) -> torch.Tensor:
    """A result's values on the CPU, detached, for reading (the model that made them may sit on any device)."""
    return tensor.detach().cpu()
