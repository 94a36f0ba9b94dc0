"""The dimensional method's options and its budget per profile: the one place their defaults are
written (the assets' Dagster config is derived from these classes)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from emopipe.training.profiles import FROZEN_LAYERS, MIXED_PRECISION, setting

MAPPERS = {"nrc": "nrc_", "nrc_scaled": "scaled_", "arbitrary": "arbitrary_"}  # mapper -> column prefix in emotion_label_points


@dataclass(frozen=True)
class VadOptions:
    mapper: str = setting("nrc_scaled", "label -> VAD mapping: nrc | nrc_scaled | arbitrary")
    loss: str = setting("mae", "mae | mse | mae_ce")
    ce_weight: float = setting(0.1, "lambda of mae_ce")
    classifier: str = setting("svm", "back to labels: 1nn | svm (SVC C=10, gamma=3.5)")


@dataclass(frozen=True)
class BaselineOptions:
    objective: str = setting("multilabel", "multilabel: a sigmoid per label, a label predicted above `threshold`, scored as "
                                           "multi-label predictions (GoEmotions' own recipe: the paper's baseline); softmax: one "
                                           "label by argmax (a variant)")
    threshold: float = setting(0.3, "probability above which a label is predicted (multilabel; GoEmotions': 0.3)")

    def __post_init__(self):
        if self.objective not in ("multilabel", "softmax"):
            raise ValueError(f"unknown baseline objective {self.objective!r}; expected multilabel or softmax")
        if not 0 < self.threshold < 1:
            raise ValueError(f"threshold must be in (0, 1), got {self.threshold}")


@dataclass(frozen=True)
class TextBudget:
    """What a profile spends on one GoEmotions model (the VAD regressor or the baseline)."""

    encoder: str = setting(help="pretrained encoder: base (MiniLM-L6), retrofitted (the emopipe-retrofitted-plm model), "
                                "tiny-random-bert, a Hugging Face name or a local path")
    epochs: int = setting(help="passes over the training split")
    max_length: int = setting(help="tokens per text")
    batch_size: int = setting(help="texts per step")
    learning_rate: float = setting(help="encoder learning rate")
    head_learning_rate: float = setting(help="head learning rate")
    train_limit: int | None = setting(help="at most this many training texts (a seeded subset); all when unset")
    eval_limit: int | None = setting(help="at most this many dev and test texts; all when unset")
    svm_fit_limit: int | None = setting(help="training predictions the SVM back-classifier is fitted on; all when unset")
    inference_batch_size: int = setting(128, "texts per batch when predicting")
    frozen_layers: int = setting(0, FROZEN_LAYERS)
    bf16: bool = setting(True, MIXED_PRECISION)
    pooling: str = setting("mean", "sentence vector: mean (of the token states; how MiniLM was trained) | cls (the first "
                                   "token's state) | pooler (BERT's pooled [CLS], the paper's)")
    head: str = setting("mlp", "the VAD regressor's head: linear (Linear(hidden, 3) + sigmoid, the paper's) | mlp (256 wide)")
    weight_decay: float = setting(0.01, "AdamW weight decay (the paper: 0)")
    warmup_ratio: float = setting(0.06, "share of the steps with a linear warm-up, then linear decay (the paper: 0.1)")


_SMOKE = TextBudget("tiny-random-bert", epochs=2, max_length=32, batch_size=16, learning_rate=5e-3, head_learning_rate=1e-2,
                    train_limit=400, eval_limit=200, svm_fit_limit=400)
# float32 on every CPU (the figures in docs/budgets.md were measured in float32, and bf16 changes them)
_CPU = TextBudget("base", epochs=3, max_length=64, batch_size=32, learning_rate=8e-5, head_learning_rate=1e-3,
                  train_limit=None, eval_limit=None, svm_fit_limit=None, bf16=False)
# The gpu budgets are the reference's paper configs (matanbt/emotion-recognition-nlp-project, config/paper_configs):
# bert-base-cased, BERT's pooled [CLS], max length 50, batch 16, one learning rate 5e-5, warm-up 0.1, weight decay 0.
_PAPER = TextBudget("bert-base-cased", epochs=10, max_length=50, batch_size=16, learning_rate=5e-5, head_learning_rate=5e-5,
                    train_limit=None, eval_limit=None, svm_fit_limit=None, pooling="pooler", head="linear", weight_decay=0.0,
                    warmup_ratio=0.1)
# The baseline keeps its test macro-F1 with the embeddings and 4 lowest layers frozen (their output computed once) in
# a third of the time; the VAD model loses 0.06 that way, so it trains every layer (docs/budgets.md).
BASELINE_BUDGETS = {"smoke": _SMOKE, "cpu": replace(_CPU, frozen_layers=4), "gpu": replace(_PAPER, epochs=4)}  # ge_baseline.json: 4 epochs
VAD_BUDGETS = {"smoke": _SMOKE, "cpu": _CPU, "gpu": _PAPER}  # mae_scaled.json: 10 epochs, Linear(768, 3) + sigmoid
