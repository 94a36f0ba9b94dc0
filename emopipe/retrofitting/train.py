"""Retrofit an encoder for emotions ("Retrofitting Light-weight Language Models for Emotions using
Supervised Contrastive Learning", arXiv 2310.18930): the encoder's mean-pooled sentence embedding
goes through a projection head to 64-d, trained with a supervised contrastive loss on GoEmotions
single-label train, plus lambda x the MSE between the embedding and a frozen copy's.

No reference code is public; where the paper is silent we chose, and each choice is config
(`options.RetrofitOptions`):
- temperature 0.1 (Khosla et al.'s value for SupCon at moderate batch sizes);
- an MLP projection head (Linear-ReLU-Linear, as SimCLR and SupCon; `projection: linear` by config);
- lambda 10: the raw MSE between MiniLM sentence embeddings is ~0.007 at the start (dropout alone)
  while SupCon is near 3.7, so lambda 1 would make preservation vanish; with 10 the retrofitted
  space drifts a quarter as far as without preservation (README: 0.08 vs 0.35 mean 1 - cos);
- batches of m = 4 items from each of batch_size / 4 classes (pytorch-metric-learning's
  `MPerClassSampler`), so every anchor has positives and rare emotions are seen as often as neutral.
The frozen copy's embeddings are computed once, in eval mode, before training, for every item the
sampler will draw: the same numbers a frozen copy run beside the encoder would give, at a fraction
of the cost (remembered by content, so the next run with the same encoder and draw reads them back;
with lambda = 0 they are not computed at all). The updated encoder runs in train mode (dropout), as fine-tuning does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from emopipe.losses.preservation import preservation_loss
from emopipe.losses.supervised_contrastive import supervised_contrastive_loss
from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.retrofitting.options import RetrofitBudget, RetrofitOptions
from emopipe.training.encoders import freeze_lower, load_encoder
from emopipe.training.loop import FitConfig, FitResult, fit
from emopipe.training.remembered import remembered_predict


def class_balanced_batches(labels: np.ndarray, m: int, batch_size: int, examples: int, seed: int) -> list[np.ndarray]:
    """Batches of `m` items from each of `batch_size // m` classes, from `MPerClassSampler`, seeded so a
    resumed epoch replays the same batches (the sampler draws from pml's module-level numpy RNG)."""
    from pytorch_metric_learning.samplers import MPerClassSampler
    from pytorch_metric_learning.utils import common_functions

    if batch_size % m:
        raise ValueError(f"batch_size {batch_size} must be a multiple of m_per_class {m}")
    classes = len(np.unique(labels))
    if classes * m < batch_size:
        raise ValueError(f"{classes} classes x m_per_class {m} cannot fill a batch of {batch_size}")
    saved = common_functions.NUMPY_RANDOM
    common_functions.NUMPY_RANDOM = np.random.RandomState(seed)
    try:
        order = np.fromiter(MPerClassSampler(labels, m, batch_size=batch_size, length_before_new_iter=max(examples, batch_size)), int)
    finally:
        common_functions.NUMPY_RANDOM = saved
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def build_retrofit_model(encoder_spec: str, options: RetrofitOptions, frozen_layers: int = 0, seed: int = 13, pooling: str = "mean"):
    """The encoder with a fresh projection head, initialised from `seed` (not from whatever random
    state the process is in, so a variant trains the same alone or after other models)."""
    encoder, tokenizer, encoder_path = load_encoder(encoder_spec)
    torch.manual_seed(seed)
    freeze_lower(encoder, frozen_layers)
    config = TextModelConfig(f"{options.projection}_projection", encoder.config.hidden_size, options.projection_dim, pooling=pooling)
    return TextModel(encoder, config), tokenizer, encoder_path


def retrofit(model: TextModel, train_ids: list[list[int]], train_labels: np.ndarray, pad_id: int, budget: RetrofitBudget,
             options: RetrofitOptions, dev_fn, checkpoint_dir: Path, model_config: dict, seed: int = 13,
             log: Callable[[str], None] = print, log_metrics=lambda metrics, step: None) -> FitResult:
    """Train `model` in place (dev-selected epoch loaded back); `dev_fn` scores it on dev."""
    examples = budget.examples_per_epoch or len(train_ids)

    def batches(epoch: int) -> list[np.ndarray]:
        return class_balanced_batches(train_labels, options.m_per_class, budget.batch_size, examples, seed + epoch)

    per_example = {"label": torch.tensor(train_labels)}  # a copy: the labels arrive read-only from Arrow
    if options.preservation_weight:
        drawn = np.unique(np.concatenate([np.concatenate(batches(e)) for e in range(options.epochs)]))
        log(f"frozen-copy embeddings for the {len(drawn)} training items the sampler draws")
        frozen = np.zeros((len(train_ids), model.config.hidden_size), dtype=np.float32)
        frozen[drawn] = remembered_predict(model, [train_ids[i] for i in drawn], pad_id, budget.inference_batch_size, bf16=budget.bf16,
                                           fn="embed")
        per_example["frozen"] = torch.from_numpy(frozen)

    def loss_fn(m, batch):
        embedding = batch.by_length(m.embed, budget.length_groups)  # class-balanced batches: 47% padding in one piece
        contrastive = supervised_contrastive_loss(m.head_of(embedding), batch["label"], options.temperature)
        if options.preservation_weight == 0:
            return contrastive
        return contrastive + options.preservation_weight * preservation_loss(embedding, batch["frozen"])

    fit_config = FitConfig(epochs=options.epochs, batch_size=budget.batch_size, learning_rate=budget.learning_rate,
                           head_learning_rate=budget.head_learning_rate, seed=seed, bf16=budget.bf16,
                           selection_metric="dev_map_at_r")
    return fit(model, train_ids, pad_id, loss_fn, dev_fn, fit_config, checkpoint_dir, model_config | {"retrofit": asdict(options)},
               log=log, log_metrics=log_metrics, batches=batches, per_example=per_example)
