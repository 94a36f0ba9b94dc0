"""Data contracts: one dataframely schema per table emopipe persists.

This package imports nothing from emopipe, so a contract cannot drift along with the code it
constrains. `CONTRACTS` maps each asset key to its schema.
"""

from data_contracts.datasets import (
    ConversationUtterances,
    DownstreamTasks,
    EmotionLabelPoints,
    GoEmotionsVad,
    LabelMappingDatasets,
)
from data_contracts.scoring import ScoredTexts
from data_contracts.sources import (
    Emobank,
    Emorynlp,
    GoEmotions,
    Meld,
    NrcEmolex,
    NrcEmotionIntensity,
    NrcVadLexicon,
    SarcasmHeadlines,
    SemevalAffectiveText,
    Sst2,
    WarrinerVad,
)

CONTRACTS = {
    "goemotions": GoEmotions,
    "nrc_vad_lexicon": NrcVadLexicon,
    "nrc_emolex": NrcEmolex,
    "nrc_emotion_intensity": NrcEmotionIntensity,
    "warriner_vad": WarrinerVad,
    "emobank": Emobank,
    "semeval_affective_text": SemevalAffectiveText,
    "meld": Meld,
    "emorynlp": Emorynlp,
    "sst2": Sst2,
    "sarcasm_headlines": SarcasmHeadlines,
    "emotion_label_points": EmotionLabelPoints,
    "goemotions_vad": GoEmotionsVad,
    "label_mapping_datasets": LabelMappingDatasets,
    "conversation_utterances": ConversationUtterances,
    "downstream_tasks": DownstreamTasks,
    "scored_texts": ScoredTexts,  # plus the label mapper's columns of the format asked for: scoring.scored_texts_contract
}

__all__ = ["CONTRACTS", *sorted(s.__name__ for s in CONTRACTS.values())]
