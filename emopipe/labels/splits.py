"""Deterministic, seeded train/dev/test assignment by item."""

from __future__ import annotations

import numpy as np
import polars as pl

SPLIT_FRACTIONS = {"train": 0.8, "dev": 0.1, "test": 0.1}


def split_items(items: pl.Series, seed: int, fractions: dict[str, float] = SPLIT_FRACTIONS) -> pl.DataFrame:
    """Assign each distinct item one split. The same items and seed always give the same splits:
    the items are sorted before a seeded permutation, so input order does not matter."""
    unique = items.unique().sort()
    order = np.random.default_rng(seed).permutation(len(unique))
    bounds = np.cumsum([0.0, *fractions.values()]) * len(unique)
    names = np.array(list(fractions))
    split = names[np.searchsorted(bounds[1:], np.arange(len(unique)), side="right").clip(0, len(names) - 1)]
    return pl.DataFrame({items.name: unique.gather(order), "split": split})
