"""EACL's options and its budget per profile: the one place their defaults are written (the
`eacl_checkpoints` Dagster config is derived from these classes)."""

from __future__ import annotations

from dataclasses import dataclass

from emopipe.training.encoders import TINY
from emopipe.training.profiles import FROZEN_LAYERS, MIXED_PRECISION, setting


@dataclass(frozen=True)
class EaclOptions:
    ce_weight: float = setting(0.1, "weight of cross-entropy in EACL's loss")
    contrastive_weight: float = setting(0.9, "weight of the anchor-augmented supervised contrastive loss")
    angle_weight: float = setting(0.1, "weight of the angle loss; 0 = the no-angle ablation")
    temperature: float = setting(0.1, "contrastive and stage-2 temperature")
    pooling: str = setting("mask", "mask: the state at the tokenizer's mask token (the paper); first: the first token's, what the "
                                   "reference code pools in practice (its hard-coded mask id is off by one), as an ablation")
    stage_two: bool = setting(True, "fine-tune the anchors as a cosine classifier; false = the no-stage-2 ablation")
    stage_two_epochs: int = setting(10, "stage-2 epochs (the reference: 10)")
    stage_two_batch_size: int = setting(64, "stage-2 batch size (the reference: 64)")
    baseline: bool = setting(True, "train the cross-entropy baseline in the same run (same encoder, prompt, budget)")

    def __post_init__(self):
        if self.temperature <= 0 or min(self.ce_weight, self.contrastive_weight, self.angle_weight) < 0:
            raise ValueError("temperature must be > 0 and the loss weights >= 0")


@dataclass(frozen=True)
class ErcBudget:
    """What one profile spends on one ERC dataset (both EACL and its baseline get all of it)."""

    encoder: str = setting(help="pretrained encoder: base, retrofitted, a Hugging Face name or a local path "
                                "(a masked-language-model tokenizer is needed)")
    epochs: int = setting(help="stage-1 epochs (both models)")
    max_length: int = setting(help="prompt length in tokens")
    past_turns: int = setting(help="context window: past turns in the prompt (the paper: 8)")
    batch_size: int = setting(help="prompts per step")
    learning_rate: float = setting(help="encoder learning rate")
    head_learning_rate: float = setting(help="learning rate of the CE head and the anchor MLP")
    step_gamma: float | None = setting(None, "StepLR: multiply the rates by this after every epoch (the reference: 0.5); "
                                             "warm-up and linear decay when unset")
    dialogue_limit: int | None = setting(None, "train dialogues kept (seeded); all when unset")
    frozen_layers: int = setting(0, FROZEN_LAYERS)
    stage_two_lr: float = setting(1e-4, "stage-2 learning rate of the anchors (the reference: 1e-4)")
    max_grad_norm: float = setting(1.0, "gradients are clipped to this total norm (the reference: 5.0)")
    bf16: bool = setting(True, MIXED_PRECISION)
    inference_batch_size: int = setting(128, "prompts per batch when predicting")
    anchor_dim: int | None = setting(256, "width of the space where utterances meet their emotion anchors; the encoder's "
                                          "width when unset (the reference maps to it)")


BUDGETS = {
    "smoke": ErcBudget(TINY, epochs=2, max_length=96, past_turns=8, batch_size=8, learning_rate=5e-3, head_learning_rate=1e-2,
                       stage_two_lr=1e-2),
    # MiniLM-L6 on 2 cores. The paper's full prompt (8 past turns) tied its baseline on MELD and takes about
    # 45 minutes for the pair in float32; 2 past turns with the embeddings and the lowest layers frozen take
    # 12-18 (docs/eacl.md). 3 frozen layers: the best mean dev weighted F1 over the two datasets of 2, 3 and 4 (2: MELD
    # 0.571, EmoryNLP 0.354; 3: 0.570, 0.361), and a minute or two less per dataset (docs/budgets.md).
    # Float32 on every CPU: the seeds were measured in float32. Heads at 3e-3 were chosen with the full prompt on EACL's MELD dev weighted F1.
    "cpu": ErcBudget("base", epochs=2, max_length=128, past_turns=2, batch_size=32, learning_rate=8e-5, head_learning_rate=3e-3,
                     stage_two_lr=1e-2, frozen_layers=3, bf16=False),
    # The paper's settings: a RoBERTa-large-class encoder (the reference's sup-simcse-roberta-large),
    # 8 epochs, batch 64, lr 1e-5 encoder / 4e-4 heads, max length 256, StepLR gamma 0.5, clipping at norm 5,
    # anchors mapped to the encoder's width (1024).
    "gpu": ErcBudget("princeton-nlp/sup-simcse-roberta-large", epochs=8, max_length=256, past_turns=8, batch_size=64,
                     learning_rate=1e-5, head_learning_rate=4e-4, step_gamma=0.5, max_grad_norm=5.0, anchor_dim=None),
}
