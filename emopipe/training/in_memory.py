"""The loop for small models trained in memory on the CPU in seconds (the label mapper and its
per-direction baselines, the word encoder's MLP, EACL's stage-2 anchors): no checkpoints, no
schedule, no autocast; the dev-best epoch's weights are kept in memory and loaded at the end, with
the same selection rule as `fit` (`better`). Their time counts to the cost ledger's training and
evaluation phases like `fit`'s; they train on vectors, not tokens, so they add no trained tokens.

One intra-op thread: these models' matrices (a batch of 64 by 128 wide) are too small to split, and
every extra thread adds a synchronisation per operation, which turns into waiting when another
training step holds the cores (as it does when the label mapper runs beside the text models in
`make run`): one label-mapper epoch took 107 s with torch's default two threads beside a training
step and 17 s with one (benchmarks/small_models.py measures both, alone)."""

from __future__ import annotations

import contextlib
import copy
import math
from collections.abc import Callable, Iterable, Iterator

import torch

from emopipe.training import cost
from emopipe.training.loop import better


def fit_in_memory(
    module: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    batches: Callable[[int], Iterable],
    loss_fn: Callable[[object], torch.Tensor],
    dev_fn: Callable[[], float],
    score_name: str = "dev_score",
    log_epoch: Callable[[int, float, float], None] | None = None,
    threads: int = 1,
) -> tuple[float, list[dict]]:
    """Train `module` for `epochs`: `batches(epoch)` gives the epoch's batches (indices, in order),
    `loss_fn(batch)` one step's loss, `dev_fn()` the dev score after each epoch (in eval mode, no
    gradients). Returns the best dev score and the history (`epoch`, `train_loss`, `score_name`);
    the best epoch's weights are loaded back into `module`, left in eval mode. Runs on `threads`
    intra-op threads (see the module's docstring), torch's setting restored after."""
    with intra_op_threads(threads):
        return _fit(module, optimizer, epochs, batches, loss_fn, dev_fn, score_name, log_epoch)


@contextlib.contextmanager
def intra_op_threads(n: int) -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _fit(module, optimizer, epochs, batches, loss_fn, dev_fn, score_name, log_epoch) -> tuple[float, list[dict]]:
    best_state, best_score, history = None, -math.inf, []
    for epoch in range(epochs):
        module.train()
        total, steps = 0.0, 0
        with cost.phase("training"):
            for batch in batches(epoch):
                loss = loss_fn(batch)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                total, steps = total + loss.item(), steps + 1
        module.eval()
        with torch.no_grad(), cost.phase("evaluation"):
            score = dev_fn()
        history.append({"epoch": epoch, "train_loss": total / max(steps, 1), score_name: score})
        if better(score, best_score, best_state is None):
            best_state, best_score = copy.deepcopy(module.state_dict()), score
        if log_epoch is not None:
            log_epoch(epoch, total / max(steps, 1), score)
    if best_state is not None:
        module.load_state_dict(best_state)
    module.eval()
    return best_score, history
