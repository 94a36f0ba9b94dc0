"""Back from VAD to labels ("Dimension is All You Need?"): the nearest label point (1-NN), or an
RBF SVM fitted on predicted training VADs (reference: `SVC(C=10, gamma=3.5)`)."""

from __future__ import annotations

import numpy as np
from sklearn.svm import SVC


def nearest_label(pred: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Label id of the nearest point (Euclidean) for each predicted VAD row."""
    return np.linalg.norm(pred[:, None, :] - points[None, :, :], axis=2).argmin(axis=1)


def fit_svm(pred_train: np.ndarray, labels: np.ndarray, c: float = 10.0, gamma: float = 3.5) -> SVC:
    return SVC(C=c, gamma=gamma).fit(pred_train, labels)
