"""EACL's utterance prompt: up to 8 past turns as "{speaker} says: {text}", each followed by the
tokenizer's separator token as in the reference (`<s>A says: x</s>B says: y</s>For utterance: ...`),
then "For utterance: {text} {speaker} feels <mask>", with the tokenizer's own mask token.

The prompt is assembled from token pieces so the budget is exact: the query (the current utterance
and the mask) always stays, whole past turns are dropped oldest first until the rest fits, and a
current utterance too long on its own is cut from its end (its speaker, "feels" and the mask stay);
a speaker name longer than `SPEAKER_TOKENS` tokens is cut to them.
The reference code hard-codes a mask id (50265) that is not RoBERTa's (50264), so it pools the first
token; we ask the tokenizer (`models.eacl`, `pooling: first` reproduces the reference).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PAST_TURNS = 8
SPEAKER_TOKENS = 16  # a longer speaker name is cut to this many tokens, so it can never crowd out the utterance


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: str


def _piece(tokenizer, text: str) -> list[int]:
    # Byte-level BPE (RoBERTa) encodes a word differently after a space; every piece is tokenized as
    # following one, so pieces concatenate exactly as the whole prompt would tokenize (WordPiece ignores it).
    # A mask token typed by a speaker is plain text, never a second mask.
    for special in tokenizer.all_special_tokens:
        text = text.replace(special, " ")
    return tokenizer(" " + text, add_special_tokens=False)["input_ids"]


def _speaker(tokenizer, name: str) -> str:
    """The speaker's name, or "someone", cut to `SPEAKER_TOKENS` tokens."""
    pieces = _piece(tokenizer, name) if name else []
    if not pieces:
        return "someone"
    return name if len(pieces) <= SPEAKER_TOKENS else tokenizer.decode(pieces[:SPEAKER_TOKENS]).strip()


def _special_frame(tokenizer) -> tuple[list[int], list[int]]:
    """The special tokens a tokenizer puts before and after one sequence ([CLS] ... [SEP], <s> ... </s>)."""
    bare = tokenizer(" x", add_special_tokens=False)["input_ids"]
    full = tokenizer(" x")["input_ids"]
    start = next(i for i in range(len(full) - len(bare) + 1) if full[i : i + len(bare)] == bare)
    return full[:start], full[start + len(bare) :]


def prompt_ids(tokenizer, history: Sequence[Turn], current: Turn, max_length: int, past_turns: int = PAST_TURNS) -> list[int]:
    """Token ids with special tokens and exactly one mask token; at most `max_length` long."""
    return conversation_prompts(tokenizer, [*history, current], max_length, past_turns)[-1]


def conversation_prompts(tokenizer, turns: Sequence[Turn], max_length: int, past_turns: int = PAST_TURNS) -> list[list[int]]:
    """One prompt per utterance of a conversation, each seeing up to `past_turns` turns before it.
    Each turn is tokenized once, as context and as a query, however many prompts it appears in."""
    if tokenizer.mask_token_id is None:
        raise ValueError(f"{type(tokenizer).__name__} has no mask token; EACL needs a masked-language-model tokenizer")
    prefix, suffix = _special_frame(tokenizer)
    budget = max_length - len(prefix) - len(suffix)
    head = _piece(tokenizer, "For utterance:")
    speakers = {name: _speaker(tokenizer, name) for name in {t.speaker for t in turns}}
    separator = [tokenizer.sep_token_id] if tokenizer.sep_token_id is not None else []
    said = [_piece(tokenizer, f"{speakers[t.speaker]} says: {t.text or ''}") + separator for t in turns]
    prompts = []
    for i, current in enumerate(turns):
        text = _piece(tokenizer, current.text) if current.text else []
        tail = [*_piece(tokenizer, f"{speakers[current.speaker]} feels"), tokenizer.mask_token_id]
        room_for_text = budget - len(head) - len(tail)
        if room_for_text < 0:
            raise ValueError(f"max_length {max_length} cannot hold even the prompt's fixed words ({budget - room_for_text} tokens)")
        query = head + text[:room_for_text] + tail
        context: list[int] = []
        for piece in reversed(said[max(0, i - past_turns) : i]):
            if len(piece) + len(context) + len(query) > budget:
                break
            context = piece + context
        ids = prefix + context + query + suffix
        if ids.count(tokenizer.mask_token_id) != 1:
            raise ValueError(f"the prompt of turn {i} holds {ids.count(tokenizer.mask_token_id)} mask tokens, not one")
        prompts.append(ids)
    return prompts
