"""Pictures as PNG bytes (no files, no display): the caller decides where they go."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import polars as pl

_EKMAN_COLOURS = {"anger": "#d62728", "disgust": "#8c564b", "fear": "#9467bd", "joy": "#ff7f0e",
                  "sadness": "#1f77b4", "surprise": "#2ca02c", "neutral": "#7f7f7f"}


def png_bytes(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def label_points_figure(points: pl.DataFrame) -> bytes:
    """Valence-arousal and valence-dominance planes for the raw NRC, quantile-scaled and arbitrary
    points of the 28 labels, coloured by Ekman group."""
    fig, axes = plt.subplots(2, 3, figsize=(15, 9.5), sharex=True, sharey=True)
    colours = [_EKMAN_COLOURS[g] for g in points["ekman_group"]]
    for col, (prefix, title) in enumerate([("nrc", "NRC VAD (raw)"), ("scaled", "quantile-scaled"), ("arbitrary", "arbitrary (ablation)")]):
        for row, other in enumerate(["arousal", "dominance"]):
            ax = axes[row, col]
            x, y = points[f"{prefix}_valence"], points[f"{prefix}_{other}"]
            ax.scatter(x, y, c=colours, s=28)
            for label, xi, yi in zip(points["label"], x, y, strict=True):
                ax.annotate(label, (xi, yi), fontsize=7, xytext=(2, 2), textcoords="offset points")
            ax.set(xlim=(-0.05, 1.08), ylim=(-0.05, 1.08), xlabel="valence" if row else None, ylabel=other)
            if row == 0:
                ax.set_title(title)
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=g) for g, c in _EKMAN_COLOURS.items()]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
    fig.suptitle("GoEmotions labels in VAD space")
    return png_bytes(fig)


def confusion_figure(matrix, names: list[str], title: str) -> bytes:
    """Row-normalised confusion matrix (true label rows, predicted label columns)."""
    import numpy as np

    norm = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(11, 10))
    image = ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(names)), names, rotation=90, fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set(xlabel="predicted", ylabel="true", title=title)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="share of the true label")
    return png_bytes(fig)


def emotion_space_figure(rows: dict[str, np.ndarray], classes: dict[str, str], title: str) -> bytes:
    """2-D PCA of decoder weight rows, one point per `format:variable`, coloured by equivalence
    class (grey when a variable has none): equivalent variables should sit together."""
    import numpy as np
    from sklearn.decomposition import PCA

    names = list(rows)
    xy = PCA(n_components=2, random_state=0).fit_transform(np.stack([rows[n] for n in names]))
    palette = plt.get_cmap("tab20")
    colour_of = {c: palette(i % 20) for i, c in enumerate(sorted(set(classes.values())))}
    fig, ax = plt.subplots(figsize=(11, 9))
    for name, (x, y) in zip(names, xy, strict=True):
        ax.scatter(x, y, s=26, color=colour_of.get(classes.get(name), "#bbbbbb"))
        ax.annotate(name, (x, y), fontsize=6.5, xytext=(2, 2), textcoords="offset points")
    ax.set(title=title, xlabel="PC 1", ylabel="PC 2")
    return png_bytes(fig)


def embedding_projection_figure(panels: dict[str, np.ndarray], groups: list[str], title: str, seed: int = 13) -> bytes:
    """t-SNE of each panel's embeddings (same items in every panel), side by side, coloured by Ekman group."""
    import numpy as np
    from sklearn.manifold import TSNE

    fig, axes = plt.subplots(1, len(panels), figsize=(7 * len(panels), 6.5), squeeze=False)
    colours = [_EKMAN_COLOURS.get(g, "#000000") for g in groups]
    for ax, (name, x) in zip(axes[0], panels.items(), strict=True):
        unit = x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None)
        xy = TSNE(n_components=2, metric="cosine", init="pca", perplexity=min(30.0, (len(x) - 1) / 3), random_state=seed).fit_transform(unit)
        ax.scatter(xy[:, 0], xy[:, 1], c=colours, s=5, alpha=0.7)
        ax.set(title=name, xticks=[], yticks=[])
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=g) for g, c in _EKMAN_COLOURS.items()]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
    fig.suptitle(title)
    return png_bytes(fig)


def anchor_cosine_figure(panels: dict[str, np.ndarray], names: list[str], title: str) -> bytes:
    """Pairwise cosine between emotion anchors, one heat map per panel (e.g. before and after training)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 5), squeeze=False)
    for ax, (name, cosine) in zip(axes[0], panels.items(), strict=True):
        image = ax.imshow(cosine, cmap="RdBu_r", vmin=-1, vmax=1)
        ax.set_xticks(range(len(names)), names, rotation=90, fontsize=8)
        ax.set_yticks(range(len(names)), names, fontsize=8)
        for i in range(len(names)):
            for j in range(len(names)):
                ax.text(j, i, f"{cosine[i, j]:.2f}", ha="center", va="center", fontsize=6)
        ax.set_title(name)
    fig.colorbar(image, ax=axes[0].tolist(), fraction=0.03, pad=0.02, label="cosine")
    fig.suptitle(title)
    return png_bytes(fig)


def scored_corpus_figure(scored: pl.DataFrame, title: str) -> bytes:
    """A scored corpus at a glance: histograms of valence, arousal and dominance, how often each
    label is the top emotion, and for conversations how often each EACL emotion is."""
    conversations = scored["eacl_emotion"].drop_nulls().len() > 0
    fig = plt.figure(figsize=(15, 9.5 if conversations else 8))
    grid = fig.add_gridspec(3 if conversations else 2, 3, height_ratios=[1, 1.4, 1] if conversations else [1, 1.4])
    for col, dimension in enumerate(["valence", "arousal", "dominance"]):
        ax = fig.add_subplot(grid[0, col])
        ax.hist(scored[dimension].to_numpy(), bins=40, color="#4c72b0")
        ax.set(title=dimension, ylabel="texts" if col == 0 else None)
    counts = scored["top_emotion"].cast(pl.String).value_counts(sort=True)
    ax = fig.add_subplot(grid[1, :])
    ax.bar(counts["top_emotion"].to_list(), counts["count"].to_list(), color="#dd8452")
    ax.set(title="top emotion (GoEmotions baseline)", ylabel="texts")
    ax.tick_params(axis="x", rotation=60, labelsize=8)
    if conversations:
        counts = scored["eacl_emotion"].drop_nulls().cast(pl.String).value_counts(sort=True)
        ax = fig.add_subplot(grid[2, :])
        ax.bar(counts["eacl_emotion"].to_list(), counts["count"].to_list(), color="#55a868")
        ax.set(title="emotion in conversation (EACL)", ylabel="turns")
    fig.suptitle(title)
    fig.tight_layout()
    return png_bytes(fig)
