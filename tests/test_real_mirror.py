"""The data half from the real mirror ($EMOPIPE_DATA_DIR; CI sets it): registry hashes and exact counts."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tests.conftest import REAL_MIRROR, needs_real_mirror
from tests.defs.helpers import failure_text, run
from tests.labels.test_splits_and_mapping import leaked

pytestmark = needs_real_mirror


def _rows(home: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(home / "tables" / f"{name}.parquet")


def _per_split(table: pl.DataFrame) -> dict[str, int]:
    return {str(split): n for split, n in table.group_by("split").len().rows()}


def test_real_data_half_with_exact_counts(home):
    result = run(Path(REAL_MIRROR), None, home)
    assert result.success, failure_text(result)
    assert all(e.passed for e in result.get_asset_check_evaluations())

    assert _per_split(_rows(home, "goemotions")) == {"train": 43_410, "dev": 5_426, "test": 5_427}
    single = _rows(home, "goemotions_vad").filter("is_single_label")
    assert _per_split(single) == {"train": 36_308, "dev": 4_548, "test": 4_590}
    assert single["valence"].null_count() == 0 and single["scaled_valence"].null_count() == 0

    assert _rows(home, "nrc_vad_lexicon").height == 20_007
    assert _rows(home, "nrc_emolex").height == 14_182
    assert _rows(home, "nrc_emotion_intensity").height == 9_835
    assert _rows(home, "warriner_vad").height == 13_915
    assert _rows(home, "emobank").height == 10_062
    assert _per_split(_rows(home, "semeval_affective_text")) == {"trial": 250, "test": 1_000}
    assert _per_split(_rows(home, "meld")) == {"train": 9_989, "dev": 1_109, "test": 2_610}
    assert _per_split(_rows(home, "emorynlp")) == {"train": 9_934, "dev": 1_344, "test": 1_328}  # the full original split
    assert _per_split(_rows(home, "sst2")) == {"train": 67_349, "dev": 872}
    assert _rows(home, "sarcasm_headlines").height == 26_709

    points = _rows(home, "emotion_label_points")
    assert points.height == 28 and points["scaled_valence"].min() == 0.0 and points["scaled_valence"].max() == 1.0
    mapping = _rows(home, "label_mapping_datasets")
    items = mapping.select("pair_id", "item").unique().group_by("pair_id").len()
    assert dict(items.rows()) == {
        "nrc_vad__emolex8": 14_182, "nrc_vad__eil8": 5_813, "warriner_vad__nrc_vad": 13_881, "warriner_vad__emolex8": 9_001,
        "emobank_vad__semeval_be6": 1_171, "goemotions28__nrc_vad": 28, "goemotions28__ekman6": 28,
    }
    assert leaked(mapping).height == 0  # no dev or test item of any pair is trained on in another pair
    conversations = _rows(home, "conversation_utterances")
    assert conversations.filter(dataset="meld").height == 13_708 and conversations.filter(dataset="emorynlp").height == 12_606
