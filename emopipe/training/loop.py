"""The one training loop: device, autocast, seeding, per-epoch checkpoints with resume, model
selection on dev, and progress (examples/s, ETA) to a log callback and a metrics callback.

Each epoch reseeds torch and the batch order from `seed + epoch`, so a run resumed from the
checkpoint of epoch k replays epoch k + 1 exactly as an uninterrupted run would.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from emopipe.code_version import code_version
from emopipe.training import checkpoints, cost, frozen
from emopipe.training.batching import length_grouped_batches, pad
from emopipe.training.device import autocast, grad_scaler, mixed_dtype, pick_device
from emopipe.training.dropout import cheap_dropout
from emopipe.training.optimization import clip_gradients, make_optimizer, make_schedule


@dataclass
class Batch:
    """One training batch, every tensor already on the training device: the padded token ids and
    mask, and the batch's rows of each per-example tensor (`batch["label"]`) and each shared tensor
    given to `fit` by name."""

    idx: np.ndarray  # positions of the batch's examples in the training set
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    tensors: dict[str, torch.Tensor] = field(default_factory=dict)

    def __getitem__(self, name: str) -> torch.Tensor:
        return self.tensors[name]

    def by_length(self, fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], groups: int) -> torch.Tensor:
        """`fn(input_ids, attention_mask)` over the batch, called on `groups` length-sorted groups of
        its rows, each trimmed to its own longest row, and joined back in batch order. Each row's
        output depends on its own tokens only, so this is the whole-batch call with less padding
        computed (dropout draws aside): for losses over a batch that cannot be grouped by length,
        such as a class-balanced contrastive one. The ledger is told what padding was not computed."""
        if groups <= 1:
            return fn(self.input_ids, self.attention_mask)
        lengths = self.attention_mask.sum(1)
        order = torch.argsort(lengths, descending=True, stable=True)
        outputs, computed = [], 0
        for rows in order.tensor_split(min(groups, len(order))):
            width = int(lengths[rows[0]])
            outputs.append(fn(self.input_ids[rows, :width], self.attention_mask[rows, :width]))
            computed += len(rows) * width
        cost.skip_padding(self.attention_mask.numel() - computed)
        return torch.cat(outputs)[torch.argsort(order)]


LossFn = Callable[[torch.nn.Module, Batch], torch.Tensor]
DevFn = Callable[[torch.nn.Module], dict[str, float]]
BatchFn = Callable[[int], Sequence[np.ndarray]]  # epoch -> batches of training indices, deterministic per epoch


@dataclass(frozen=True)
class FitConfig:
    epochs: int
    batch_size: int
    learning_rate: float  # encoder
    head_learning_rate: float
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    seed: int = 13
    bf16: bool = True
    selection_metric: str = "dev_macro_f1"
    log_every: int = 50
    step_gamma: float | None = None  # StepLR: multiply the rates by this after every epoch (EACL's reference); None: warm-up + linear decay
    max_grad_norm: float = 1.0  # gradients are clipped to this total norm
    cache_frozen: bool = True  # frozen lower layers computed once per sequence set (training/frozen.py)


@dataclass
class FitResult:
    best_epoch: int
    best_score: float
    history: list[dict] = field(default_factory=list)
    device: str = "cpu"
    resumed_from: int | None = None


def _changed_since(state: dict, config: FitConfig) -> str | None:
    """Why a saved epoch must not be resumed from (its fit configuration or emopipe's code changed), or None."""
    saved, now = state.get("fit_config", {}), json.loads(json.dumps(asdict(config)))
    differs = [f"{k} {saved.get(k)!r} -> {now[k]!r}" for k in now if saved.get(k) != now[k]]
    if differs:
        return "its fit configuration differs (" + ", ".join(differs) + ")"
    if state.get("code_version") != code_version():
        return f"it was written by other code (code version {state.get('code_version')} -> {code_version()})"
    return None


def better(score: float, best: float, first: bool) -> bool:
    """Dev selection: the first epoch always counts (a tiny dev split may score NaN), then a higher score wins."""
    return first or score > best or (math.isnan(best) and not math.isnan(score))


def fit(
    model: torch.nn.Module,
    train_ids: Sequence[Sequence[int]],
    pad_id: int,
    loss_fn: LossFn,
    dev_fn: DevFn | None,
    config: FitConfig,
    checkpoint_dir: Path | None,
    model_config: dict,
    log: Callable[[str], None] = print,
    log_metrics: Callable[[dict[str, float], int], None] = lambda metrics, step: None,
    device: torch.device | None = None,
    batches: BatchFn | None = None,
    per_example: dict[str, torch.Tensor] | None = None,
    shared: dict[str, torch.Tensor] | None = None,
    companions: Sequence[torch.nn.Module] = (),
) -> FitResult:
    """Train `model` on `train_ids` and return the dev-selected epoch, loaded into `model`.

    `loss_fn(model, batch)` reads the batch's tensors, all placed on the device here: `per_example`
    tensors (one row per training example: labels, targets) are sliced to the batch, `shared` ones
    (a fixed set of label points) are given whole, and `companions` (frozen modules the loss reads,
    such as a frozen decoder) go to the device for training and back to the CPU after.
    `batches` replaces the default length-grouped batches (for example class-balanced ones); it must
    give the same batches for the same epoch, so a resumed run replays them. Without `dev_fn` the
    last epoch is kept; without `checkpoint_dir` (short runs such as few-shot fine-tuning) nothing is
    written and the last epoch is kept in memory, so there is nothing to resume from either."""
    if checkpoint_dir is None and dev_fn is not None:
        raise ValueError("dev selection needs a checkpoint_dir to keep the best epoch in")
    device = device or pick_device()
    model.to(device)
    for module in companions:
        module.to(device)
    per_example = dict(per_example or {})
    shared_on_device = {name: tensor.to(device) for name, tensor in (shared or {}).items()}
    lengths = [len(x) for x in train_ids]
    batches = batches or (lambda epoch: length_grouped_batches(lengths, config.batch_size, seed=config.seed + epoch))
    first = batches(0)
    steps_per_epoch, examples_per_epoch = len(first), sum(len(b) for b in first)
    optimizer = make_optimizer(model, config.learning_rate, config.head_learning_rate, config.weight_decay, device)
    scheduler = make_schedule(optimizer, steps_per_epoch, config.epochs, config.warmup_ratio, config.step_gamma)
    result = FitResult(best_epoch=-1, best_score=-math.inf, device=str(device))
    start_epoch = 0

    latest = checkpoints.latest_epoch(checkpoint_dir) if checkpoint_dir else None
    changed = _changed_since(checkpoints.read_state(latest), config) if latest is not None else None
    if changed:
        log(f"not resuming from {latest}: {changed}; starting fresh")
        checkpoints.clear(checkpoint_dir)
        latest = None
    if latest is not None:
        state = checkpoints.load_epoch(latest, model, optimizer, scheduler)
        model.to(device)
        start_epoch = state["epoch"] + 1
        result.best_epoch, result.best_score, result.history = state["best_epoch"], state["best_score"], state["history"]
        result.resumed_from = state["epoch"]
        if checkpoints.best_epoch_on_disk(checkpoint_dir) != result.best_epoch:  # a best/ of the older layout: rebuild it
            checkpoints.keep_best(checkpoint_dir / f"epoch_{result.best_epoch}", checkpoint_dir)
        log(f"resumed from {latest} (epoch {state['epoch'] + 1} of {config.epochs} done)")

    total_examples = examples_per_epoch * config.epochs
    started, seen_this_run = time.perf_counter(), 0
    dtype = mixed_dtype(device, config.bf16)
    scaler = grad_scaler(device, config.bf16)  # fp16 only; not checkpointed: a resumed fp16 run starts from the default scale
    root = frozen.cache_root() if config.cache_frozen else None
    with frozen.cached_lower_layers(model, train_ids, pad_id, root, device) as depth:
        per_token = cost.flops_per_token(model, frozen.lower_modules(model) if depth else ())
        for epoch in range(start_epoch, config.epochs):
            torch.manual_seed(config.seed + epoch)
            model.train()
            epoch_batches = batches(epoch)
            running, done = 0.0, 0
            with cost.phase("training", device):
                for step, idx in enumerate(epoch_batches):
                    input_ids, mask = pad([train_ids[i] for i in idx], pad_id)
                    cost.add_trained(int(mask.sum()), mask.numel(), len(idx), per_token, dtype, device)
                    rows = torch.as_tensor(idx)
                    batch = Batch(idx, input_ids.to(device), mask.to(device),
                                  {**{name: tensor[rows].to(device) for name, tensor in per_example.items()}, **shared_on_device})
                    with autocast(device, config.bf16), cheap_dropout(device):
                        loss = loss_fn(model, batch)
                    optimizer.zero_grad(set_to_none=True)
                    scaler.scale(loss).backward()
                    scaler.unscale_(optimizer)
                    clip_gradients(model, config.max_grad_norm)
                    scaler.step(optimizer)
                    scaler.update()
                    scheduler.step()
                    running += loss.item()
                    seen_this_run += len(idx)
                    done += len(idx)
                    global_step = epoch * steps_per_epoch + step + 1
                    if (step + 1) % config.log_every == 0 or step + 1 == len(epoch_batches):
                        elapsed = time.perf_counter() - started
                        rate = seen_this_run / elapsed
                        remaining = total_examples - (epoch * examples_per_epoch + done)
                        log(f"epoch {epoch + 1}/{config.epochs} step {step + 1}/{len(epoch_batches)} loss {running / (step + 1):.4f} "
                            f"{rate:.1f} examples/s, ETA {remaining / max(rate, 1e-9) / 60:.1f} min (training only)")
                        log_metrics({"train_loss": running / (step + 1), "train_examples_per_s": rate}, global_step)

            model.eval()
            with torch.no_grad(), cost.phase("evaluation", device):
                dev = dev_fn(model) if dev_fn else {config.selection_metric: float(epoch)}  # no dev: the last epoch wins
            score = dev[config.selection_metric]
            improved = better(score, result.best_score, result.best_epoch < 0)
            if improved:
                result.best_epoch, result.best_score = epoch, score
            result.history.append({"epoch": epoch, "train_loss": running / max(1, len(epoch_batches)), **dev})
            # Per-epoch figures get their own names: `dev_macro_f1` & co. are the selected figures, logged once by the caller.
            log_metrics({**{f"epoch_{k}": v for k, v in dev.items()}, "epoch_train_loss": running / max(1, len(epoch_batches))},
                        (epoch + 1) * steps_per_epoch)
            if checkpoint_dir is not None:
                folder = checkpoint_dir / f"epoch_{epoch}"
                checkpoints.save_epoch(folder, model, optimizer, scheduler, model_config)
                if improved:
                    checkpoints.keep_best(folder, checkpoint_dir)
                checkpoints.mark_done(folder, {"epoch": epoch, "best_epoch": result.best_epoch, "best_score": result.best_score,
                                               "history": result.history, "fit_config": asdict(config), "code_version": code_version()})
            log(f"epoch {epoch + 1}: {config.selection_metric} {score:.4f}{' (best so far)' if improved else ''}")

    if checkpoint_dir is not None:
        checkpoints.load_weights(model, checkpoint_dir / "best")
        model.to(device)
    for module in companions:
        module.cpu()
    return result
