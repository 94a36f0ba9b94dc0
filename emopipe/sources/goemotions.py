"""GoEmotions (Demszky et al., 2020), the "simplified" splits: `text \\t label_ids \\t comment_id`.

Texts that start with a quote use CSV-style quoting (`"Lol ""weed"", I love it"`); they are
unquoted the way Python's csv module does, vectorized.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from emopipe.sources.errors import SourceFormatError
from emopipe.sources.textio import read_lines, read_text, split_fields

SPLITS = ("train", "dev", "test")
N_LABELS = 28


def read_label_names(path: Path) -> list[str]:
    names = [n.strip() for n in read_text(path).split("\n") if n.strip()]
    if len(names) != N_LABELS or len(set(names)) != N_LABELS:
        raise SourceFormatError(path, f"expected {N_LABELS} distinct label names, found {len(names)}")
    return names


def read_groups(path: Path, names: list[str]) -> dict[str, str]:
    """A grouping JSON ({group: [label, ...]}) as label -> group; every non-neutral label exactly once."""
    try:
        groups = json.loads(read_text(path))
    except json.JSONDecodeError as err:
        raise SourceFormatError(path, f"not valid JSON: {err.msg}", line=err.lineno) from None
    by_label = {label: group for group, labels in groups.items() for label in labels}
    expected = set(names) - {"neutral"}
    if set(by_label) != expected:
        raise SourceFormatError(path, f"groups must cover the 27 non-neutral labels once; differs on "
                                      f"{sorted(set(by_label) ^ expected)}")
    return by_label


def _unquote(text: pl.Expr) -> pl.Expr:
    quoted = text.str.starts_with('"') & text.str.ends_with('"') & (text.str.len_chars() >= 2)
    return pl.when(quoted).then(text.str.slice(1, text.str.len_chars() - 2).str.replace_all('""', '"', literal=True)).otherwise(text)


def read_split(path: Path, split: str, names: list[str]) -> pl.DataFrame:
    fields = split_fields(path, read_lines(path), ["text", "label_ids", "comment_id"])
    ids = fields.with_columns(pl.col("label_ids").str.split(",").list.eval(pl.element().str.strip_chars().cast(pl.Int64, strict=False)))
    bad = ids.filter(
        pl.col("label_ids").list.eval(pl.element().is_null() | (pl.element() < 0) | (pl.element() >= N_LABELS)).list.any()
        | (pl.col("comment_id").str.strip_chars() == "")
    )
    if bad.height:
        row = fields.filter(pl.col("line") == bad["line"][0]).row(0, named=True)
        raise SourceFormatError(
            path, f"label ids must be comma-separated integers in 0..{N_LABELS - 1} and the comment id non-empty; "
                  f"got label_ids={row['label_ids']!r}, comment_id={row['comment_id']!r} ({bad.height} such lines)",
            line=row["line"], field="label_ids",
        )
    label_names = pl.Series("names", names)
    return ids.select(
        pl.lit(split).alias("split"),
        pl.col("comment_id").str.strip_chars(),
        _unquote(pl.col("text")).alias("text"),
        pl.col("label_ids").cast(pl.List(pl.UInt8)),
        pl.col("label_ids").list.eval(pl.element().replace_strict(range(N_LABELS), label_names, return_dtype=pl.String)).alias("labels"),
        pl.col("line").cast(pl.Int64).alias("source_line"),
    )


def read_goemotions(split_paths: dict[str, Path], labels_path: Path) -> pl.DataFrame:
    """All three splits in one multi-label table."""
    names = read_label_names(labels_path)
    return pl.concat([read_split(split_paths[s], s, names) for s in SPLITS])
