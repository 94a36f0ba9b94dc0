"""Train and evaluate the two GoEmotions models on the single-label subset: the cross-entropy
baseline and the VAD regressor with its back-classifiers ("Dimension is All You Need?").

Differences from the paper, on purpose: the default encoder is MiniLM-L6 with mean pooling (the
paper: BERT-base-cased, [CLS]), and the cpu profile trains three epochs with max length 64 (the
paper: 10 epochs, max length 50); the gpu profile carries the paper's settings.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import torch
import torch.nn.functional as F

from data_contracts.vocab import VAD
from emopipe.evaluation.metrics import classification_metrics, confusion, vad_errors
from emopipe.losses.vad_regression import vad_loss
from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.models.vad_classifiers import RbfSvm, fit_svm, nearest_label
from emopipe.training.encoders import freeze_lower, load_encoder
from emopipe.training.loop import FitConfig, fit, predict
from emopipe.training.profiles import Profile
from emopipe.training.token_cache import token_ids

MAPPERS = {"nrc": "nrc_", "nrc_scaled": "scaled_", "arbitrary": "arbitrary_"}


@dataclass(frozen=True)
class VadOptions:
    mapper: str = "nrc_scaled"  # nrc | nrc_scaled | arbitrary
    loss: str = "mae"  # mae | mse | mae_ce
    ce_weight: float = 0.1
    classifier: str = "svm"  # the back-classifier whose figures are test_accuracy / test_macro_f1


@dataclass
class TrainedModel:
    model: TextModel
    tokenizer: object
    encoder_path: str
    label_names: list[str]
    metrics: dict[str, float]
    confusion: np.ndarray
    points: np.ndarray | None = None
    svm: RbfSvm | None = None  # the VAD model's SVM back-classifier, served beside the weights
    history: list[dict] = field(default_factory=list)
    config: dict = field(default_factory=dict)


def _subset(table: pl.DataFrame, split: str, limit: int | None, seed: int) -> pl.DataFrame:
    rows = table.filter((pl.col("split") == split) & pl.col("is_single_label"))
    return rows.sample(limit, seed=seed) if limit is not None and rows.height > limit else rows


def points_of(points: pl.DataFrame, mapper: str) -> np.ndarray:
    if mapper not in MAPPERS:
        raise ValueError(f"unknown mapper {mapper!r}; expected one of {sorted(MAPPERS)}")
    return points.sort("label_id").select([f"{MAPPERS[mapper]}{v}" for v in VAD]).to_numpy()


def train_goemotions_model(
    kind: str,
    goemotions_vad: pl.DataFrame,
    label_points: pl.DataFrame,
    profile: Profile,
    checkpoint_dir: Path,
    vad: VadOptions = VadOptions(),
    seed: int = 13,
    log: Callable[[str], None] = print,
    log_metrics: Callable[[dict, int], None] = lambda m, s: None,
) -> TrainedModel:
    """`kind` is "baseline" or "vad"; returns the dev-selected model and its test metrics."""
    names = label_points.sort("label_id")["label"].cast(pl.String).to_list()
    train = _subset(goemotions_vad, "train", profile.train_limit, seed)
    dev, test = (_subset(goemotions_vad, s, profile.eval_limit, seed) for s in ("dev", "test"))
    encoder, tokenizer, encoder_path = load_encoder(profile.encoder)
    ids = {name: token_ids(tokenizer, encoder_path, part["text"], profile.max_length)
           for name, part in (("train", train), ("dev", dev), ("test", test))}
    labels = {name: part["label_id"].cast(pl.Int64).to_numpy() for name, part in (("train", train), ("dev", dev), ("test", test))}
    pad_id = tokenizer.pad_token_id
    points = torch.tensor(points_of(label_points, vad.mapper), dtype=torch.float32) if kind == "vad" else None
    config = TextModelConfig("classifier" if kind == "baseline" else "vad_regressor", encoder.config.hidden_size,
                             len(names) if kind == "baseline" else 3)
    torch.manual_seed(seed)
    freeze_lower(encoder, profile.frozen_layers)
    model = TextModel(encoder, config)
    y_train = torch.tensor(labels["train"])
    if kind == "vad":
        targets = torch.as_tensor(points.numpy()[labels["train"]])

        def loss_fn(m, idx, x, mask):
            pred = m(x, mask)
            return vad_loss(vad.loss, pred, targets[idx].to(pred.device), y_train[idx].to(pred.device), points.to(pred.device), vad.ce_weight)

        def dev_fn(m):
            pred = predict(m, ids["dev"], pad_id, profile.inference_batch_size, bf16=profile.bf16)
            return classification_metrics("dev", labels["dev"], nearest_label(pred, points.numpy()), names) | {"dev_vad_mae": float(
                np.abs(pred - points.numpy()[labels["dev"]]).mean())}
    elif kind == "baseline":
        def loss_fn(m, idx, x, mask):
            return F.cross_entropy(m(x, mask), y_train[idx].to(x.device))

        def dev_fn(m):
            logits = predict(m, ids["dev"], pad_id, profile.inference_batch_size, bf16=profile.bf16)
            return classification_metrics("dev", labels["dev"], logits.argmax(1), names)
    else:
        raise ValueError(f"unknown GoEmotions model kind {kind!r}")

    fit_config = FitConfig(epochs=profile.epochs, batch_size=profile.batch_size, learning_rate=profile.learning_rate,
                           head_learning_rate=profile.head_learning_rate, seed=seed, bf16=profile.bf16)
    model_config = {"model": config.to_dict(), "encoder": profile.encoder, "encoder_path": encoder_path, "labels": names,
                    "profile": profile.to_dict(), "seed": seed, "kind": kind}
    if kind == "vad":
        model_config |= {"vad": vad.__dict__, "points": points.tolist()}
    result = fit(model, ids["train"], pad_id, loss_fn, dev_fn, fit_config, checkpoint_dir, model_config, log=log, log_metrics=log_metrics)
    log(f"best epoch {result.best_epoch + 1} (dev_macro_f1 {result.best_score:.4f}) on {result.device}; evaluating on test")

    metrics = {f"best_{k}": v for k, v in result.history[result.best_epoch].items() if k.startswith("dev_")}
    metrics["dev_macro_f1"] = result.best_score
    run = functools.partial(predict, model, pad_id=pad_id, batch_size=profile.inference_batch_size, bf16=profile.bf16)
    svm = None
    if kind == "baseline":
        test_metrics, y_pred = _evaluate_baseline(run, ids, labels, names)
    else:
        test_metrics, y_pred, svm = _evaluate_vad(run, ids, labels, names, points.numpy(), vad.classifier, profile.svm_fit_limit)
    metrics |= test_metrics
    return TrainedModel(model, tokenizer, encoder_path, names, metrics, confusion(labels["test"], y_pred, len(names)),
                        points.numpy() if points is not None else None, svm, result.history, model_config)


def _evaluate_baseline(run, ids, labels, names) -> tuple[dict, np.ndarray]:
    y_pred = run(ids["test"]).argmax(1)
    return classification_metrics("test", labels["test"], y_pred, names), y_pred


def _evaluate_vad(run, ids, labels, names, points: np.ndarray, classifier: str, svm_fit_limit: int) -> tuple[dict, np.ndarray, RbfSvm]:
    """Test metrics for both back-classifiers (`test_1nn_*`, `test_svm_*`), the chosen one's as
    `test_*`; the SVM is fitted on the first `svm_fit_limit` predicted training points (all when None,
    as the paper). With the SVM chosen, its dev macro-F1 becomes `dev_macro_f1`, the figure the
    champion rule compares."""
    out, dev_pred = run(ids["test"]), run(ids["dev"])
    fit_ids = ids["train"][:svm_fit_limit]
    train_pred = run(fit_ids)
    svm = fit_svm(train_pred, labels["train"][: len(fit_ids)])
    by_classifier = {"1nn": nearest_label(out, points), "svm": svm.predict(out)}
    metrics = {}
    for name, pred in by_classifier.items():
        metrics |= {k.replace("test_", f"test_{name}_"): v for k, v in
                    classification_metrics("test", labels["test"], pred, names).items() if not k.startswith("test_f1_")}
    metrics["dev_svm_macro_f1"] = classification_metrics("dev", labels["dev"], svm.predict(dev_pred), names)["dev_macro_f1"]
    y_pred = by_classifier[classifier]
    metrics |= classification_metrics("test", labels["test"], y_pred, names)
    metrics |= vad_errors("test", out, points[labels["test"]])
    metrics["train_valence_median"] = float(np.median(train_pred[:, 0]))
    if classifier == "svm":
        metrics["dev_macro_f1"] = metrics["dev_svm_macro_f1"]
    return metrics, y_pred, RbfSvm.from_sklearn(svm)


def valence_sentiment_accuracy(trained: TrainedModel, texts: list[str], labels: np.ndarray, profile: Profile) -> float:
    """Zero-shot sentiment: predicted valence above the train-set median means positive."""
    ids = token_ids(trained.tokenizer, trained.encoder_path, pl.Series(texts), profile.max_length)
    valence = predict(trained.model, ids, trained.tokenizer.pad_token_id, profile.inference_batch_size, bf16=profile.bf16)[:, 0]
    return float(((valence > trained.metrics["train_valence_median"]).astype(int) == labels).mean())
