"""The content encoders' data: words with NRC VAD ratings and EmoBank sentences with VAD ratings to
train on, and the EmoLex, Emotion Intensity and SemEval items to test zero-shot on.

Splits follow the label-mapping pairs, so nothing the label mapper or a content encoder trained on
is tested on: a word that is dev or test in `nrc_vad__emolex8` or `nrc_vad__eil8` is dev or test
for the word encoder, and a headline that is dev or test in `emobank_vad__semeval_be6` is dev or
test for the text encoders; every other EmoBank sentence keeps EmoBank's own split.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from data_contracts.vocab import VAD
from emopipe.emotion_space.pairs import pair_splits

SPLITS = ("train", "dev", "test")
WORD_PAIRS = {"emolex8": "nrc_vad__emolex8", "eil8": "nrc_vad__eil8"}
TEXT_PAIR = "emobank_vad__semeval_be6"


@dataclass(frozen=True)
class Labelled:
    fmt: str  # the label format of `values`
    items: list[str]
    values: np.ndarray  # (n, k), the format's variables in order, on [0, 1]

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class ContentData:
    words: dict[str, Labelled]  # split -> NRC VAD words
    word_tests: dict[str, Labelled]  # "emolex8" / "eil8" -> that pair's test words in that format
    texts: dict[str, Labelled]  # split -> EmoBank sentences (emobank_vad)
    be6: dict[str, Labelled]  # split -> SemEval headlines (semeval_be6)


def _side(pairs: dict, pair_id: str, fmt: str) -> Labelled:
    pair = pairs[pair_id]
    values = pair.x_left if pair.left == fmt else pair.x_right
    return Labelled(fmt, pair.items, values.numpy().astype(np.float64))


def _held_out(splits: dict[str, dict], pair_ids) -> dict[str, str]:
    """item -> "test" or "dev" for every item held out by one of the pairs (test wins)."""
    out = {}
    for split in ("dev", "test"):
        for pair_id in pair_ids:
            out.update({item: split for item in splits[split][pair_id].items})
    return out


def _by_split(items: list[str], values: np.ndarray, default_split: list[str], held: dict[str, str], fmt: str) -> dict[str, Labelled]:
    split = np.array([held.get(item, s) for item, s in zip(items, default_split, strict=True)])
    return {s: Labelled(fmt, [items[i] for i in np.flatnonzero(split == s)], values[split == s]) for s in SPLITS}


def content_data(mapping: pl.DataFrame, emobank: pl.DataFrame) -> ContentData:
    splits = {s: pair_splits(mapping, s) for s in SPLITS}
    for pair_id in (*WORD_PAIRS.values(), TEXT_PAIR):
        if pair_id not in splits["train"]:
            raise ValueError(f"label_mapping_datasets has no pair {pair_id!r}; the content encoders need it")

    words = (mapping.filter((pl.col("format").cast(pl.String) == "nrc_vad") & (pl.col("item_type").cast(pl.String) == "word"))
             .pivot(on="variable", index="item", values="value", aggregate_function="first", on_columns=list(VAD))
             .select("item", *VAD).sort("item"))
    word_items = words["item"].to_list()
    held_words = _held_out(splits, WORD_PAIRS.values())
    word_splits = _by_split(word_items, words.select(VAD).to_numpy(), ["train"] * len(word_items), held_words, "nrc_vad")

    sentences = (emobank.filter(pl.col("text").str.strip_chars() != "")
                 .group_by("text").agg(pl.col("split").cast(pl.String).first(), *[((pl.col(v) - 1.0) / 4.0).mean() for v in VAD])
                 .sort("text"))
    text_items = sentences["text"].to_list()
    held_texts = _held_out(splits, [TEXT_PAIR])
    text_splits = _by_split(text_items, sentences.select(VAD).to_numpy(), sentences["split"].to_list(), held_texts, "emobank_vad")

    return ContentData(
        words=word_splits,
        word_tests={fmt: _side(splits["test"], pair_id, fmt) for fmt, pair_id in WORD_PAIRS.items()},
        texts=text_splits,
        be6={s: _side(splits[s], TEXT_PAIR, "semeval_be6") for s in SPLITS},
    )
