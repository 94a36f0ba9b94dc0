"""Where a model's time goes: trained tokens and examples, wall time of training, evaluation and the
rest, and the training rate beside the machine's matrix-multiply rate measured in the same process.

One `Ledger` is open per model run (`train_and_register` opens it); the training loop and `predict`
write to it through `phase()` and `add_trained()` (and `skip_padding()`, when a batch is forwarded in
trimmed parts), so no method has to pass it around. Time counts to
the outermost open phase only: a dev evaluation's `predict` inside the training loop's
"evaluation" phase is not counted twice, and a few-shot fine-tune run as part of an evaluation
counts as training (it is training: its tokens are trained tokens).

FLOPs per trained token follow the usual 2 per weight forward and 4 more backward: a linear layer of
N weights costs 6N per token when it trains and 2N when it is frozen (frozen layers sit below the
trained ones, so no gradient flows through them). It is an estimate: the attention scores (4 x length
x width per layer, about 5% at 64 tokens for MiniLM) are left out, while the head and the pooler,
applied once per text, are counted once per token; at MiniLM's lengths the two roughly cancel.

The ceiling, the machine's matrix-multiply rate, is sampled while training runs (a quarter-second
product at the first training batch a minute or more after the last sample, its time left out of
the phase) and once after: a shared or throttled machine changes speed within a run, and a rate
measured only after training compares the loop with a machine it did not run on. The figures give the mean, lowest and highest.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import torch

CEILING_EVERY = 60.0  # seconds at least between two samples of the matmul rate (taken at a training batch)
CEILING_SAMPLE = 0.25  # seconds each sample measures

_LEDGER: contextvars.ContextVar[Ledger | None] = contextvars.ContextVar("emopipe_cost_ledger", default=None)


@dataclass
class Ledger:
    started: float = field(default_factory=time.perf_counter)
    ended: float | None = None  # set by `close`: what comes after (measuring the machine) is not the run's time
    seconds: dict[str, float] = field(default_factory=lambda: {"training": 0.0, "evaluation": 0.0})
    trained_tokens: int = 0  # real (unpadded) tokens of every training example, every epoch
    padded_tokens: int = 0  # tokens as batched, padding included
    trained_examples: int = 0
    train_flops: float = 0.0  # matmul FLOPs of the trained tokens (see the module's docstring)
    dtype: torch.dtype | None = None  # the autocast dtype training ran under (None: float32)
    device: str = "cpu"  # where training ran
    ceilings: list[float] = field(default_factory=list)  # matmul GFLOP/s sampled during training
    _per_token: float = 0.0  # FLOPs per token of the last training batch
    _open: str | None = None
    _paused: float = 0.0  # seconds spent sampling the ceiling, left out of the phase they fell in
    _last_sample: float = field(default_factory=time.perf_counter)

    def close(self) -> None:
        self.ended = time.perf_counter()

    @property
    def precision(self) -> str:
        return str(self.dtype or torch.float32).removeprefix("torch.")

    def figures(self, matmul_gflops: float | None = None) -> dict[str, float]:
        """The run's cost as metric name -> value (logged with the run as `cost_*`); `matmul_gflops`,
        the rate measured after the run, joins the samples taken during training."""
        wall = (self.ended or time.perf_counter()) - self.started
        train, evaluation = self.seconds["training"], self.seconds["evaluation"]
        out = {"cost_trained_tokens": float(self.trained_tokens), "cost_padded_tokens": float(self.padded_tokens),
               "cost_trained_examples": float(self.trained_examples), "cost_wall_seconds": wall,
               "cost_train_seconds": train, "cost_eval_seconds": evaluation,
               "cost_other_seconds": max(0.0, wall - train - evaluation)}
        if self.device.startswith("cuda"):
            out["cost_peak_gpu_memory_gb"] = torch.cuda.max_memory_allocated() / 2**30
        if train > 0 and self.trained_tokens:  # a model trained on vectors alone (the label mapper) has no token rate
            out["cost_train_tokens_per_s"] = self.trained_tokens / train
            out["cost_train_gflops"] = self.train_flops / train / 1e9
            ceilings = self.ceilings + ([matmul_gflops] if matmul_gflops else [])
            if ceilings:
                out["cost_matmul_gflops"] = sum(ceilings) / len(ceilings)
                out["cost_matmul_gflops_min"], out["cost_matmul_gflops_max"] = min(ceilings), max(ceilings)
                out["cost_matmul_samples"] = float(len(ceilings))
                out["cost_train_matmul_fraction"] = out["cost_train_gflops"] / out["cost_matmul_gflops"]
        return out


@contextlib.contextmanager
def ledger() -> Iterator[Ledger]:
    """Account for everything trained and evaluated inside the block (in this thread or task)."""
    book = Ledger()
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()  # the peak of this model's run, not of an earlier one in the same process
    token = _LEDGER.set(book)
    try:
        yield book
    finally:
        _LEDGER.reset(token)


@contextlib.contextmanager
def phase(name: str, device: torch.device | None = None) -> Iterator[None]:
    """Time the block as `name` ("training" or "evaluation") unless a phase is already open."""
    book = _LEDGER.get()
    if book is None or book._open is not None:
        yield
        return
    book._open, started, paused = name, time.perf_counter(), book._paused
    try:
        yield
    finally:
        if device is not None and device.type == "cuda":
            torch.cuda.synchronize(device)
        book.seconds[name] = book.seconds.get(name, 0.0) + time.perf_counter() - started - (book._paused - paused)
        book._open = None


def add_trained(real_tokens: int, padded_tokens: int, examples: int, flops_per_token: float, dtype: torch.dtype | None,
                device: torch.device) -> None:
    """One training batch: its real and padded token counts and examples, costed per padded token
    (padding is computed like any token)."""
    book = _LEDGER.get()
    if book is None:
        return
    book.trained_tokens += real_tokens
    book.padded_tokens += padded_tokens
    book.trained_examples += examples
    book.train_flops += flops_per_token * padded_tokens
    book.dtype, book.device, book._per_token = dtype or book.dtype, str(device), flops_per_token
    if time.perf_counter() - book._last_sample >= CEILING_EVERY:
        _sample_ceiling(book, dtype or torch.float32, device)


def _sample_ceiling(book: Ledger, dtype: torch.dtype, device: torch.device) -> None:
    """The matmul rate now, between two training batches; the time it takes is not training's."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)  # the batches queued so far are training's time, not the sample's
    started = time.perf_counter()
    book.ceilings.append(matmul_gflops(dtype, device, seconds=CEILING_SAMPLE))
    book._last_sample = time.perf_counter()
    book._paused += book._last_sample - started


