"""Content encoders into the frozen emotion space (Buechel et al., step two): a word or a text goes
to a 100-d point, and the label mapper's frozen decoders read that point in any format.

Both encoders end in the label encoders' own MLP (k -> 128 -> 128 -> 100). The word encoder reads
the pretrained encoder's mean-pooled state of the word alone (the reference uses FastText vectors,
which we do not have offline) and only its MLP trains. The text encoder fine-tunes the pretrained
encoder with its MLP, through the shared training loop. Losses go through frozen decoders only;
emotion-label augmentation adds, per batch, the mapper's translation of each gold label into
another format as a second target (`augment`), so that format's decoder constrains the point too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from emopipe.emotion_space.metrics import direction_score
from emopipe.emotion_space.model import SPACE_SIZE, EmotionSpace, mapping_ffn, readout, reconstruction_loss
from emopipe.models.text_models import pool
from emopipe.training.loop import FitConfig, better, fit, predict


class ContentEncoder(nn.Module):
    """pretrained encoder -> mean-pooled state -> MLP -> emotion space."""

    def __init__(self, encoder: nn.Module, hidden_size: int, size: int = SPACE_SIZE):
        super().__init__()
        self.encoder, self.head = encoder, mapping_ffn(hidden_size, size)

    def embed(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return pool(hidden, attention_mask, "mean")

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


def target_loss(space: EmotionSpace, target: Target, z: torch.Tensor, idx) -> torch.Tensor:
    gold = torch.as_tensor(target.values[idx], dtype=torch.float32, device=z.device)
    space.to(z.device)
    z = z.float()
    loss = reconstruction_loss(target.fmt, space.decode(target.fmt, z), gold)
    if target.augment:
        with torch.no_grad():  # on the fly: the frozen mapper turns each gold label into the other format
            mapped = space.decode(target.augment, space.encode(target.fmt, gold))
        loss = loss + target.augment_weight * reconstruction_loss(target.augment, space.decode(target.augment, z), mapped)
    return loss


def read(space: EmotionSpace, fmt: str, z: np.ndarray) -> np.ndarray:
    """Points -> label values in `fmt` (0/1 for binary and categorical formats)."""
    with torch.no_grad():
        return readout(fmt, space.cpu().decode(fmt, torch.as_tensor(z, dtype=torch.float32))).numpy()


def score(space: EmotionSpace, fmt: str, z: np.ndarray, gold: np.ndarray) -> float:
    if len(gold) < 2:  # a tiny split: nothing to correlate
        return float("nan")
    return direction_score(fmt, read(space, fmt, z), gold)[1]


def train_word_head(features: dict[str, np.ndarray], target: dict[str, Target], space: EmotionSpace, epochs: int,
                    learning_rate: float, batch_size: int, seed: int, log: Callable[[str], None] = print) -> tuple[nn.Module, list[dict]]:
    """The word encoder's MLP on fixed word features; the epoch with the best dev r is kept."""
    torch.manual_seed(seed)
    head = mapping_ffn(features["train"].shape[1], space.size)
    optimizer = torch.optim.Adam(head.parameters(), lr=learning_rate)
    x = {s: torch.as_tensor(f, dtype=torch.float32) for s, f in features.items()}
    generator = torch.Generator().manual_seed(seed)
    best, best_state, history = -np.inf, None, []
    for epoch in range(epochs):
        head.train()
        for idx in torch.randperm(len(x["train"]), generator=generator).split(batch_size):
            loss = target_loss(space, target["train"], head(x["train"][idx]), idx.numpy())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        head.eval()
        with torch.no_grad():
            dev = score(space, target["dev"].fmt, head(x["dev"]).numpy(), target["dev"].values)
        history.append({"epoch": epoch, "dev_word_vad_mean_r": dev})
        if better(dev, best, best_state is None):
            best, best_state = dev, {k: v.clone() for k, v in head.state_dict().items()}
    head.load_state_dict(best_state)
    log(f"word encoder: best dev r {best:.4f} of {epochs} epochs")
    return head.eval(), history


def train_text_encoder(model: ContentEncoder, ids: dict[str, list], pad_id: int, target: dict[str, Target], space: EmotionSpace,
                       config: FitConfig, checkpoint_dir: Path, model_config: dict, inference_batch_size: int,
                       log: Callable[[str], None] = print, log_metrics=lambda metrics, step: None):
    """Fine-tune encoder and MLP through the frozen decoders; select the epoch on dev r."""
    def loss_fn(m, idx, x, mask):
        return target_loss(space, target["train"], m(x, mask), idx)

    def dev_fn(m):
        z = predict(m, ids["dev"], pad_id, inference_batch_size, bf16=config.bf16)
        return {config.selection_metric: score(space, target["dev"].fmt, z, target["dev"].values)}

    return fit(model, ids["train"], pad_id, loss_fn, dev_fn, config, checkpoint_dir, model_config, log=log, log_metrics=log_metrics)
