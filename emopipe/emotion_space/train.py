"""Training the multi-way label mapper: every label-mapping pair at once, with autoencoding, both
mapping directions, MSE between an item's two embeddings and soft parameter sharing; and the
per-direction MLP baseline it is compared with.

Differences from the reference code (JULIELab/emotion-embeddings), on purpose: the reference adds
the sharing term unweighted (its configured weight is never read, so the weight is in effect 1);
here `weights.sharing` weights it (default 1, the same) and `sharing = 0` ablates it. The reference
draws each batch from one pair chosen at random; here one step takes a batch from every pair.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from emopipe.emotion_space.equivalences import EQUIVALENCES
from emopipe.emotion_space.metrics import direction_score
from emopipe.emotion_space.model import EmotionSpace, mapping_ffn, readout, reconstruction_loss, sharing_loss
from emopipe.emotion_space.pairs import PairSplit
from emopipe.training.in_memory import fit_in_memory


@dataclass(frozen=True)
class LossWeights:
    autoencode: float = 1.0
    mapping: float = 1.0
    embedding: float = 1.0
    sharing: float = 1.0


@dataclass(frozen=True)
class MappingConfig:
    epochs: int = 20
    batch_size: int = 64
    learning_rate: float = 1e-3
    seed: int = 13
    weights: LossWeights = field(default_factory=LossWeights)
    bipolar: bool = True  # valence, arousal, dominance on [-1, 1] inside the space, as the reference


def directions(splits: dict[str, PairSplit]) -> list[tuple[str, str, str]]:
    """(pair_id, source format, target format), both ways for every pair."""
    return [(p.pair_id, a, b) for p in splits.values() for a, b in ((p.left, p.right), (p.right, p.left))]


def _values(split: PairSplit, fmt: str) -> torch.Tensor:
    return split.x_left if fmt == split.left else split.x_right


def _batches(n: int, batch_size: int, steps: int, rng: np.random.Generator) -> list[np.ndarray]:
    """`steps` batches over n items, reshuffled whenever the items run out (small pairs cycle)."""
    out, order = [], np.array([], dtype=np.int64)
    for _ in range(steps):
        if len(order) < min(batch_size, n):
            order = np.concatenate([order, rng.permutation(n)])
        out.append(order[:batch_size])
        order = order[batch_size:]
    return out


def pair_loss(space: EmotionSpace, split: PairSplit, idx: np.ndarray, weights: LossWeights) -> torch.Tensor:
    a, b = split.x_left[idx], split.x_right[idx]
    ea, eb = space.encode(split.left, a), space.encode(split.right, b)
    loss = weights.autoencode * (reconstruction_loss(split.left, space.decode(split.left, ea), a)
                                 + reconstruction_loss(split.right, space.decode(split.right, eb), b))
    loss = loss + weights.mapping * (reconstruction_loss(split.right, space.decode(split.right, ea), b)
                                     + reconstruction_loss(split.left, space.decode(split.left, eb), a))
    return loss + weights.embedding * torch.nn.functional.mse_loss(ea, eb)


@torch.no_grad()
def _score(map_fn: Callable[[tuple[str, str, str], torch.Tensor], torch.Tensor], splits: dict[str, PairSplit],
           which: list[tuple[str, str, str]]) -> dict[str, tuple[str, float, int]]:
    """`{"<source>_to_<target>": (kind, value, n items)}` for each (pair, source, target) in `which`."""
    out = {}
    for pair_id, source, target in which:
        split = splits[pair_id]
        pred = readout(target, map_fn((pair_id, source, target), _values(split, source)))
        kind, value = direction_score(target, pred.numpy(), _values(split, target).numpy())
        out[f"{source}_to_{target}"] = (kind, value, len(split))
    return out


def in_space(space: EmotionSpace, splits: dict[str, PairSplit]) -> dict[str, PairSplit]:
    """The splits' harmonized values on the space's scale (bipolar variables on [-1, 1])."""
    return {pid: replace(s, x_left=space.to_space(s.left, s.x_left), x_right=space.to_space(s.right, s.x_right))
            for pid, s in splits.items()}


def score_space(space: EmotionSpace, splits: dict[str, PairSplit]) -> dict[str, tuple[str, float, int]]:
    """Every direction's r or F1 on harmonized `splits` (r is the same on either scale)."""
    space.eval()
    return _score(lambda d, x: space.decode(d[2], space.encode(d[1], x)), in_space(space, splits), directions(splits))


