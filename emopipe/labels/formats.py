"""Label formats: the variables each one has and how its native scale maps onto [0, 1].

Declared once here; the label-mapping data, the mapping model's encoders/decoders and the report
all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from data_contracts.vocab import BASIC6 as BE6
from data_contracts.vocab import GOEMOTIONS_LABELS, PLUTCHIK8, VAD


@dataclass(frozen=True)
class LabelFormat:
    name: str
    variables: tuple[str, ...]
    kind: str  # "dimensional" (continuous, Pearson r), "binary" (multi-label 0/1, F1), "categorical" (one-hot, F1)
    native_scale: str  # as the source gives it; values in the harmonized table are all in [0, 1]
    bipolar: tuple[str, ...] = ()  # variables with a neutral middle (valence, arousal, dominance): the emotion space reads them on [-1, 1]


FORMATS: dict[str, LabelFormat] = {
    f.name: f
    for f in [
        LabelFormat("nrc_vad", VAD, "dimensional", "[0, 1] (v1; v2.1 rescaled from [-1, 1])", bipolar=VAD),
        LabelFormat("warriner_vad", VAD, "dimensional", "1-9, rescaled (x - 1) / 8", bipolar=VAD),
        LabelFormat("emobank_vad", VAD, "dimensional", "1-5, rescaled (x - 1) / 4", bipolar=VAD),
        LabelFormat("emolex8", PLUTCHIK8, "binary", "0/1"),
        LabelFormat("eil8", PLUTCHIK8, "dimensional", "intensity [0, 1]; an emotion the lexicon does not rate is 0"),
        LabelFormat("semeval_be6", (*BE6, "valence"), "dimensional", "emotions 0-100 -> x / 100; valence -100..100 -> (x + 100) / 200",
                    bipolar=("valence",)),
        LabelFormat("goemotions28", GOEMOTIONS_LABELS, "categorical", "one-hot over the 28 labels"),
        LabelFormat("ekman6", BE6, "categorical", "one-hot over 6 Ekman groups; neutral is all zeros"),
    ]
}
