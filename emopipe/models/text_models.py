"""Text models over a pretrained encoder: a classifier (softmax), a multi-label classifier (sigmoid
per label, GoEmotions' own baseline recipe), a VAD regressor ("Dimension is All You Need?",
Ben-Tov & Frenkel) and the projection head that retrofitting trains through (linear, or an MLP as
in SimCLR/SupCon).

Pooling is a setting: `mean` (attention-masked mean of the token states, as all-MiniLM-L6-v2 was
trained to), `cls` (the first token's state) or `pooler` (BERT's pooled [CLS]: its pooler's dense
layer and tanh over the first token, what the VAD paper's reference code reads). The regressor's
head is `linear` (Linear(hidden, 3) + sigmoid, the paper's) or `mlp` (a 256-wide hidden layer).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

POOLINGS = ("mean", "cls", "pooler")
HEADS = ("mlp", "linear")
KINDS = ("classifier", "multilabel", "vad_regressor", "linear_projection", "mlp_projection")


@dataclass(frozen=True)
class TextModelConfig:
    kind: str  # one of KINDS
    hidden_size: int
    n_outputs: int  # classes for the classifiers, 3 (V, A, D) for the regressor, the projection's size
    head_hidden: int = 256
    dropout: float = 0.1
    pooling: str = "mean"  # one of POOLINGS
    head: str = "mlp"  # the regressor's head: one of HEADS

    def __post_init__(self):
        for name, value, allowed in (("kind", self.kind, KINDS), ("pooling", self.pooling, POOLINGS), ("head", self.head, HEADS)):
            if value not in allowed:
                raise ValueError(f"unknown text model {name} {value!r}; expected one of {allowed}")

    def to_dict(self) -> dict:
        return asdict(self)


def pool(hidden: torch.Tensor, attention_mask: torch.Tensor, how: str) -> torch.Tensor:
    """Mean or first-token pooling of token states (`pooler` needs the encoder's output: see `encode`)."""
    if how == "cls":
        return hidden[:, 0]
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def encode(encoder: nn.Module, input_ids: torch.Tensor, attention_mask: torch.Tensor, how: str) -> torch.Tensor:
    """One vector per sequence from a Hugging Face encoder, pooled `how`."""
    output = encoder(input_ids=input_ids, attention_mask=attention_mask)
    if how == "pooler":
        if getattr(output, "pooler_output", None) is None:
            raise ValueError(f"pooling 'pooler' needs an encoder with a pooler layer; {type(encoder).__name__} has none")
        return output.pooler_output
    return pool(output.last_hidden_state, attention_mask, how)


class TextModel(nn.Module):
    """encoder -> pooled sentence vector -> head. The classifiers' heads are linear (logits); the
    regressor's ends in a sigmoid, so V, A, D lie in (0, 1) like the targets."""

    def __init__(self, encoder: nn.Module, config: TextModelConfig):
        super().__init__()
        self.encoder, self.config = encoder, config
        self.dropout = nn.Dropout(config.dropout)
        if config.kind in ("classifier", "multilabel", "linear_projection"):
            self.head = nn.Linear(config.hidden_size, config.n_outputs)
        elif config.kind == "vad_regressor" and config.head == "linear":
            self.head = nn.Sequential(nn.Linear(config.hidden_size, config.n_outputs), nn.Sigmoid())
        elif config.kind == "vad_regressor":
            self.head = nn.Sequential(
                nn.Linear(config.hidden_size, config.head_hidden), nn.GELU(), nn.Dropout(config.dropout),
                nn.Linear(config.head_hidden, config.n_outputs), nn.Sigmoid(),
            )
        else:  # mlp_projection
            self.head = nn.Sequential(nn.Linear(config.hidden_size, config.hidden_size), nn.ReLU(),
                                      nn.Linear(config.hidden_size, config.n_outputs))

    def embed(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return encode(self.encoder, input_ids, attention_mask, self.config.pooling)

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
        return encode(self.encoder, input_ids, attention_mask, self.pooling)