def score_baselines(models: dict[tuple[str, str, str], torch.nn.Module], splits: dict[str, PairSplit]) -> dict[str, tuple[str, float, int]]:
    return _score(lambda d, x: models[d](x), splits, list(models))


def _selection(scores: dict[str, tuple[str, float, int]]) -> float:
    """Dev figure for model selection: the mean of the given directions' r or F1 (never test)."""
    values = [v for _, v, _ in scores.values() if not math.isnan(v)]
    return float(np.mean(values)) if values else -math.inf


def train_space(train: dict[str, PairSplit], dev: dict[str, PairSplit], config: MappingConfig,
                equivalences=EQUIVALENCES, log: Callable[[str], None] = print,
                log_epoch: Callable[[int, float, float], None] | None = None) -> tuple[EmotionSpace, list[dict]]:
    """The dev-selected space and its per-epoch history (train loss, dev selection score). `dev` holds
    the pairs selection averages over (those whose test figures the means report)."""
    torch.manual_seed(config.seed)
    formats = sorted({f for s in train.values() for f in (s.left, s.right)})
    space = EmotionSpace(formats, bipolar=config.bipolar)
    train = in_space(space, train)
    optimizer = torch.optim.Adam(space.parameters(), lr=config.learning_rate)
    rng = np.random.default_rng(config.seed)
    steps = max(math.ceil(len(s) / config.batch_size) for s in train.values())

    def batches(epoch: int) -> range:
        plans.update({pid: _batches(len(s), config.batch_size, steps, rng) for pid, s in train.items()})
        return range(steps)

    def loss_fn(step: int) -> torch.Tensor:
        loss = sum(pair_loss(space, s, plans[pid][step], config.weights) for pid, s in train.items()) / len(train)
        return loss + config.weights.sharing * sharing_loss(space, equivalences) if config.weights.sharing else loss

    def epoch_done(epoch: int, loss: float, score: float) -> None:
        log(f"label mapper epoch {epoch + 1}/{config.epochs}: loss {loss:.4f}, dev mean r/F1 {score:.4f}")
        if log_epoch is not None:
            log_epoch(epoch, loss, score)

    plans: dict[str, list[np.ndarray]] = {}
    _, history = fit_in_memory(space, optimizer, config.epochs, batches, loss_fn, lambda: _selection(score_space(space, dev)),
                               score_name="dev_selection", log_epoch=epoch_done)
    return space, history


def train_direct_baseline(train: PairSplit, dev: PairSplit, source: str, target: str, config: MappingConfig) -> torch.nn.Module:
    """The per-direction baseline: one MLP (the encoder's shape, k_source -> 128 -> 128 -> k_target)
    trained on that direction alone, same epochs, batch size and learning rate, dev-selected."""
    torch.manual_seed(config.seed)
    x, y = _values(train, source), _values(train, target)
    model = mapping_ffn(x.shape[1], y.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    rng = np.random.default_rng(config.seed)
    steps = math.ceil(len(train) / config.batch_size)

    def dev_score() -> float:
        _, score = direction_score(target, readout(target, model(_values(dev, source))).numpy(), _values(dev, target).numpy())
        return -math.inf if math.isnan(score) else score

    fit_in_memory(model, optimizer, config.epochs, lambda epoch: _batches(len(train), config.batch_size, steps, rng),
                  lambda idx: reconstruction_loss(target, model(x[idx]), y[idx]), dev_score)
    return model
