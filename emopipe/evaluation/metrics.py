"""Classification metrics with scikit-learn, named as MLflow logs them (`<split>_<metric>`)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score


def classification_metrics(split: str, y_true: np.ndarray, y_pred: np.ndarray, names: list[str]) -> dict[str, float]:
    labels = list(range(len(names)))
    per_class = f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    return {
        f"{split}_accuracy": float(accuracy_score(y_true, y_pred)),
        f"{split}_macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        f"{split}_weighted_f1": float(f1_score(y_true, y_pred, labels=labels, average="weighted", zero_division=0)),
        **{f"{split}_f1_{name}": float(v) for name, v in zip(names, per_class, strict=True)},
    }


def vad_errors(split: str, pred: np.ndarray, target: np.ndarray) -> dict[str, float]:
    return {f"{split}_vad_mae": float(np.abs(pred - target).mean()), f"{split}_vad_mse": float(((pred - target) ** 2).mean())}


def confusion(y_true: np.ndarray, y_pred: np.ndarray, n: int) -> np.ndarray:
    return confusion_matrix(y_true, y_pred, labels=list(range(n)))


def multilabel_metrics(split: str, y_true: np.ndarray, predicted: np.ndarray, names: list[str]) -> dict[str, float]:
    """Multi-label predictions (0/1 per label) scored as GoEmotions' own evaluation does (the VAD paper's
    reference code, `compute_metrics_classification`): accuracy is exact match of the 0/1 rows (a row
    with no label, or with a second one, is wrong), F1 is per label column, macro and weighted over the
    labels. `y_true` holds one label index per row (the single-label subset)."""
    gold = np.eye(len(names), dtype=int)[y_true]
    per_label = f1_score(gold, predicted, average=None, zero_division=0)
    return {
        f"{split}_accuracy": float(accuracy_score(gold, predicted)),
        f"{split}_macro_f1": float(f1_score(gold, predicted, average="macro", zero_division=0)),
        f"{split}_weighted_f1": float(f1_score(gold, predicted, average="weighted", zero_division=0)),
        f"{split}_no_label_rate": float((predicted.sum(1) == 0).mean()),
        **{f"{split}_f1_{name}": float(v) for name, v in zip(names, per_label, strict=True)},
    }
