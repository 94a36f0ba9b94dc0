"""Harmonized label-mapping data: items (words or texts) rated in two formats, as one long table
`pair_id, item, item_type, format, variable, value, split`, every value on [0, 1] (see formats.py).

Every item has one split, whichever pairs it is in (one seeded split over all the pairs' items):
a word tested in one pair is never trained on in another (through `warriner_vad__emolex8`, the
EmoLex labels of half the `nrc_vad__emolex8` test words were in training when pairs split alone).

Pairs: NRC VAD <-> EmoLex, NRC VAD <-> Emotion Intensity, Warriner <-> NRC VAD, Warriner <-> EmoLex
(words, exact string match); EmoBank <-> SemEval-2007 (the 1,192 headlines EmoBank rated, joined by
id); GoEmotions labels <-> NRC VAD and GoEmotions labels <-> Ekman (the 28 label words).
"""

from __future__ import annotations

import polars as pl

from data_contracts.vocab import GOEMOTIONS_LABELS, PLUTCHIK8
from emopipe.labels.formats import BE6, FORMATS, VAD
from emopipe.labels.splits import split_items


def _long(wide: pl.DataFrame, fmt: str) -> pl.DataFrame:
    """(item, <variables>) wide -> (item, format, variable, value) long, in the format's variable order."""
    variables = list(FORMATS[fmt].variables)
    return (
        wide.select("item", *[pl.col(v).cast(pl.Float64) for v in variables])
        .unpivot(index="item", on=variables, variable_name="variable", value_name="value")
        .with_columns(pl.lit(fmt).alias("format"))
    )


def nrc_vad_wide(lexicon: pl.DataFrame) -> pl.DataFrame:
    return lexicon.select(pl.col("term").alias("item"), *VAD)


def warriner_wide(warriner: pl.DataFrame) -> pl.DataFrame:
    return warriner.select(pl.col("word").alias("item"), *[(pl.col(v) - 1.0) / 8.0 for v in VAD])


def emolex_wide(emolex: pl.DataFrame) -> pl.DataFrame:
    return emolex.select(pl.col("word").alias("item"), *PLUTCHIK8)


def eil_wide(intensity: pl.DataFrame) -> pl.DataFrame:
    return (
        intensity.pivot(on="emotion", index="word", values="score", on_columns=list(PLUTCHIK8))
        .select(pl.col("word").alias("item"), *[pl.col(e).fill_null(0.0) for e in PLUTCHIK8])
    )


def emobank_semeval_wide(emobank: pl.DataFrame, semeval: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The SemEval headlines EmoBank also rated; the item is EmoBank's (original) text. 21 headline
    texts occur under two ids each; their ratings are averaged, so every text is one item."""
    eb = emobank.filter(pl.col("id").str.starts_with("SemEval_")).with_columns(
        pl.col("id").str.strip_prefix("SemEval_").cast(pl.Int64).alias("semeval_id")
    )
    joined = (
        eb.join(semeval, left_on="semeval_id", right_on="id", how="inner", suffix="_se")
        .filter(pl.col("text").str.strip_chars() != "")
        .select(
            pl.col("text").alias("item"),
            *[((pl.col(v) - 1.0) / 4.0).alias(f"vad_{v}") for v in VAD],
            *[(pl.col(e) / 100.0).alias(f"be6_{e}") for e in BE6],
            ((pl.col("valence_se") + 100.0) / 200.0).alias("be6_valence"),
        )
        .group_by("item")
        .mean()
        .sort("item")
    )
    vad = joined.select("item", *[pl.col(f"vad_{v}").alias(v) for v in VAD])
    be6 = joined.select("item", *[pl.col(f"be6_{v}").alias(v) for v in (*BE6, "valence")])
    return vad, be6


def goemotions_label_wide(points: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The 28 label words as items: their one-hot goemotions28 row, NRC VAD point and Ekman group."""
    items = points.select(
        pl.col("label").cast(pl.String).alias("item"),
        pl.col("ekman_group").cast(pl.String),
        *[pl.col(f"nrc_{v}").alias(v) for v in VAD],
    )
    onehot = items.select("item", *[(pl.col("item") == name).alias(name) for name in GOEMOTIONS_LABELS])
    ekman = items.select("item", *[(pl.col("ekman_group") == g).alias(g) for g in BE6])
    return onehot, items.select("item", *VAD), ekman


def _pair(pair_id: str, item_type: str, left: tuple[str, pl.DataFrame], right: tuple[str, pl.DataFrame],
          splits: pl.DataFrame) -> pl.DataFrame:
    """The items both sides rate, long, with each item's split from `splits` (item -> split)."""
    (lf, lw), (rf, rw) = left, right
    shared = lw.select("item").join(rw.select("item"), on="item", how="inner").unique().sort("item")
    body = pl.concat([_long(lw.join(shared, on="item"), lf), _long(rw.join(shared, on="item"), rf)])
    return body.join(splits, on="item").select(
        pl.lit(pair_id).alias("pair_id"), "item", pl.lit(item_type).alias("item_type"), "format", "variable", "value", "split"
    )


def label_mapping_datasets(
    nrc_vad: pl.DataFrame,
    emolex: pl.DataFrame,
    intensity: pl.DataFrame,
    warriner: pl.DataFrame,
    emobank: pl.DataFrame,
    semeval: pl.DataFrame,
    points: pl.DataFrame,
    seed: int = 13,
) -> pl.DataFrame:
    nrc, war, lex, eil = nrc_vad_wide(nrc_vad), warriner_wide(warriner), emolex_wide(emolex), eil_wide(intensity)
    eb_vad, se_be6 = emobank_semeval_wide(emobank, semeval)
    ge28, ge_vad, ge_ekman = goemotions_label_wide(points)
    pairs = [
        ("nrc_vad__emolex8", "word", ("nrc_vad", nrc), ("emolex8", lex)),
        ("nrc_vad__eil8", "word", ("nrc_vad", nrc), ("eil8", eil)),
        ("warriner_vad__nrc_vad", "word", ("warriner_vad", war), ("nrc_vad", nrc)),
        ("warriner_vad__emolex8", "word", ("warriner_vad", war), ("emolex8", lex)),
        ("emobank_vad__semeval_be6", "text", ("emobank_vad", eb_vad), ("semeval_be6", se_be6)),
        ("goemotions28__nrc_vad", "label", ("goemotions28", ge28), ("nrc_vad", ge_vad)),
        ("goemotions28__ekman6", "label", ("goemotions28", ge28), ("ekman6", ge_ekman)),
    ]
    shared = [lw.select("item").join(rw.select("item"), on="item").get_column("item") for _, _, (_, lw), (_, rw) in pairs]
    splits = split_items(pl.concat(shared).rename("item"), seed=seed)  # one split per item, across every pair
    return pl.concat([_pair(pid, kind, left, right, splits) for pid, kind, left, right in pairs]).sort(
        "pair_id", "split", "item", "format", "variable"
    )


def pair_summary(mapping: pl.DataFrame) -> pl.DataFrame:
    """Items per pair and split, and long rows per pair: the shape a reader wants to see first."""
    items = mapping.select("pair_id", "item", "split").unique().pivot(on="split", index="pair_id", values="item",
                                                                     aggregate_function="len", on_columns=["train", "dev", "test"])
    rows = mapping.group_by("pair_id").agg(pl.len().alias("rows"), pl.col("format").unique().sort().str.join(" <-> ").alias("formats"))
    return rows.join(items, on="pair_id").select("pair_id", "formats", "train", "dev", "test", "rows").sort("pair_id")
