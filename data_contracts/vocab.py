"""The closed label sets the contracts enforce."""

GOEMOTIONS_LABELS = (
    "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion", "curiosity", "desire",
    "disappointment", "disapproval", "disgust", "embarrassment", "excitement", "fear", "gratitude", "grief", "joy",
    "love", "nervousness", "optimism", "pride", "realization", "relief", "remorse", "sadness", "surprise", "neutral",
)
EKMAN_GROUPS = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
SENTIMENT_GROUPS = ("positive", "negative", "ambiguous", "neutral")
VAD = ("valence", "arousal", "dominance")
BASIC6 = ("anger", "disgust", "fear", "joy", "sadness", "surprise")  # Ekman's six, as SemEval-2007 rates them
PLUTCHIK8 = ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust")
MELD_EMOTIONS = ("neutral", "joy", "surprise", "anger", "sadness", "disgust", "fear")
EMORYNLP_EMOTIONS = ("neutral", "joyful", "scared", "mad", "peaceful", "powerful", "sad")
THREE_SPLITS = ("train", "dev", "test")
LABEL_FORMATS = (
    "nrc_vad", "warriner_vad", "emolex8", "eil8", "emobank_vad", "semeval_be6", "goemotions28", "ekman6",
)
