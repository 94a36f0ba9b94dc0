"""ERC examples from `conversation_utterances`: one prompt per utterance (its past turns as context,
emopipe.erc.prompt), its emotion as a class index in the reference code's label order.

The label words are the emotion names themselves, as in the reference: their embeddings seed the
emotion anchors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from emopipe.erc.prompt import PAST_TURNS, Turn, conversation_prompts

LABELS = {  # the reference code's label words and order (Yu-Fangxu/EACL, src/generate_anchors.py)
    "meld": ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"),
    "emorynlp": ("joyful", "neutral", "powerful", "mad", "scared", "peaceful", "sad"),
}
SPLITS = ("train", "dev", "test")


@dataclass
class ErcSplit:
    ids: list[list[int]]  # one prompt per utterance, dialogue order
    labels: np.ndarray  # class index into LABELS[dataset]
    dialogue_ids: list[str]


def labels_of(dataset: str) -> tuple[str, ...]:
    if dataset not in LABELS:
        raise ValueError(f"unknown ERC dataset {dataset!r}; expected one of {sorted(LABELS)}")
    return LABELS[dataset]


def erc_split(table: pl.DataFrame, dataset: str, split: str, tokenizer, max_length: int, past_turns: int = PAST_TURNS,
              dialogue_limit: int | None = None, seed: int = 13) -> ErcSplit:
    """Prompts and labels of one split; `dialogue_limit` keeps a seeded sample of whole dialogues
    (never cut mid-conversation, so every kept prompt sees its real context)."""
    names = labels_of(dataset)
    rows = table.filter((pl.col("dataset").cast(pl.String) == dataset) & (pl.col("split").cast(pl.String) == split))
    if rows.height == 0:
        raise ValueError(f"conversation_utterances has no {dataset}/{split} rows")
    unknown = sorted(set(rows["emotion"].cast(pl.String).to_list()) - set(names))
    if unknown:
        raise ValueError(f"conversation_utterances {dataset}/{split}: emotion(s) {unknown} are not among {list(names)}")
    dialogues = rows["dialogue_id"].unique(maintain_order=True)
    if dialogue_limit is not None and len(dialogues) > dialogue_limit:
        dialogues = dialogues.sample(dialogue_limit, seed=seed).sort()
        rows = rows.filter(pl.col("dialogue_id").is_in(dialogues.implode()))
    rows = rows.sort("dialogue_id", "turn")
    index = {name: i for i, name in enumerate(names)}
    ids: list[list[int]] = []
    for (_dialogue,), turns in rows.group_by("dialogue_id", maintain_order=True):
        ids += conversation_prompts(tokenizer, [Turn(s, t) for s, t in zip(turns["speaker"], turns["text"], strict=True)], max_length, past_turns)
    labels = np.array([index[e] for e in rows["emotion"].cast(pl.String)], dtype=np.int64)
    return ErcSplit(ids, labels, rows["dialogue_id"].to_list())
