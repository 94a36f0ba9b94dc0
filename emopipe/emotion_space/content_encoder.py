"""Content encoders into the frozen emotion space (Buechel et al., step two): a word or a text goes
to a 100-d point, and the label mapper's frozen decoders read that point in any format.

Both encoders end in the label encoders' own MLP (k -> 128 -> 128 -> 100). The word encoder reads
the pretrained encoder's mean-pooled state of the word alone (the reference uses FastText vectors,
which we do not have offline) and only its MLP trains. The text encoder fine-tunes the pretrained
encoder with its MLP. Losses go through frozen decoders only; emotion-label augmentation adds, per
batch, the mapper's translation of each gold label into another format as a second target
(`augment`), so that format's decoder constrains the point too. Training is in `content_train.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from emopipe.emotion_space.metrics import direction_score, variable_scores
from emopipe.emotion_space.model import SPACE_SIZE, EmotionSpace, mapping_ffn, readout, reconstruction_loss
from emopipe.labels.formats import FORMATS
from emopipe.models.text_models import encode


class ContentEncoder(nn.Module):
    """pretrained encoder -> pooled state -> head (the label encoders' MLP, or one linear layer) -> emotion space."""

    def __init__(self, encoder: nn.Module, hidden_size: int, size: int = SPACE_SIZE, pooling: str = "mean", head: str = "mlp"):
        super().__init__()
        self.encoder, self.pooling = encoder, pooling
        self.head = mapping_ffn(hidden_size, size) if head == "mlp" else nn.Sequential(nn.Dropout(0.1), nn.Linear(hidden_size, size))

    def embed(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return encode(self.encoder, input_ids, attention_mask, self.pooling)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(input_ids, attention_mask).float())


@dataclass(frozen=True)
class Target:
    """What a content encoder learns from: gold labels in `fmt`, plus, with `augment`, the mapper's
    translation of them into `augment` (weighted `augment_weight`)."""

    fmt: str
    values: np.ndarray
    augment: str | None = None
    augment_weight: float = 1.0


def frozen(space: EmotionSpace) -> EmotionSpace:
    space.eval()
    space.requires_grad_(False)
    return space


def target_loss(space: EmotionSpace, target: Target, z: torch.Tensor, gold: torch.Tensor) -> torch.Tensor:
    """The loss of points `z` against `gold`, the batch's rows of `target.values` on the harmonized
    scale (same device as `z`); both are compared on the space's scale."""
    z, gold = z.float(), space.to_space(target.fmt, gold)
    loss = reconstruction_loss(target.fmt, space.decode(target.fmt, z), gold)
    if target.augment:
        with torch.no_grad():  # on the fly: the frozen mapper turns each gold label into the other format
            mapped = space.decode(target.augment, space.encode(target.fmt, gold))
        loss = loss + target.augment_weight * reconstruction_loss(target.augment, space.decode(target.augment, z), mapped)
    return loss


def read(space: EmotionSpace, fmt: str, z: np.ndarray) -> np.ndarray:
    """Points -> label values in `fmt` on the harmonized scale (0/1 for binary and categorical formats)."""
    with torch.no_grad():
        output = space.decode(fmt, torch.as_tensor(z, dtype=torch.float32))
        return (space.from_space(fmt, output) if FORMATS[fmt].kind == "dimensional" else readout(fmt, output)).numpy()


BASIC5 = ("joy", "anger", "sadness", "fear", "disgust")  # the paper's BE5: the six basic emotions but surprise
GROUP_NAMES = {"basic6": "six basic emotions", "basic5": "BE5 (no surprise)", "valence": "valence"}


def semeval_figures(space: EmotionSpace, z: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    """Points read as semeval_be6: mean r over the six basic emotions, over the paper's five (BE5),
    and valence's r on its own."""
    variables = FORMATS["semeval_be6"].variables
    per_variable = dict(zip(variables, variable_scores("semeval_be6", read(space, "semeval_be6", z), gold), strict=True))
    groups = {"basic6": [v for v in variables if v != "valence"], "basic5": list(BASIC5), "valence": ["valence"]}
    return {group: _mean([per_variable[v] for v in members]) for group, members in groups.items()}


def _mean(values: list[float]) -> float:
    kept = [v for v in values if not np.isnan(v)]
    return float(np.mean(kept)) if kept else float("nan")


def score(space: EmotionSpace, fmt: str, z: np.ndarray, gold: np.ndarray) -> float:
    if len(gold) < 2:  # a tiny split: nothing to correlate
        return float("nan")
    return direction_score(fmt, read(space, fmt, z), gold)[1]
