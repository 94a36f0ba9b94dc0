"""Contracts accept good frames and reject bad ones with the rule that failed."""

from __future__ import annotations

import polars as pl
import pytest

from data_contracts import CONTRACTS, GoEmotions, GoEmotionsVad, LabelMappingDatasets, NrcVadLexicon


@pytest.mark.parametrize("name", ["nrc_vad_lexicon", "nrc_emotion_intensity", "warriner_vad", "sst2", "sarcasm_headlines", "emobank"])
def test_sampled_frames_satisfy_their_contract(name):
    schema = CONTRACTS[name]
    assert schema.is_valid(schema.sample(25))


def test_every_contract_column_is_described():
    for name, schema in CONTRACTS.items():
        for column, spec in schema.columns().items():
            assert spec.description, f"{name}.{column} has no description"


def _goemotions(**changes) -> pl.DataFrame:
    row = {"split": "train", "comment_id": "c1", "text": "hi", "label_ids": [3], "labels": ["annoyance"], "source_line": 1} | changes
    return pl.DataFrame([row], schema_overrides={"label_ids": pl.List(pl.UInt8)})


def test_goemotions_label_id_28_is_rejected():
    assert GoEmotions.is_valid(_goemotions(), cast=True)
    failure = GoEmotions.filter(_goemotions(label_ids=[28]), cast=True).failure
    assert failure.counts() == {"label_ids|inner_max": 1}


def test_goemotions_names_must_match_ids():
    failure = GoEmotions.filter(_goemotions(labels=["annoyance", "joy"]), cast=True).failure
    assert failure.counts() == {"names_match_ids": 1}


def test_vad_out_of_range_is_rejected():
    frame = pl.DataFrame({"term": ["x", "y"], "valence": [0.5, 1.7], "arousal": [0.5, 0.5], "dominance": [0.5, 0.5],
                          "lexicon_version": ["v1", "v1"], "source_line": [2, 3]})
    result = NrcVadLexicon.filter(frame, cast=True)
    assert result.failure.counts() == {"valence|max": 1} and result.failure.invalid()["term"].to_list() == ["y"]


def test_vad_targets_only_for_single_label_rows():
    row = {"split": "dev", "comment_id": "c", "text": "t", "label_ids": [1, 2], "is_single_label": False, "label_id": None,
           "valence": 0.5, "arousal": None, "dominance": None, "scaled_valence": None, "scaled_arousal": None, "scaled_dominance": None}
    frame = pl.DataFrame([row], schema_overrides={"label_ids": pl.List(pl.UInt8), "label_id": pl.UInt8, "arousal": pl.Float64,
                                                  "dominance": pl.Float64, "scaled_valence": pl.Float64, "scaled_arousal": pl.Float64,
                                                  "scaled_dominance": pl.Float64})
    assert GoEmotionsVad.filter(frame, cast=True).failure.counts() == {"targets_iff_single_label": 1}


def test_label_mapping_item_in_two_splits_is_rejected():
    rows = [("warriner_vad__nrc_vad", "calm", "word", "nrc_vad", "valence", 0.7, "train"),
            ("warriner_vad__nrc_vad", "calm", "word", "warriner_vad", "valence", 0.6, "test")]
    frame = pl.DataFrame(rows, schema=list(LabelMappingDatasets.columns()), orient="row")
    assert LabelMappingDatasets.filter(frame, cast=True).failure.counts() == {"one_split_per_item": 2}


def _scored(**changes) -> pl.DataFrame:
    from data_contracts.vocab import GOEMOTIONS_LABELS

    row = {"line": 3, "text": "so happy", "dialogue": None, "speaker": None, "valence": 0.9, "arousal": 0.6, "dominance": 0.7,
           "vad_emotion": "joy", "top_emotion": "joy", "probability": 0.8, "eacl_emotion": None, "eacl_score": None,
           **{f"prob_{label}": 0.8 if label == "joy" else 0.2 / 27 for label in GOEMOTIONS_LABELS}, "ekman6_joy": 0.9} | changes
    return pl.DataFrame([row], schema_overrides={c: pl.String for c in ("dialogue", "speaker", "eacl_emotion")} | {"eacl_score": pl.Float64})


def test_a_scored_corpus_keeps_the_mapped_columns_and_its_conversation_columns_together():
    from data_contracts.scoring import scored_texts_contract

    contract = scored_texts_contract("ekman6", ["joy"])
    assert contract.is_valid(_scored(), cast=True) and "ekman6_joy" in contract.columns()
    assert contract.is_valid(_scored(dialogue="d1", speaker="Ross", eacl_emotion="joy", eacl_score=0.7), cast=True)
    half = contract.filter(_scored(dialogue="d1", speaker="Ross"), cast=True).failure.counts()  # a turn without its EACL emotion
    assert half == {"conversation_columns_together": 1}
    assert contract.filter(_scored(prob_joy=1.2), cast=True).failure.counts() == {"prob_joy|max": 1}
    assert not contract.is_valid(_scored(top_emotion="happiness"), cast=True)
