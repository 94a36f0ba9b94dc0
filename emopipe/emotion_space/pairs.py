"""The long label-mapping table as tensors: per pair and split, the items' values in both formats,
columns in each format's variable order."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import torch

from emopipe.labels.formats import FORMATS


@dataclass(frozen=True)
class PairSplit:
    pair_id: str
    left: str  # format names, as in the pair id <left>__<right>
    right: str
    items: list[str]
    x_left: torch.Tensor  # (n, k_left)
    x_right: torch.Tensor  # (n, k_right)

    def __len__(self) -> int:
        return len(self.items)


def _wide(rows: pl.DataFrame, fmt: str) -> pl.DataFrame:
    variables = list(FORMATS[fmt].variables)
    wide = rows.filter(pl.col("format") == fmt).pivot(on="variable", index="item", values="value", on_columns=variables)
    return wide.select("item", *variables)


def pair_splits(table: pl.DataFrame, split: str) -> dict[str, PairSplit]:
    """Every pair's items of one split, sorted by item (deterministic batches)."""
    table = table.with_columns(pl.col("format").cast(pl.String), pl.col("split").cast(pl.String))
    out = {}
    for pair_id in sorted(table["pair_id"].unique().to_list()):
        left, right = pair_id.split("__")
        rows = table.filter((pl.col("pair_id") == pair_id) & (pl.col("split") == split))
        joined = _wide(rows, left).join(_wide(rows, right), on="item", how="inner", suffix="__right").sort("item")
        if joined.null_count().sum_horizontal().item():
            raise ValueError(f"label_mapping_datasets: pair {pair_id} ({split}) has items missing a variable")
        k = len(FORMATS[left].variables)
        values = joined.drop("item").to_torch(dtype=pl.Float32)
        out[pair_id] = PairSplit(pair_id, left, right, joined["item"].to_list(), values[:, :k], values[:, k:])
    return out
