"""The served text encoder as a folder and back: `model.safetensors` + `config.json` (encoder and
MLP), `encoder/` (the encoder's config and tokenizer, no weights) and `space/` (the label mapper it
was trained into, for its decoders). No pickles. `TextReader` turns texts into points or into label
values of any format the space decodes: `load(folder).predict(["what a day"], {"format": "semeval_be6"})`,
where `format` is any format of the label mapper it was trained into (default `emobank_vad`, what it
learned directly), or `embedding` for the 100-d points themselves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from emopipe.emotion_space.content_encoder import ContentEncoder, read
from emopipe.emotion_space.convert import load_space, save_space
from emopipe.labels.formats import FORMATS
from emopipe.serving_inputs import coerce_texts
from emopipe.training.batching import tokenize
from emopipe.training.checkpoints import load_weights, read_config, save_weights
from emopipe.training.encoders import encoder_from_files, save_encoder_files
from emopipe.training.inference import predict

EMBEDDING = "embedding"
DEFAULT_FORMAT = "emobank_vad"
EXAMPLE = ["I am so happy for you!", "Police find body in burned car"]


def export_content_encoder(model: ContentEncoder, tokenizer, config: dict, space, folder: Path) -> Path:
    save_weights(model, folder, config)
    save_encoder_files(model.encoder, tokenizer, folder)
    save_space(space, folder / "space")
    return folder


class TextReader:
    def __init__(self, folder: Path):
        self.config = read_config(folder)
        encoder, self.tokenizer = encoder_from_files(folder)
        self.model = ContentEncoder(encoder, self.config["hidden_size"], self.config["size"], self.config.get("pooling", "mean"),
                                    self.config.get("head", "mlp"))  # encoders registered before these settings: mean, mlp
        load_weights(self.model, folder)
        self.model.eval()
        self.space = load_space(folder / "space")

    @property
    def formats(self) -> list[str]:
        return [EMBEDDING, *self.space.formats]

    def read(self, texts: list[str], fmt: str) -> pd.DataFrame:
        """One row per text: the format's variables by name, or one `embedding` column of 100-d points."""
        if fmt not in self.formats:
            raise ValueError(f"unknown format {fmt!r}; this encoder reads texts as {', '.join(self.formats)}")
        columns = [EMBEDDING] if fmt == EMBEDDING else list(FORMATS[fmt].variables)
        if not texts:
            return pd.DataFrame(columns=columns)
        ids = tokenize(self.tokenizer, texts, self.config["max_length"])
        points = predict(self.model, ids, self.tokenizer.pad_token_id, batch_size=64, bf16=False)
        if fmt == EMBEDDING:
            return pd.DataFrame({EMBEDDING: list(points.astype(np.float32))})
        return pd.DataFrame(read(self.space, fmt, points), columns=columns)

    def predict(self, model_input, params: dict) -> pd.DataFrame:
        return self.read(coerce_texts(model_input), params.get("format") or DEFAULT_FORMAT)


def load(folder: Path) -> TextReader:
    return TextReader(folder)
