"""Contracts of the harmonized dataset tables the models train on."""

import dataframely as dy
import polars as pl

from data_contracts.vocab import (
    EKMAN_GROUPS,
    EMORYNLP_EMOTIONS,
    GOEMOTIONS_LABELS,
    LABEL_FORMATS,
    MELD_EMOTIONS,
    SENTIMENT_GROUPS,
    THREE_SPLITS,
    VAD,
)


def _unit(description: str, nullable: bool = False) -> dy.Float64:
    return dy.Float64(min=0.0, max=1.0, nullable=nullable, description=description)


class EmotionLabelPoints(dy.Schema):
    """The 28 GoEmotions labels as points in VAD space: NRC, quantile-scaled, arbitrary."""

    label_id = dy.UInt8(primary_key=True, max=len(GOEMOTIONS_LABELS) - 1, description="GoEmotions label id")
    label = dy.Enum(GOEMOTIONS_LABELS, unique=True, description="label name")
    ekman_group = dy.Enum(EKMAN_GROUPS, description="official Ekman grouping")
    sentiment_group = dy.Enum(SENTIMENT_GROUPS, description="official sentiment grouping")
    nrc_valence = _unit("NRC VAD valence of the label word")
    nrc_arousal = _unit("NRC VAD arousal of the label word")
    nrc_dominance = _unit("NRC VAD dominance of the label word")
    scaled_valence = _unit("quantile-scaled valence")
    scaled_arousal = _unit("quantile-scaled arousal")
    scaled_dominance = _unit("quantile-scaled dominance")
    arbitrary_valence = _unit("ablation: evenly spread point, first coordinate")
    arbitrary_arousal = _unit("ablation: evenly spread point, second coordinate")
    arbitrary_dominance = _unit("ablation: evenly spread point, third coordinate")


class GoEmotionsVad(dy.Schema):
    """Every GoEmotions row; single-label rows carry raw and scaled VAD targets."""

    split = dy.Enum(THREE_SPLITS, primary_key=True, description="official split")
    comment_id = dy.String(primary_key=True, description="Reddit comment id")
    text = dy.String(min_length=1, description="comment text")
    label_ids = dy.List(dy.UInt8(max=len(GOEMOTIONS_LABELS) - 1), min_length=1, description="all label ids")
    is_single_label = dy.Bool(description="exactly one label: the paper's subset")
    label_id = dy.UInt8(nullable=True, max=len(GOEMOTIONS_LABELS) - 1, description="the label, single-label rows only")
    valence = _unit("NRC valence target", nullable=True)
    arousal = _unit("NRC arousal target", nullable=True)
    dominance = _unit("NRC dominance target", nullable=True)
    scaled_valence = _unit("quantile-scaled valence target", nullable=True)
    scaled_arousal = _unit("quantile-scaled arousal target", nullable=True)
    scaled_dominance = _unit("quantile-scaled dominance target", nullable=True)

    @dy.rule()
    def targets_iff_single_label(cls) -> pl.Expr:
        has_targets = pl.all_horizontal(pl.col(c).is_not_null() for c in ["label_id", *VAD, *[f"scaled_{v}" for v in VAD]])
        none = pl.all_horizontal(pl.col(c).is_null() for c in ["label_id", *VAD, *[f"scaled_{v}" for v in VAD]])
        return pl.when(pl.col("is_single_label")).then(has_targets).otherwise(none)

    @dy.rule()
    def flag_matches_label_count(cls) -> pl.Expr:
        return pl.col("is_single_label") == (pl.col("label_ids").list.len() == 1)


class LabelMappingDatasets(dy.Schema):
    """Items rated in two label formats, long: one row per pair, item, format and variable."""

    pair_id = dy.String(primary_key=True, regex=r"^[a-z0-9_]+__[a-z0-9_]+$", description="<format>__<format>")
    item = dy.String(primary_key=True, min_length=1, description="word, label word or sentence")
    item_type = dy.Enum(["word", "text", "label"], description="what kind of item")
    format = dy.Enum(LABEL_FORMATS, primary_key=True, description="label format (emopipe/labels/formats.py)")
    variable = dy.String(primary_key=True, min_length=1, description="variable of the format")
    value = _unit("value, rescaled to [0, 1]")
    split = dy.Enum(THREE_SPLITS, description="seeded split by item, per pair")

    @dy.rule()
    def one_split_per_item(cls) -> pl.Expr:
        return pl.col("split").n_unique().over("pair_id", "item") == 1

    @dy.rule()
    def format_belongs_to_pair(cls) -> pl.Expr:
        return pl.col("pair_id").str.split("__").list.contains(pl.col("format").cast(pl.String))


class ConversationUtterances(dy.Schema):
    """MELD and EmoryNLP utterances in one schema, in dialogue order."""

    dataset = dy.Enum(["meld", "emorynlp"], primary_key=True, description="corpus")
    split = dy.Enum(THREE_SPLITS, primary_key=True, description="split")
    dialogue_id = dy.String(primary_key=True, min_length=1, description="dialogue (MELD) or scene (EmoryNLP) id")
    turn = dy.Int64(primary_key=True, min=0, description="0-based position in the dialogue")
    speaker = dy.String(description="speaker name")
    text = dy.String(description="utterance (may be empty in the source)")
    emotion = dy.Enum(sorted(set(MELD_EMOTIONS) | set(EMORYNLP_EMOTIONS)), description="the corpus's emotion label")

    @dy.rule()
    def emotion_in_dataset_labels(cls) -> pl.Expr:
        emotion = pl.col("emotion").cast(pl.String)
        return pl.when(pl.col("dataset") == "meld").then(emotion.is_in(MELD_EMOTIONS)).otherwise(emotion.is_in(EMORYNLP_EMOTIONS))

    @dy.rule()
    def turns_are_contiguous(cls) -> pl.Expr:
        return pl.col("turn").max().over("dataset", "split", "dialogue_id") == pl.len().over("dataset", "split", "dialogue_id") - 1


class DownstreamTasks(dy.Schema):
    """Downstream classification tasks for probing encoders."""

    task = dy.Enum(["sst2", "sarcasm"], description="task")
    split = dy.Enum(THREE_SPLITS, description="split (SST-2 has no test labels, so train/dev only)")
    text = dy.String(min_length=1, description="input text")
    label = dy.Int8(min=0, max=1, description="binary label (SST-2: positive; sarcasm: sarcastic)")
