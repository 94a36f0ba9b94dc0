"""How emotion-aware a sentence-embedding space is, and how far it moved: the retrofitting paper's
measures. Clustering: k-means with k = number of classes on L2-normalised embeddings, scored by
AMI, ARI and Fowlkes-Mallows. Retrieval: every test item queries all the others by cosine
similarity (pytorch-metric-learning's AccuracyCalculator; its faiss default is replaced by an
exact cosine kNN): MRR, precision@1 and MAP@R. Drift: mean (1 - cosine) between two encoders'
embeddings of the same sentences."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, fowlkes_mallows_score


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None)


def clustering_scores(split: str, embeddings: np.ndarray, labels: np.ndarray, seed: int = 13) -> dict[str, float]:
    k = len(np.unique(labels))
    found = KMeans(n_clusters=k, n_init=5, random_state=seed).fit_predict(_unit(embeddings))
    return {f"{split}_ami": float(adjusted_mutual_info_score(labels, found)),
            f"{split}_ari": float(adjusted_rand_score(labels, found)),
            f"{split}_fms": float(fowlkes_mallows_score(labels, found))}


def retrieval_scores(split: str, embeddings: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    from pytorch_metric_learning.distances import CosineSimilarity
    from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator
    from pytorch_metric_learning.utils.inference import CustomKNN

    calculator = AccuracyCalculator(include=("mean_reciprocal_rank", "precision_at_1", "mean_average_precision_at_r"),
                                    k="max_bin_count", knn_func=CustomKNN(CosineSimilarity()))
    scores = calculator.get_accuracy(torch.tensor(embeddings, dtype=torch.float32), torch.tensor(labels))  # copies: inputs may be read-only
    return {f"{split}_mrr": float(scores["mean_reciprocal_rank"]), f"{split}_p_at_1": float(scores["precision_at_1"]),
            f"{split}_map_at_r": float(scores["mean_average_precision_at_r"])}


def embedding_drift(base: np.ndarray, other: np.ndarray) -> float:
    """Mean (1 - cosine) between row i of `base` and row i of `other` (the paper's delta-emb)."""
    if base.shape != other.shape:
        raise ValueError(f"drift needs embeddings of the same sentences: shapes {base.shape} and {other.shape}")
    return float(np.mean(1.0 - np.sum(_unit(base) * _unit(other), axis=1)))
