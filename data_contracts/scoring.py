"""The contract of a scored corpus (`scored_texts`): one row per good row of the user's file."""

from collections.abc import Sequence

import dataframely as dy
import polars as pl

from data_contracts.vocab import EMORYNLP_EMOTIONS, GOEMOTIONS_LABELS, MELD_EMOTIONS

_PROBABILITIES = {f"prob_{label}": dy.Float64(min=0.0, max=1.0, description=f"GoEmotions baseline: probability of {label}")
                  for label in GOEMOTIONS_LABELS}


class _ScoredTexts(dy.Schema):
    line = dy.Int64(primary_key=True, min=1, description="line of the user's file (Parquet: 1-based row)")
    text = dy.String(min_length=1, description="the text as read")
    dialogue = dy.String(nullable=True, description="conversation id (conversation corpora only)")
    speaker = dy.String(nullable=True, description="speaker of the turn (conversation corpora only)")
    valence = dy.Float64(description="VAD regressor: valence (the label points' scale, about [0, 1])")
    arousal = dy.Float64(description="VAD regressor: arousal")
    dominance = dy.Float64(description="VAD regressor: dominance")
    vad_emotion = dy.Enum(GOEMOTIONS_LABELS, description="VAD regressor: the label its back-classifier reads from the VAD point")
    top_emotion = dy.Enum(GOEMOTIONS_LABELS, description="GoEmotions baseline: the most probable label")
    probability = dy.Float64(min=0.0, max=1.0, description="GoEmotions baseline: probability of top_emotion")
    eacl_emotion = dy.Enum(sorted({*MELD_EMOTIONS, *EMORYNLP_EMOTIONS}), nullable=True,
                           description="EACL: the emotion of the turn in its dialogue (conversation corpora only)")
    eacl_score = dy.Float64(min=0.0, max=1.0, nullable=True, description="EACL: (1 + cos) / 2 to the nearest anchor")

    @dy.rule()
    def conversation_columns_together(cls) -> pl.Expr:
        present = [pl.col(c).is_not_null() for c in ("dialogue", "speaker", "eacl_emotion", "eacl_score")]
        return pl.all_horizontal(present) | ~pl.any_horizontal(present)


ScoredTexts = type("ScoredTexts", (_ScoredTexts,), {"__doc__": "A scored corpus: VAD, the 28 probabilities, EACL for turns.",
                                                   "__module__": __name__, **_PROBABILITIES})


def scored_texts_contract(to_format: str, variables: Sequence[str]) -> type[dy.Schema]:
    """ScoredTexts with the label mapper's columns for `to_format` (`<format>_<variable>`)."""
    mapped = {f"{to_format}_{v}": dy.Float64(description=f"label mapper: {v} in {to_format}, read from the 28 probabilities")
              for v in variables}
    return type(f"ScoredTexts_{to_format}", (ScoredTexts,), {"__module__": __name__, **mapped})

