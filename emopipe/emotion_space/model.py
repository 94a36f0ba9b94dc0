"""Label encoders and decoders meeting in one emotion space (Buechel et al., arXiv 2308.07871;
reference code JULIELab/emotion-embeddings).

Encoder per format: k -> 128 -> 128 -> 100, LeakyReLU(0.01), dropout 0.2 (the reference's
`MappingFFN`); decoder per format: a bias-free `Linear(100, k)`. Dimensional formats read the
decoder's output as the value (MSE); binary and categorical formats read it as logits (BCE,
sigmoid at 0.5 to predict), which also covers ekman6's all-zero `neutral` rows.

Inside the space, bipolar variables (valence, arousal, dominance) are on [-1, 1] as in the
reference, so that with bias-free decoders the origin decodes to their neutral middle; the rest stay
on [0, 1]. `to_space` and `from_space` convert from and to the harmonized [0, 1] scale at the
boundary; `bipolar=False` keeps everything on [0, 1] (the ablation that measures the choice).
"""

from __future__ import annotations

import torch
from torch import nn

from emopipe.labels.formats import FORMATS

SPACE_SIZE = 100


def mapping_ffn(n_in: int, n_out: int, hidden: int = 128, dropout: float = 0.2) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, hidden), nn.LeakyReLU(0.01), nn.Dropout(dropout),
                         nn.Linear(hidden, hidden), nn.LeakyReLU(0.01), nn.Dropout(dropout), nn.Linear(hidden, n_out))


class EmotionSpace(nn.Module):
    def __init__(self, formats: list[str], size: int = SPACE_SIZE, bipolar: bool = True):
        super().__init__()
        unknown = sorted(set(formats) - set(FORMATS))
        if unknown:
            raise ValueError(f"unknown label formats {unknown}; known: {sorted(FORMATS)}")
        self.formats, self.size, self.bipolar = list(formats), size, bipolar
        self.encoders = nn.ModuleDict({f: mapping_ffn(len(FORMATS[f].variables), size) for f in formats})
        self.decoders = nn.ModuleDict({f: nn.Linear(size, len(FORMATS[f].variables), bias=False) for f in formats})

    def encode(self, fmt: str, values: torch.Tensor) -> torch.Tensor:
        return self.encoders[fmt](values)

    def decode(self, fmt: str, embedding: torch.Tensor) -> torch.Tensor:
        """Raw decoder output: values for dimensional formats, logits otherwise."""
        return self.decoders[fmt](embedding)

    def _bipolar_mask(self, fmt: str, like: torch.Tensor) -> torch.Tensor:
        variables = FORMATS[fmt].variables
        return torch.tensor([v in FORMATS[fmt].bipolar and self.bipolar for v in variables], device=like.device)

    def to_space(self, fmt: str, values: torch.Tensor) -> torch.Tensor:
        """Harmonized [0, 1] values -> the space's scale ([-1, 1] for bipolar variables)."""
        return torch.where(self._bipolar_mask(fmt, values), 2 * values - 1, values)

    def from_space(self, fmt: str, values: torch.Tensor) -> torch.Tensor:
        """The space's scale -> harmonized [0, 1] values (dimensional readouts)."""
        return torch.where(self._bipolar_mask(fmt, values), (values + 1) / 2, values)

    def decoder_row(self, fmt: str, variable: str) -> torch.Tensor:
        return self.decoders[fmt].weight[FORMATS[fmt].variables.index(variable)]


def reconstruction_loss(fmt: str, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    if FORMATS[fmt].kind == "dimensional":
        return nn.functional.mse_loss(output, target)
    return nn.functional.binary_cross_entropy_with_logits(output, target)


def readout(fmt: str, output: torch.Tensor) -> torch.Tensor:
    """The decoder's output as label values: as is for dimensional formats, 0/1 for the others."""
    if FORMATS[fmt].kind == "dimensional":
        return output
    return (output > 0).to(output.dtype)


def sharing_loss(space: EmotionSpace, equivalences: dict[str, tuple[tuple[str, str], ...]]) -> torch.Tensor:
    """Soft parameter sharing: the mean, over every pair of equivalent variables whose formats are
    both in the model, of 1 - cos(decoder row a, decoder row b)."""
    terms = []
    for members in equivalences.values():
        present = [(f, v) for f, v in members if f in space.decoders]
        rows = [space.decoder_row(f, v) for f, v in present]
        for i in range(len(rows)):
            for j in range(i + 1, len(rows)):
                terms.append(1 - nn.functional.cosine_similarity(rows[i], rows[j], dim=0))
    return torch.stack(terms).mean() if terms else torch.zeros(())
