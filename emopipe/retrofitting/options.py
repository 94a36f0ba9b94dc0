"""Retrofitting's options and its budget per profile: the one place their defaults are written (the
`retrofitted_plm` Dagster config is derived from these classes)."""

from __future__ import annotations

from dataclasses import dataclass

from emopipe.training.encoders import TINY
from emopipe.training.profiles import FROZEN_LAYERS, MIXED_PRECISION, setting

PROJECTIONS = ("linear", "mlp")


@dataclass(frozen=True)
class RetrofitOptions:
    temperature: float = setting(0.1, "SupCon temperature (the paper is silent; Khosla et al.'s value)")
    preservation_weight: float = setting(10.0, "lambda of the vector-space preservation MSE; 0 = no preservation (the ablation)")
    projection: str = setting("mlp", "projection head to projection_dim: linear | mlp")
    projection_dim: int = setting(64, "size of the contrastive projection (the paper: 64)")
    m_per_class: int = setting(4, "items per class in a batch (MPerClassSampler)")
    epochs: int = setting(1, "contrastive epochs")
    probe: str = setting("knn", "downstream probe on frozen embeddings: knn (the paper's for sentiment; it names none for "
                                "sarcasm, which gets the same) | logistic")
    probe_neighbours: int = setting(5, "k of the knn probe (the paper does not give it), cosine distance")

    def __post_init__(self):
        if self.projection not in PROJECTIONS:
            raise ValueError(f"unknown projection {self.projection!r}; expected one of {PROJECTIONS}")
        if self.temperature <= 0 or self.preservation_weight < 0:
            raise ValueError("temperature must be > 0 and preservation_weight >= 0")


@dataclass(frozen=True)
class FewShotOptions:
    sizes: tuple[int, ...] = setting((16, 64, 256), "few-shot examples per class")
    seeds: tuple[int, ...] = setting((0, 1, 2), "few-shot draws (mean and std over them)")
    batch_size: int = setting(16, "few-shot batch size")
    min_epochs: int = setting(2, "few-shot epochs at least")
    min_steps: int = setting(20, "few-shot optimizer steps at least (more epochs for the smallest sets)")
    learning_rate: float = setting(5e-5, "few-shot encoder learning rate")
    head_learning_rate: float = setting(1e-3, "few-shot head learning rate")


@dataclass(frozen=True)
class RetrofitBudget:
    """What a profile spends on retrofitting and its evaluation."""

    encoders: tuple[str, ...] = setting(help="encoders to retrofit, each registered on its own (the first as "
                                             "emopipe-retrofitted-plm, others with their name appended)")
    examples_per_epoch: int | None = setting(help="items the class-balanced sampler draws per epoch; the train split's size when unset")
    probe_train_limit: int | None = setting(help="probe training sentences per task; all when unset")
    eval_limit: int | None = setting(help="GoEmotions dev and test items scored; all when unset")
    max_length: int = setting(help="tokens per text")
    batch_size: int = setting(help="texts per contrastive batch (a multiple of m_per_class)")
    learning_rate: float = setting(help="encoder learning rate")
    head_learning_rate: float = setting(help="projection head learning rate")
    picture_items: int = setting(2000, "test items in the t-SNE picture")
    inference_batch_size: int = setting(128, "texts per batch when embedding")
    frozen_layers: int = setting(0, FROZEN_LAYERS)
    length_groups: int = setting(1, "a contrastive batch is forwarded in this many length-sorted parts, each padded to its own "
                                    "longest text (same loss, less padding computed)")
    bf16: bool = setting(True, MIXED_PRECISION)
    pooling: str = setting("mean", "sentence embedding: mean (of the token states; how MiniLM was trained) | cls (the first token's, "
                                   "the paper's [CLS]) | pooler")


BUDGETS = {
    "smoke": RetrofitBudget((TINY,), examples_per_epoch=64, probe_train_limit=60, eval_limit=80, max_length=32, batch_size=16,
                            learning_rate=5e-3, head_learning_rate=1e-2, picture_items=60, length_groups=2),
    # the cpu profile's contrastive phase sees 16,000 sampled items and the probes train on 4,000 sentences per task
    # (the paper: all of them); a batch forwarded in two length-sorted parts computes 25% fewer tokens and steps 1.15x
    # faster on 2 AVX2 cores (benchmarks/length_groups.py; three or four parts: smaller products, no faster);
    # float32 on every CPU, so a CPU with native bf16 trains the recipe docs/budgets.md measured
    "cpu": RetrofitBudget(("base",), examples_per_epoch=16_000, probe_train_limit=4_000, eval_limit=None, max_length=64,
                          batch_size=32, learning_rate=8e-5, head_learning_rate=1e-3, length_groups=2, bf16=False),
    # BERTEmo and RoBERTaEmo: [CLS] into the 64-d projection head, as the paper
    "gpu": RetrofitBudget(("bert-base-uncased", "roberta-base"), examples_per_epoch=None, probe_train_limit=None, eval_limit=None,
                          max_length=50, batch_size=16, learning_rate=5e-5, head_learning_rate=5e-5, pooling="cls"),
}
