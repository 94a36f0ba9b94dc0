"""Profiles: `smoke` (tiny random BERT, tiny budgets: tests and a one-minute graph), `cpu` (the
default: MiniLM-L6 sized for a 2-core machine) and `gpu` (the papers' own settings, bf16).
`EMOPIPE_PROFILE` picks one; a run records the profile's name and every value it used.
`EMOPIPE_ENCODER` (base | retrofitted | a Hugging Face name or path) replaces every profile's encoder;
it is read when the definitions load, so `retrofitted` also puts `retrofitted_plm` upstream of every
model that trains an encoder."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace


@dataclass(frozen=True)
class Profile:
    name: str
    encoder: str
    epochs: int
    max_length: int
    batch_size: int
    learning_rate: float
    head_learning_rate: float
    train_limit: int | None  # training budget: at most this many training examples per epoch (seeded subset)
    eval_limit: int | None  # at most this many dev/test examples (None: all; the real test split in cpu and gpu)
    svm_fit_limit: int | None  # training predictions the SVM back-classifier is fitted on (None: all, as the paper)
    inference_batch_size: int = 128
    frozen_layers: int = 0  # embeddings + this many lowest transformer layers stay fixed (0: fine-tune all)
    bf16: bool = True

    def to_dict(self) -> dict:
        return asdict(self)


PROFILES = {
    "smoke": Profile("smoke", "tiny-random-bert", epochs=2, max_length=32, batch_size=16, learning_rate=5e-3,
                     head_learning_rate=1e-2, train_limit=400, eval_limit=200, svm_fit_limit=400),
    "cpu": Profile("cpu", "base", epochs=3, max_length=64, batch_size=32, learning_rate=8e-5, head_learning_rate=1e-3,
                   train_limit=None, eval_limit=None, svm_fit_limit=None),
    "gpu": Profile("gpu", "bert-base-cased", epochs=10, max_length=50, batch_size=16, learning_rate=5e-5,
                   head_learning_rate=5e-5, train_limit=None, eval_limit=None, svm_fit_limit=None),
}


def encoder_override() -> str | None:
    return os.environ.get("EMOPIPE_ENCODER") or None


def active_profile(name: str | None = None, **overrides) -> Profile:
    name = name or os.environ.get("EMOPIPE_PROFILE", "cpu")
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}; EMOPIPE_PROFILE must be one of {sorted(PROFILES)}")
    if overrides.get("encoder") is None and encoder_override():
        overrides["encoder"] = encoder_override()
    return replace(PROFILES[name], **{k: v for k, v in overrides.items() if v is not None})
