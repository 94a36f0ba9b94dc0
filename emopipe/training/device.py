"""Device and precision: CUDA (bf16 autocast), Apple MPS, else CPU. The one place a device is chosen."""

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


def autocast(device: torch.device, bf16: bool):
    """bf16 autocast when asked for, on CUDA and on CPUs with native bf16; full precision elsewhere.
    Weights and optimizer state stay float32 either way (mixed precision)."""
    if bf16 and device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    if bf16 and device.type == "cpu" and cpu_has_fast_bf16():
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def host(tensor: torch.Tensor) -> torch.Tensor:
    """A result's values on the CPU, detached, for reading (the model that made them may sit on any device)."""
    return tensor.detach().cpu()
