"""Mapping quality per direction: mean Pearson r over the target's variables for dimensional
targets, mean F1 over its variables for binary and categorical ones."""

from __future__ import annotations

import numpy as np

from emopipe.labels.formats import FORMATS

MIN_TEST_ITEMS = 10  # directions with fewer test items (the 28 label words split 80/10/10) are reported, not averaged


def pearson(pred: np.ndarray, gold: np.ndarray) -> float:
    if pred.std() == 0 or gold.std() == 0:
        return float("nan")
    return float(np.corrcoef(pred, gold)[0, 1])


def f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred * gold).sum())
    denominator = float(pred.sum() + gold.sum())
    return 2 * tp / denominator if denominator else float("nan")


def variable_scores(target: str, pred: np.ndarray, gold: np.ndarray) -> list[float]:
    """r (dimensional targets) or F1 per variable of the target format; NaN where `gold` does not vary."""
    score = pearson if FORMATS[target].kind == "dimensional" else f1
    if len(gold) < 2:
        return [float("nan")] * gold.shape[1]
    return [score(pred[:, j], gold[:, j]) if gold[:, j].std() > 0 else float("nan") for j in range(gold.shape[1])]


def direction_score(target: str, pred: np.ndarray, gold: np.ndarray) -> tuple[str, float]:
    """("r", mean r) or ("f1", mean F1) over the target format's variables that vary in `gold`."""
    kind = "r" if FORMATS[target].kind == "dimensional" else "f1"
    values = [v for v in variable_scores(target, pred, gold) if not np.isnan(v)]
    return kind, float(np.mean(values)) if values else float("nan")


def summarize(scores: dict[str, tuple[str, float, int]], prefix: str = "") -> dict[str, float]:
    """`{direction: (kind, value, n_test)}` -> one metric per direction and the two means."""
    out = {f"{prefix}map_{d}_{kind}": value for d, (kind, value, _) in scores.items()}
    for kind in ("r", "f1"):
        kept = [v for k, v, n in scores.values() if k == kind and n >= MIN_TEST_ITEMS and not np.isnan(v)]
        out[f"{prefix}mapping_mean_{kind}"] = float(np.mean(kept)) if kept else float("nan")
    return out
