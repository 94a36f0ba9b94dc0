"""Text models over a pretrained encoder: a classifier (the paper's cross-entropy baseline), a
VAD regressor ("Dimension is All You Need?", Ben-Tov & Frenkel) and the projection head that
retrofitting trains through (linear, or an MLP as in SimCLR/SupCon).

Both pool the encoder's token states by attention-masked mean, as all-MiniLM-L6-v2 was trained
to. The paper's reference code takes BERT's [CLS] state instead; mean pooling is our deliberate
difference for the MiniLM default (`pooling="cls"` restores the paper's choice).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class TextModelConfig:
    kind: str  # "classifier" | "vad_regressor" | "linear_projection" | "mlp_projection"
    hidden_size: int
    n_outputs: int  # classes for the classifier, 3 (V, A, D) for the regressor, the projection's size
    head_hidden: int = 256
    dropout: float = 0.1
    pooling: str = "mean"  # "mean" | "cls"

    def to_dict(self) -> dict:
        return asdict(self)


def pool(hidden: torch.Tensor, attention_mask: torch.Tensor, how: str) -> torch.Tensor:
    if how == "cls":
        return hidden[:, 0]
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


class TextModel(nn.Module):
    """encoder -> pooled sentence vector -> head. The classifier's head is linear (logits); the
    regressor's is a small MLP ending in a sigmoid, so V, A, D lie in (0, 1) like the targets."""

    def __init__(self, encoder: nn.Module, config: TextModelConfig):
        super().__init__()
        self.encoder, self.config = encoder, config
        self.dropout = nn.Dropout(config.dropout)
        if config.kind == "classifier":
            self.head = nn.Linear(config.hidden_size, config.n_outputs)
        elif config.kind == "vad_regressor":
            self.head = nn.Sequential(
                nn.Linear(config.hidden_size, config.head_hidden), nn.GELU(), nn.Dropout(config.dropout),
                nn.Linear(config.head_hidden, config.n_outputs), nn.Sigmoid(),
            )
        elif config.kind == "linear_projection":
            self.head = nn.Linear(config.hidden_size, config.n_outputs)
        elif config.kind == "mlp_projection":
            self.head = nn.Sequential(nn.Linear(config.hidden_size, config.hidden_size), nn.ReLU(),
                                      nn.Linear(config.hidden_size, config.n_outputs))
        else:
            raise ValueError(f"unknown text model kind {config.kind!r}")

    def embed(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return pool(hidden, attention_mask, self.config.pooling)

    def head_of(self, embedding: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(embedding).float())

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.head_of(self.embed(input_ids, attention_mask))


class SentenceEncoder(nn.Module):
    """encoder -> pooled sentence vector, nothing on top: how a retrofitted encoder is served."""

    def __init__(self, encoder: nn.Module, pooling: str = "mean"):
        super().__init__()
        self.encoder, self.pooling = encoder, pooling

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return pool(hidden, attention_mask, self.pooling)
