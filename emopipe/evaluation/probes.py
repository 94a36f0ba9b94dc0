"""Downstream checks of a sentence encoder: a probe on frozen embeddings, scored by accuracy and binary
F1 (the retrofitting paper's SST-2 and sarcasm tasks). The probe is a k-nearest-neighbour classifier
(cosine distance), as the paper evaluates sentiment, or a logistic regression."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.neighbors import KNeighborsClassifier


def binary_scores(prefix: str, y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    name = f"{prefix}_" if prefix else ""
    return {f"{name}accuracy": float(accuracy_score(y_true, y_pred)), f"{name}f1": float(f1_score(y_true, y_pred, zero_division=0))}


PROBES = ("knn", "logistic")


def probe_scores(prefix: str, train_x: np.ndarray, train_y: np.ndarray, eval_x: np.ndarray, eval_y: np.ndarray,
                 probe: str = "knn", neighbours: int = 5) -> dict[str, float]:
    if probe not in PROBES:
        raise ValueError(f"unknown probe {probe!r}; expected one of {PROBES}")
    model = (KNeighborsClassifier(n_neighbors=min(neighbours, len(train_y)), metric="cosine") if probe == "knn"
             else LogisticRegression(max_iter=2000, C=1.0))
    return binary_scores(prefix, eval_y, model.fit(train_x, train_y).predict(eval_x))


def mean_and_std(prefix: str, runs: list[dict[str, float]]) -> dict[str, float]:
    """`<prefix>_<metric>_mean` and `_std` over seeds (population std, as numpy)."""
    out = {}
    for key in runs[0]:
        values = np.array([r[key] for r in runs], dtype=float)
        out[f"{prefix}_{key}_mean"], out[f"{prefix}_{key}_std"] = float(values.mean()), float(values.std())
    return out
