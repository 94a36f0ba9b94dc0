"""Few-shot fine-tuning of an encoder on a binary task: n examples per class drawn with a seed, the
whole encoder plus a linear head trained with cross-entropy, scored on the task's evaluation split.

There is no dev split in a few-shot setting, so the last epoch is kept; the number of epochs grows
for the smallest sets so every size gets at least `min_steps` optimizer steps (16 per class is one
batch per epoch otherwise).

A run is deterministic in its inputs (the encoder's weights, the draw, the settings, the code), so its
scores are remembered by them (`training.remembered`): the base encoder's 18 runs are computed once,
not again each time the retrofitted encoder is retrained."""

from __future__ import annotations

import math

import polars as pl
import torch

from emopipe.evaluation import probes
from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.retrofitting.options import FewShotOptions
from emopipe.training.batching import tokenize
from emopipe.training.encoders import load_encoder
from emopipe.training.inference import predict
from emopipe.training.loop import FitConfig, fit
from emopipe.training.remembered import model_digest, remembered_scores, rows_digest, source_digest
from emopipe.training.token_cache import token_ids, tokenizer_fingerprint


def sample_per_class(train: pl.DataFrame, n: int, seed: int) -> pl.DataFrame:
    """n rows of each label (all of a label's rows when it has fewer), shuffled, reproducible by seed."""
    parts = [rows.sample(min(n, rows.height), seed=seed) for _, rows in train.group_by("label", maintain_order=True)]
    return pl.concat(parts).sample(fraction=1.0, shuffle=True, seed=seed)


def few_shot_run(encoder_path: str, train: pl.DataFrame, evaluate: pl.DataFrame, n: int, seed: int, options: FewShotOptions,
                 max_length: int, bf16: bool, pooling: str = "mean") -> dict[str, float]:
    """Accuracy and F1 on `evaluate` after fine-tuning a fresh copy of the encoder on n examples per class."""
    shots = sample_per_class(train, n, seed)
    encoder, tokenizer, _ = load_encoder(encoder_path)
    torch.manual_seed(seed)
    model = TextModel(encoder, TextModelConfig("classifier", encoder.config.hidden_size, 2, pooling=pooling))
    parts = (model_digest(model), tokenizer_fingerprint(tokenizer), rows_digest(shots.select("text", "label")),
             rows_digest(evaluate.select("text", "label")), repr(options), f"{n}:{seed}:{max_length}:{bf16}",
             source_digest(few_shot_run, fit, probes.binary_scores))
    return remembered_scores(parts, lambda: _fine_tune_and_score(model, tokenizer, encoder_path, shots, evaluate, n, seed,
                                                                  options, max_length, bf16))


def _fine_tune_and_score(model: TextModel, tokenizer, encoder_path: str, shots: pl.DataFrame, evaluate: pl.DataFrame, n: int,
                         seed: int, options: FewShotOptions, max_length: int, bf16: bool) -> dict[str, float]:
    ids = tokenize(tokenizer, shots["text"].to_list(), max_length)  # a few hundred texts: not worth a cache entry
    eval_ids = token_ids(tokenizer, encoder_path, evaluate["text"], max_length)
    y = torch.tensor(shots["label"].cast(pl.Int64).to_numpy())
    steps = math.ceil(len(ids) / options.batch_size)
    config = FitConfig(epochs=max(options.min_epochs, math.ceil(options.min_steps / steps)), batch_size=options.batch_size,
                       learning_rate=options.learning_rate, head_learning_rate=options.head_learning_rate, seed=seed, bf16=bf16,
                       log_every=10_000)

    def loss_fn(m, batch):
        return torch.nn.functional.cross_entropy(m(batch.input_ids, batch.attention_mask), batch["label"])

    fit(model, ids, tokenizer.pad_token_id, loss_fn, None, config, None, {"few_shot": n}, log=lambda s: None, per_example={"label": y})
    logits = predict(model, eval_ids, tokenizer.pad_token_id, 128, bf16=bf16)
    return probes.binary_scores("", evaluate["label"].to_numpy(), logits.argmax(1))
