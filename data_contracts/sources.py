"""Contracts of the source tables: each file as read, on its own scale, one row per record."""

import dataframely as dy
import polars as pl

from data_contracts.vocab import EMORYNLP_EMOTIONS, GOEMOTIONS_LABELS, MELD_EMOTIONS, PLUTCHIK8, THREE_SPLITS


def _unit(description: str, **kw) -> dy.Float64:
    return dy.Float64(min=0.0, max=1.0, description=description, **kw)


def _line() -> dy.Int64:
    return dy.Int64(min=1, description="1-based line (or CSV row) in the source file, for tracing a value back")


class GoEmotions(dy.Schema):
    """GoEmotions simplified splits, multi-label."""

    split = dy.Enum(THREE_SPLITS, primary_key=True, description="official split")
    comment_id = dy.String(primary_key=True, min_length=1, description="Reddit comment id, unique within a split")
    text = dy.String(min_length=1, description="comment text, CSV quoting removed")
    label_ids = dy.List(dy.UInt8(max=len(GOEMOTIONS_LABELS) - 1), min_length=1, description="label ids, 0..27 (27 = neutral)")
    labels = dy.List(dy.Enum(GOEMOTIONS_LABELS), min_length=1, description="label names, same order as label_ids")
    source_line = _line()

    @dy.rule()
    def names_match_ids(cls) -> pl.Expr:
        return pl.col("labels").list.len() == pl.col("label_ids").list.len()


class NrcVadLexicon(dy.Schema):
    """NRC VAD lexicon, v1 or v2.1 (v2.1 rescaled from [-1, 1] to [0, 1])."""

    term = dy.String(primary_key=True, min_length=1, description="word or multi-word expression")
    valence = _unit("valence in [0, 1]")
    arousal = _unit("arousal in [0, 1]")
    dominance = _unit("dominance in [0, 1]")
    lexicon_version = dy.Enum(["v1", "v2.1"], description="which NRC VAD release the row comes from")
    source_line = _line()


class NrcEmolex(dy.Schema):
    """NRC EmoLex word level: binary association with 8 Plutchik emotions and 2 sentiments."""

    word = dy.String(primary_key=True, min_length=1, description="word")
    anger = dy.Bool(description="associated with anger")
    anticipation = dy.Bool(description="associated with anticipation")
    disgust = dy.Bool(description="associated with disgust")
    fear = dy.Bool(description="associated with fear")
    joy = dy.Bool(description="associated with joy")
    sadness = dy.Bool(description="associated with sadness")
    surprise = dy.Bool(description="associated with surprise")
    trust = dy.Bool(description="associated with trust")
    negative = dy.Bool(description="negative sentiment")
    positive = dy.Bool(description="positive sentiment")


class NrcEmotionIntensity(dy.Schema):
    """NRC Emotion Intensity: only the rated word-emotion pairs."""

    word = dy.String(primary_key=True, min_length=1, description="word")
    emotion = dy.Enum(PLUTCHIK8, primary_key=True, description="Plutchik emotion")
    score = _unit("intensity in [0, 1]")
    source_line = _line()


class WarrinerVad(dy.Schema):
    """Warriner et al. (2013) VAD norms on their 1-9 scale."""

    word = dy.String(primary_key=True, min_length=1, description="word (the word 'null' included)")
    valence = dy.Float64(min=1.0, max=9.0, description="mean valence, 1-9")
    arousal = dy.Float64(min=1.0, max=9.0, description="mean arousal, 1-9")
    dominance = dy.Float64(min=1.0, max=9.0, description="mean dominance, 1-9")
    valence_n = dy.Int64(min=1, description="number of valence ratings")
    arousal_n = dy.Int64(min=1, description="number of arousal ratings")
    dominance_n = dy.Int64(min=1, description="number of dominance ratings")
    source_line = _line()


class Emobank(dy.Schema):
    """EmoBank sentences with weighted reader/writer VAD on the 1-5 scale."""

    id = dy.String(primary_key=True, min_length=1, description="sentence id; SemEval_<n> for SemEval-2007 headlines")
    split = dy.Enum(THREE_SPLITS, description="EmoBank's own split")
    valence = dy.Float64(min=1.0, max=5.0, description="valence, 1-5")
    arousal = dy.Float64(min=1.0, max=5.0, description="arousal, 1-5")
    dominance = dy.Float64(min=1.0, max=5.0, description="dominance, 1-5")
    text = dy.String(description="sentence (one is empty in the official file)")
    source_line = _line()


class SemevalAffectiveText(dy.Schema):
    """SemEval-2007 Task 14 headlines with six basic emotions (0-100) and valence (-100..100)."""

    split = dy.Enum(["trial", "test"], description="official split")
    id = dy.Int64(primary_key=True, min=1, description="headline id (trial 1-250, test 500-1499)")
    text = dy.String(min_length=1, description="headline")
    anger = dy.Int64(min=0, max=100, description="anger, 0-100")
    disgust = dy.Int64(min=0, max=100, description="disgust, 0-100")
    fear = dy.Int64(min=0, max=100, description="fear, 0-100")
    joy = dy.Int64(min=0, max=100, description="joy, 0-100")
    sadness = dy.Int64(min=0, max=100, description="sadness, 0-100")
    surprise = dy.Int64(min=0, max=100, description="surprise, 0-100")
    valence = dy.Int64(min=-100, max=100, description="valence, -100..100")


class Meld(dy.Schema):
    """MELD utterances (text only)."""

    split = dy.Enum(THREE_SPLITS, primary_key=True, description="official split")
    dialogue_id = dy.Int64(primary_key=True, min=0, description="dialogue id within the split")
    utterance_id = dy.Int64(primary_key=True, min=0, description="utterance position within the dialogue")
    speaker = dy.String(description="speaker name")
    text = dy.String(description="utterance")
    emotion = dy.Enum(MELD_EMOTIONS, description="one of MELD's 7 emotions")
    sentiment = dy.Enum(["positive", "negative", "neutral"], description="sentiment")
    season = dy.Int64(min=1, description="Friends season")
    episode = dy.Int64(min=1, description="Friends episode")
    source_line = _line()


class Emorynlp(dy.Schema):
    """EmoryNLP utterances, the full original split (the EACL reference repository's text files)."""

    split = dy.Enum(THREE_SPLITS, primary_key=True, description="split")
    scene_id = dy.String(primary_key=True, regex=r"^(train|dev|test)_scene_\d{5}$",
                         description="scene (the dialogue): split and position in the split's file")
    utterance_index = dy.Int64(primary_key=True, min=0, description="0-based position in the scene")
    speaker = dy.String(description="the speaker (the first of the original's speakers)")
    text = dy.String(description="utterance")
    emotion = dy.Enum(EMORYNLP_EMOTIONS, description="one of EmoryNLP's 7 emotions")
    source_line = _line()


class Sst2(dy.Schema):
    """GLUE SST-2 train and dev."""

    split = dy.Enum(["train", "dev"], description="GLUE split")
    sentence = dy.String(min_length=1, description="sentence or phrase")
    label = dy.Int8(min=0, max=1, description="1 = positive")
    source_line = _line()


class SarcasmHeadlines(dy.Schema):
    """News headlines for sarcasm detection, v1."""

    headline = dy.String(min_length=1, description="headline")
    is_sarcastic = dy.Int8(min=0, max=1, description="1 = from The Onion")
    source_line = dy.Int64(min=1, primary_key=True, description="CSV row (header = line 1)")
