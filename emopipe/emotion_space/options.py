"""The Emotion Embeddings method's options and budgets per profile, for the label mapper and the
content encoders: the one place their defaults are written (the assets' Dagster config is derived
from these classes)."""

from __future__ import annotations

from dataclasses import dataclass

from emopipe.training.encoders import TINY
from emopipe.training.profiles import FROZEN_LAYERS, MIXED_PRECISION, setting


@dataclass(frozen=True)
class MappingOptions:
    batch_size: int = setting(64, "items per pair per step")
    learning_rate: float = setting(1e-3, "Adam")
    autoencode_weight: float = setting(1.0, "format -> space -> same format")
    mapping_weight: float = setting(1.0, "format -> space -> the pair's other format, both ways")
    embedding_weight: float = setting(1.0, "MSE between an item's two embeddings")
    sharing_weight: float = setting(1.0, "1 - cos between decoder rows of equivalent variables; 0 = the no-sharing ablation")
    bipolar: bool = setting(True, "valence, arousal and dominance on [-1, 1] inside the space, as the reference (its origin decodes "
                                  "to their neutral middle); false keeps every variable on [0, 1]. The run trains the other "
                                  "choice too, as the unitscale_ / bipolar_ ablation")


@dataclass(frozen=True)
class MappingBudget:
    epochs: int = setting(help="passes over the largest pair (smaller pairs cycle)")


MAPPING_BUDGETS = {"smoke": MappingBudget(3), "cpu": MappingBudget(20), "gpu": MappingBudget(20)}


@dataclass(frozen=True)
class ContentOptions:
    word_epochs: int = setting(40, "passes of the word encoder's MLP over the NRC VAD words")
    word_learning_rate: float = setting(1e-3, "Adam, for the word encoder's MLP")
    augment_weight: float = setting(1.0, "weight of the mapper-generated be6 target in the augmented text encoder")


@dataclass(frozen=True)
class ContentBudget:
    """What a profile spends on the content encoders (three text encoders, one word MLP)."""

    encoder: str = setting(help="pretrained encoder: base (MiniLM-L6), retrofitted (the emopipe-retrofitted-plm model), "
                                "tiny-random-bert, a Hugging Face name or a local path")
    text_epochs: int = setting(help="EmoBank passes of each text encoder")
    supervised_epochs: int | None = setting(help="SemEval passes of the supervised be6 model (about 940 headlines); "
                                                 "4 x text_epochs when unset")
    max_length: int = setting(help="tokens per text")
    batch_size: int = setting(help="texts per step")
    learning_rate: float = setting(help="encoder learning rate")
    head_learning_rate: float = setting(help="MLP learning rate")
    inference_batch_size: int = setting(128, "texts per batch when predicting")
    frozen_layers: int = setting(0, FROZEN_LAYERS)
    bf16: bool = setting(True, MIXED_PRECISION)
    pooling: str = setting("mean", "text vector: mean (of the token states) | cls | pooler (BERT's pooled [CLS], the reference's)")
    head: str = setting("mlp", "into the space: mlp (the label encoders' k -> 128 -> 128 -> 100) | linear (Linear(hidden, 100), "
                               "the reference's)")
    weight_decay: float = setting(0.01, "AdamW weight decay (the reference: 0)")
    step_gamma: float | None = setting(None, "a rate multiplied by this after every epoch (1.0: constant, as the reference, "
                                             "which has no scheduler); warm-up and linear decay when unset")

    @property
    def supervised_passes(self) -> int:
        return self.supervised_epochs if self.supervised_epochs is not None else 4 * self.text_epochs


CONTENT_BUDGETS = {
    "smoke": ContentBudget(TINY, text_epochs=1, supervised_epochs=1, max_length=32, batch_size=16, learning_rate=5e-3,
                           head_learning_rate=1e-2),
    # float32 on every CPU, so a CPU with native bf16 trains the recipe docs/budgets.md measured
    "cpu": ContentBudget("base", text_epochs=2, supervised_epochs=None, max_length=64, batch_size=32, learning_rate=8e-5,
                         head_learning_rate=1e-3, bf16=False),
    # The paper's text encoder (JULIELab/emotion-embeddings, experiments/text): bert-base-uncased, BERT's pooled [CLS]
    # through Linear(768, 100), AdamW at 1e-5 for everything, no scheduler, 20 epochs, batch 24, no length limit
    # (512 here, BERT's own); the supervised model trains 40 epochs on SemEval (AffTextBE5's).
    "gpu": ContentBudget("bert-base-uncased", text_epochs=20, supervised_epochs=40, max_length=512, batch_size=24,
                         learning_rate=1e-5, head_learning_rate=1e-5, pooling="pooler", head="linear", weight_decay=0.0,
                         step_gamma=1.0),
}