def skip_padding(tokens: int) -> None:
    """The last training batch was forwarded in trimmed parts: `tokens` of the padding `add_trained`
    counted were never computed."""
    book = _LEDGER.get()
    if book is None or not torch.is_grad_enabled():
        return
    book.padded_tokens -= tokens
    book.train_flops -= book._per_token * tokens


def flops_per_token(model: torch.nn.Module, skipped: Sequence[torch.nn.Module] = ()) -> float:
    """Training matmul FLOPs per token: 6 per trained linear weight, 2 per frozen one, none for the
    weights inside `skipped` (frozen layers whose output comes from a cache)."""
    total, skip = 0.0, {id(m) for part in skipped for m in part.modules()}
    for module in model.modules():
        if isinstance(module, torch.nn.Linear) and id(module) not in skip:
            total += (6 if module.weight.requires_grad else 2) * module.weight.numel()
    return total


def matmul_gflops(dtype: torch.dtype = torch.float32, device: torch.device | None = None, size: int | None = None,
                  seconds: float = 1.0) -> float:
    """This machine's dense matrix-multiply rate in GFLOP/s at `dtype`, measured now (about `seconds`,
    after a warm-up product): the ceiling a training loop's rate is compared with. On a GPU the
    matrices are larger (4096) and the device is synchronised once per batch of products, so launch
    overhead does not hide the rate."""
    device = device or torch.device("cpu")
    cuda = device.type == "cuda"
    size = size or (4096 if cuda else 1024)
    a = torch.randn(size, size, device=device, dtype=dtype)
    b = torch.randn(size, size, device=device, dtype=dtype)
    torch.mm(a, b)
    if cuda:
        torch.cuda.synchronize(device)
    done, per_batch, started = 0, 16 if cuda else 1, time.perf_counter()
    while True:
        for _ in range(per_batch):
            torch.mm(a, b)
        done += per_batch
        if cuda:
            torch.cuda.synchronize(device)
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return 2 * size**3 * done / elapsed / 1e9


def summary(figures: dict[str, float], device: str = "cpu", precision: str = "float32") -> str:
    """One line for the log: the run's time by phase and its training rate."""
    minutes = {k: figures[f"cost_{k}_seconds"] / 60 for k in ("wall", "train", "eval", "other")}
    line = (f"cost ({device}, {precision}): {minutes['wall']:.1f} min = training {minutes['train']:.1f} + evaluation "
            f"{minutes['eval']:.1f} + other {minutes['other']:.1f}; "
            f"{figures['cost_trained_tokens']:,.0f} tokens of {figures['cost_trained_examples']:,.0f} examples trained")
    if "cost_train_tokens_per_s" in figures:
        line += f" at {figures['cost_train_tokens_per_s']:,.0f} tokens/s, {figures['cost_train_gflops']:.1f} GFLOP/s"
    if "cost_train_matmul_fraction" in figures:
        line += (f" ({figures['cost_train_matmul_fraction']:.0%} of this machine's {figures['cost_matmul_gflops']:.0f} GFLOP/s matmul, "
                 f"{figures['cost_matmul_gflops_min']:.0f}-{figures['cost_matmul_gflops_max']:.0f} over "
                 f"{figures['cost_matmul_samples']:.0f} samples)")
    return line
