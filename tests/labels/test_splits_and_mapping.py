"""Seeded item splits and the harmonized label-mapping table."""

from __future__ import annotations

import polars as pl
import pytest

from emopipe.labels import mapping
from emopipe.labels.splits import split_items


def test_splits_are_deterministic_order_free_and_80_10_10():
    items = pl.Series("item", [f"w{i}" for i in range(1000)])
    a = split_items(items, seed=1).sort("item")
    b = split_items(items.reverse(), seed=1).sort("item")
    assert a.equals(b)
    assert dict(a.group_by("split").len().rows()) == {"train": 800, "dev": 100, "test": 100}
    assert not a.equals(split_items(items, seed=2).sort("item"))


def test_duplicate_items_get_one_split():
    result = split_items(pl.Series("item", ["a", "a", "b"]), seed=0)
    assert result.height == 2


def test_rescaling_to_unit_interval():
    warriner = pl.DataFrame({"word": ["x"], "valence": [9.0], "arousal": [1.0], "dominance": [5.0]})
    assert mapping.warriner_wide(warriner).row(0) == ("x", 1.0, 0.0, 0.5)
    emobank = pl.DataFrame({"id": ["SemEval_7", "other"], "split": ["train"] * 2, "valence": [5.0, 3.0], "arousal": [1.0, 3.0],
                            "dominance": [3.0, 3.0], "text": ["Headline", "not semeval"]})
    semeval = pl.DataFrame({"split": ["trial"], "id": [7], "text": ["Headline"], "anger": [100], "disgust": [0], "fear": [50],
                            "joy": [0], "sadness": [0], "surprise": [0], "valence": [-100]})
    vad, be6 = mapping.emobank_semeval_wide(emobank, semeval)
    assert vad.row(0) == ("Headline", 1.0, 0.0, 0.5)
    assert be6.row(0, named=True) == {"item": "Headline", "anger": 1.0, "disgust": 0.0, "fear": 0.5, "joy": 0.0,
                                      "sadness": 0.0, "surprise": 0.0, "valence": 0.0}


def test_unrated_intensity_emotions_are_zero():
    intensity = pl.DataFrame({"word": ["x", "x"], "emotion": ["joy", "fear"], "score": [0.7, 0.2], "source_line": [1, 2]})
    wide = mapping.eil_wide(intensity).row(0, named=True)
    assert wide["joy"] == 0.7 and wide["fear"] == 0.2 and wide["anger"] == 0.0


def test_pair_uses_only_shared_items_and_one_split_each():
    left = pl.DataFrame({"item": ["a", "b", "c"], "valence": [0.1, 0.2, 0.3], "arousal": [0.5] * 3, "dominance": [0.5] * 3})
    right = pl.DataFrame({"item": ["b", "c", "d"], "valence": [0.9, 0.8, 0.7], "arousal": [0.5] * 3, "dominance": [0.5] * 3})
    splits = split_items(pl.Series("item", ["a", "b", "c", "d"]), seed=0)
    pair = mapping._pair("warriner_vad__nrc_vad", "word", ("warriner_vad", left), ("nrc_vad", right), splits)
    assert set(pair["item"]) == {"b", "c"} and pair.height == 2 * 2 * 3
    assert pair.group_by("item").agg(pl.col("split").n_unique())["split"].max() == 1
    assert pair.filter(item="b", format="nrc_vad", variable="valence")["value"].item() == pytest.approx(0.9)


def leaked(table: pl.DataFrame) -> pl.DataFrame:
    """Items that are dev or test in some pair and train in another."""
    held = table.filter(pl.col("split") != "train").select("item").unique()
    return held.join(table.filter(pl.col("split") == "train").select("item").unique(), on="item")


def test_an_item_has_one_split_across_every_pair(mirror, home):
    """The whole data half on the tiny mirror: no test or dev item of any pair is in any pair's train split."""
    from tests.defs.helpers import failure_text, run

    root, hashes = mirror
    result = run(root, hashes, home, selection="*label_mapping_datasets")
    assert result.success, failure_text(result)
    table = pl.read_parquet(home / "tables" / "label_mapping_datasets.parquet")
    words = table.filter(pl.col("item_type") == "word")
    assert words["pair_id"].n_unique() == 4 and words["item"].n_unique() < words.select("pair_id", "item").unique().height  # shared
    assert leaked(table).height == 0
    assert table.select("item", "split").unique().group_by("item").len()["len"].max() == 1
