"""Back from VAD to labels ("Dimension is All You Need?"): the nearest label point (1-NN), or an
RBF SVM fitted on predicted training VADs (reference: `SVC(C=10, gamma=3.5)`).

The fitted SVM travels with the served model as plain arrays (`RbfSvm`, saved as safetensors),
not as a pickle; `RbfSvm.predict` replays libsvm's one-vs-one vote and matches `SVC.predict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.svm import SVC


def nearest_label(pred: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Label id of the nearest point (Euclidean) for each predicted VAD row."""
    return np.linalg.norm(pred[:, None, :] - points[None, :, :], axis=2).argmin(axis=1)


def fit_svm(pred_train: np.ndarray, labels: np.ndarray, c: float = 10.0, gamma: float = 3.5) -> SVC:
    return SVC(C=c, gamma=gamma).fit(pred_train, labels)


@dataclass(frozen=True)
class RbfSvm:
    """A fitted multi-class RBF `SVC` as arrays: support vectors grouped by class, their dual
    coefficients, one intercept per class pair, and the class ids."""

    support_vectors: np.ndarray  # (n_sv, d)
    dual_coef: np.ndarray  # (n_classes - 1, n_sv)
    intercept: np.ndarray  # (n_classes * (n_classes - 1) / 2,)
    n_support: np.ndarray  # (n_classes,)
    classes: np.ndarray  # (n_classes,)
    gamma: np.ndarray  # (1,)

    @classmethod
    def from_sklearn(cls, svm: SVC) -> RbfSvm:
        if svm.kernel != "rbf" or not isinstance(svm.gamma, float):
            raise ValueError("RbfSvm holds an SVC with kernel='rbf' and a numeric gamma")
        return cls(svm.support_vectors_.astype(np.float64), svm.dual_coef_.astype(np.float64), svm.intercept_.astype(np.float64),
                   svm.n_support_.astype(np.int64), svm.classes_.astype(np.int64), np.full(1, svm.gamma, dtype=np.float64))

    def decision(self, x: np.ndarray, batch: int = 4096) -> np.ndarray:
        """One-vs-one decision values, (n, n_pairs), in libsvm's pair order (0,1), (0,2), ..., (1,2), ..."""
        x = np.asarray(x, dtype=np.float64)
        starts = np.concatenate([[0], np.cumsum(self.n_support)])
        k = len(self.classes)
        out = []
        for lo in range(0, len(x), batch):
            chunk = x[lo : lo + batch]
            sq = ((chunk[:, None, :] - self.support_vectors[None, :, :]) ** 2).sum(-1)
            kernel = np.exp(-self.gamma.item() * sq)  # (b, n_sv)
            values = []
            for i in range(k):
                for j in range(i + 1, k):
                    si, sj = slice(starts[i], starts[i + 1]), slice(starts[j], starts[j + 1])
                    values.append(kernel[:, si] @ self.dual_coef[j - 1, si] + kernel[:, sj] @ self.dual_coef[i, sj])
            out.append(np.stack(values, axis=1) + self.intercept)
        return np.concatenate(out) if out else np.zeros((0, k * (k - 1) // 2))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """libsvm's vote: a positive pair value votes for the first class, otherwise the second; the first most-voted class wins."""
        k = len(self.classes)
        dec = self.decision(x)
        votes = np.zeros((len(dec), k), dtype=np.int64)
        p = 0
        for i in range(k):
            for j in range(i + 1, k):
                votes[:, i] += dec[:, p] > 0
                votes[:, j] += dec[:, p] <= 0
                p += 1
        return self.classes[votes.argmax(1)]

    def save(self, path: Path) -> None:
        from safetensors.numpy import save_file

        from emopipe.atomic import atomic_path

        with atomic_path(path) as tmp:
            save_file({k: np.ascontiguousarray(v) for k, v in self.__dict__.items()}, str(tmp))

    @classmethod
    def load(cls, path: Path) -> RbfSvm:
        from safetensors.numpy import load_file

        if not path.is_file():
            raise FileNotFoundError(f"SVM back-classifier file {path} is missing")
        return cls(**load_file(str(path)))
