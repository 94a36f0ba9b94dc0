"""What a served model accepts, turned into plain Python: texts, one conversation, or one label
request, from the shapes MLflow hands a pyfunc (a list, a string, a DataFrame after schema
enforcement, a dict from a JSON payload). Pure; every refusal says what was expected."""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_CHARS = 20_000  # longer inputs are cut before tokenization (the tokenizer truncates to max_length anyway)


def _as_text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else str(value)


def coerce_texts(model_input) -> list[str]:
    """A list of texts, a string, or a DataFrame with a `text` column (or a single column); None
    becomes '', other scalars their str()."""
    if isinstance(model_input, pd.DataFrame):
        if "text" not in model_input.columns:
            if model_input.shape[1] != 1:
                raise ValueError(f"predict needs a 'text' column; got columns {list(model_input.columns)}")
            model_input = model_input.iloc[:, 0]
        else:
            model_input = model_input["text"]
    if isinstance(model_input, (str, bytes)):
        model_input = [model_input]
    if isinstance(model_input, (pd.Series, np.ndarray)):
        model_input = model_input.tolist()
    if not isinstance(model_input, (list, tuple)):
        raise ValueError(f"predict takes a list of texts or a DataFrame with a 'text' column, not {type(model_input).__name__}")
    texts = []
    for i, value in enumerate(model_input):
        if not (value is None or isinstance(value, (str, bytes, int, float, bool, np.generic))):
            raise ValueError(f"input {i} is a {type(value).__name__}, not a text")
        texts.append(_as_text(value)[:MAX_CHARS])
    return texts


def coerce_conversation(model_input) -> list[tuple[str, str]]:
    """(speaker, text) per turn from a DataFrame (`speaker`, `text`), the same as a dict of columns,
    a list of {speaker, text} dicts, one such dict, or a list of plain texts (speaker unknown)."""
    if isinstance(model_input, dict) and isinstance(model_input.get("text"), (list, tuple, np.ndarray, pd.Series)):
        lengths = {k: len(v) for k, v in model_input.items() if isinstance(v, (list, tuple, np.ndarray, pd.Series))}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"a conversation's columns must have one entry per turn; got lengths {lengths}")
        model_input = pd.DataFrame(model_input)  # columns: {"speaker": [...], "text": [...]}
    if isinstance(model_input, pd.DataFrame):
        if "text" not in model_input.columns:
            raise ValueError(f"a conversation needs a 'text' column (and usually 'speaker'); got columns {list(model_input.columns)}")
        speakers = model_input["speaker"].tolist() if "speaker" in model_input.columns else [None] * len(model_input)
        model_input = [{"speaker": s, "text": t} for s, t in zip(speakers, model_input["text"].tolist(), strict=True)]
    if isinstance(model_input, dict) and "text" in model_input:
        model_input = [model_input]
    if not isinstance(model_input, (list, tuple)):
        raise ValueError(f"predict takes one conversation: a list of {{speaker, text}} or a DataFrame, not {type(model_input).__name__}")
    turns = []
    for i, turn in enumerate(model_input):
        if isinstance(turn, str):
            turn = {"text": turn}
        if not isinstance(turn, dict):
            raise ValueError(f"turn {i} is a {type(turn).__name__}, not {{speaker, text}}")
        turns.append((_as_text(turn.get("speaker"))[:MAX_CHARS], _as_text(turn.get("text"))[:MAX_CHARS]))
    return turns


def coerce_request(model_input) -> dict:
    """The label mapper's request dict, also when MLflow's schema enforcement has turned it into a
    one-row DataFrame or a JSON payload gave arrays."""
    if isinstance(model_input, pd.DataFrame):
        if len(model_input) != 1:
            raise ValueError(f"predict takes one request {{'from', 'to', 'values'}} at a time; got {len(model_input)} rows")
        model_input = model_input.iloc[0].to_dict()
    if isinstance(model_input, dict):
        return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in model_input.items()}
    return model_input  # the converter names the type it got
