"""EACL's model (Yu et al., arXiv 2403.20289): the encoder's state at the prompt's mask token is the
utterance representation. A linear head on it gives the cross-entropy logits; an MLP (Linear,
LayerNorm, ReLU, Linear, as the reference's `map_function`) maps it, and the emotion label words'
embeddings, into the space where utterances meet their emotion anchors. Prediction is the nearest
anchor by (1 + cos) / 2.

Differences from the reference, on purpose: its label-word embeddings come from a separate
sup-simcse-roberta-large run saved to disk; ours are the training encoder's own mean-pooled
embeddings of the label words, computed once before training and kept fixed (the MLP on top learns).
The reference code compares the input with a hard-coded mask id (50265) that is not RoBERTa's
(50264), so no position matches and it pools the first token (`<s>`); we pool at the tokenizer's
own mask token, and `pooling: first` reproduces what the reference actually does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from emopipe.losses.anchor_contrastive import pair_similarity

POOLINGS = ("mask", "first")


@dataclass(frozen=True)
class EaclConfig:
    hidden_size: int
    n_classes: int
    mask_token_id: int
    anchor_dim: int = 256
    dropout: float = 0.1
    pooling: str = "mask"  # mask: the state at the mask token (the paper); first: the first token's (what the reference code pools)

    def __post_init__(self):
        if self.pooling not in POOLINGS:
            raise ValueError(f"unknown EACL pooling {self.pooling!r}; expected one of {POOLINGS}")

    def to_dict(self) -> dict:
        return asdict(self)


class EaclModel(nn.Module):
    def __init__(self, encoder: nn.Module, config: EaclConfig, label_words: torch.Tensor):
        super().__init__()
        if label_words.shape != (config.n_classes, config.hidden_size):
            raise ValueError(f"label_words must be ({config.n_classes}, {config.hidden_size}), got {tuple(label_words.shape)}")
        self.encoder, self.config = encoder, config
        self.register_buffer("label_words", label_words.float().clone())
        self.dropout = nn.Dropout(config.dropout)
        self.predictor = nn.Linear(config.hidden_size, config.n_classes)
        self.map_function = nn.Sequential(nn.Linear(config.hidden_size, config.hidden_size), nn.LayerNorm(config.hidden_size), nn.ReLU(),
                                          nn.Linear(config.hidden_size, config.anchor_dim))

    def mask_state(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """The utterance's state: at the mask token, or (pooling "first") at the first token."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        if self.config.pooling == "first":
            return hidden[:, 0]
        position = (input_ids == self.config.mask_token_id).int().argmax(1)  # the prompt holds exactly one mask
        return hidden[torch.arange(len(input_ids), device=input_ids.device), position]

    def heads(self, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(CE logits, mapped representation) of mask states."""
        return self.predictor(self.dropout(state).float()), self.map_function(state.float())

    def anchors(self) -> torch.Tensor:
        return self.map_function(self.label_words)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """CE logits (what the baseline predicts with)."""
        return self.heads(self.mask_state(input_ids, attention_mask))[0]

    def represent(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.map_function(self.mask_state(input_ids, attention_mask).float())

    def anchor_scores(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """(1 + cos) / 2 to every anchor: argmax is EACL's stage-1 prediction."""
        return pair_similarity(self.represent(input_ids, attention_mask), self.anchors())


class AnchorClassifier(nn.Module):
    """Stage 2: the encoder is frozen and the anchors themselves are fine-tuned as a cosine classifier
    over mapped representations, logits (1 + cos) / 2 / temperature."""

    def __init__(self, anchors: torch.Tensor, temperature: float = 0.1):
        super().__init__()
        self.weight = nn.Parameter(anchors.detach().float().clone())
        self.temperature = temperature

    def forward(self, reps: torch.Tensor) -> torch.Tensor:
        return pair_similarity(reps, self.weight) / self.temperature
