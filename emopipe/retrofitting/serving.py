"""A retrofitted encoder served: texts in, pooled sentence embeddings out, an array (n, hidden). The
folder is a plain Hugging Face directory (safetensors weights, config, tokenizer), loadable without
emopipe, plus `sentence_pooling.json` (how the encoder was pooled in training: mean, cls or pooler);
nothing is pickled."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from emopipe.atomic import atomic_path
from emopipe.models.text_models import SentenceEncoder
from emopipe.serving_inputs import coerce_texts
from emopipe.training.batching import tokenize
from emopipe.training.encoders import load_encoder, save_encoder
from emopipe.training.inference import predict

MAX_LENGTH = 128  # tokens per text when embedding
POOLING_FILE = "sentence_pooling.json"
EXAMPLE = ["I am so happy for you!", "This is the worst day ever."]


def export_retrofitted(encoder, tokenizer, pooling: str, folder: Path) -> Path:
    """The retrofitted encoder as a Hugging Face directory, with how it pools."""
    save_encoder(encoder, tokenizer, folder)
    with atomic_path(folder / POOLING_FILE) as tmp:
        tmp.write_text(json.dumps({"pooling": pooling}))
    return folder


class EncoderReader:
    def __init__(self, folder: Path):
        encoder, self.tokenizer, _ = load_encoder(str(folder))
        self.hidden_size = encoder.config.hidden_size
        pooling = json.loads((folder / POOLING_FILE).read_text())["pooling"] if (folder / POOLING_FILE).is_file() else "mean"
        self.model = SentenceEncoder(encoder, pooling).eval()

    def predict(self, model_input, params: dict) -> np.ndarray:
        texts = coerce_texts(model_input)
        if not texts:
            return np.zeros((0, self.hidden_size), dtype=np.float32)
        ids = tokenize(self.tokenizer, texts, MAX_LENGTH)
        return predict(self.model, ids, self.tokenizer.pad_token_id, batch_size=64, bf16=False).astype(np.float32)


def load(folder: Path) -> EncoderReader:
    return EncoderReader(folder)
