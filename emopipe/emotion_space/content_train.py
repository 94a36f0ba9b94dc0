"""Training the content encoders into the frozen emotion space: the word encoder's MLP on fixed word
features (in memory, seconds) and a text encoder fine-tuned through the one training loop, each
selected on its dev correlation."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from emopipe.emotion_space.content_encoder import ContentEncoder, Target, score, target_loss
from emopipe.emotion_space.model import EmotionSpace, mapping_ffn
from emopipe.training.in_memory import fit_in_memory
from emopipe.training.inference import predict
from emopipe.training.loop import FitConfig, fit


def train_word_head(features: dict[str, np.ndarray], target: dict[str, Target], space: EmotionSpace, epochs: int,
                    learning_rate: float, batch_size: int, seed: int, log: Callable[[str], None] = print) -> tuple[nn.Module, list[dict]]:
    """The word encoder's MLP on fixed word features; the epoch with the best dev r is kept."""
    torch.manual_seed(seed)
    head = mapping_ffn(features["train"].shape[1], space.size)
    optimizer = torch.optim.Adam(head.parameters(), lr=learning_rate)
    x = {s: torch.as_tensor(f, dtype=torch.float32) for s, f in features.items()}
    gold = torch.as_tensor(target["train"].values, dtype=torch.float32)
    generator = torch.Generator().manual_seed(seed)
    best, history = fit_in_memory(
        head, optimizer, epochs, lambda epoch: torch.randperm(len(x["train"]), generator=generator).split(batch_size),
        lambda idx: target_loss(space, target["train"], head(x["train"][idx]), gold[idx]),
        lambda: score(space, target["dev"].fmt, head(x["dev"]).numpy(), target["dev"].values), score_name="dev_word_vad_mean_r")
    log(f"word encoder: best dev r {best:.4f} of {epochs} epochs")
    return head, history


def train_text_encoder(model: ContentEncoder, ids: dict[str, list], pad_id: int, target: dict[str, Target], space: EmotionSpace,
                       config: FitConfig, checkpoint_dir: Path, model_config: dict, inference_batch_size: int,
                       log: Callable[[str], None] = print, log_metrics=lambda metrics, step: None):
    """Fine-tune encoder and MLP through the frozen decoders; select the epoch on dev r. The space
    trains beside the model on its device; dev points are read through a CPU copy of it."""
    reader = copy.deepcopy(space)

    def loss_fn(m, batch):
        return target_loss(space, target["train"], m(batch.input_ids, batch.attention_mask), batch["gold"])

    def dev_fn(m):
        z = predict(m, ids["dev"], pad_id, inference_batch_size, bf16=config.bf16)
        return {config.selection_metric: score(reader, target["dev"].fmt, z, target["dev"].values)}

    return fit(model, ids["train"], pad_id, loss_fn, dev_fn, config, checkpoint_dir, model_config, log=log, log_metrics=log_metrics,
               per_example={"gold": torch.as_tensor(target["train"].values, dtype=torch.float32)}, companions=[space])
