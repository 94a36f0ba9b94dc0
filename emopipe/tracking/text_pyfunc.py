"""Serving the GoEmotions models as MLflow pyfunc: `mlflow.pyfunc.load_model(uri).predict(texts)`.

The artifact folder holds `model.safetensors` (encoder and head), `config.json` (the training
config dict, labels and VAD points included), `encoder/` (the encoder's config and tokenizer,
no weights) and, for the VAD model, `svm.safetensors` (the SVM back-classifier as arrays). No
pickled modules; emopipe must be installed where the model is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import mlflow.pyfunc
import numpy as np
import pandas as pd

MAX_CHARS = 20_000  # longer inputs are cut before tokenization (the tokenizer truncates to max_length anyway)


def coerce_texts(model_input) -> list[str]:
    """A list of texts, a string, or a DataFrame with a `text` column; None becomes '', other scalars their str()."""
    if isinstance(model_input, pd.DataFrame):
        if "text" not in model_input.columns:
            if model_input.shape[1] != 1:
                raise ValueError(f"predict needs a 'text' column; got columns {list(model_input.columns)}")
            model_input = model_input.iloc[:, 0]
        else:
            model_input = model_input["text"]
    if isinstance(model_input, (str, bytes)):
        model_input = [model_input]
    if isinstance(model_input, (pd.Series, np.ndarray)):
        model_input = model_input.tolist()
    if not isinstance(model_input, (list, tuple)):
        raise ValueError(f"predict takes a list of texts or a DataFrame with a 'text' column, not {type(model_input).__name__}")
    texts = []
    for i, value in enumerate(model_input):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            texts.append("")
        elif isinstance(value, bytes):
            texts.append(value.decode("utf-8", errors="replace"))
        elif isinstance(value, (str, int, float, bool, np.generic)):
            texts.append(str(value))
        else:
            raise ValueError(f"input {i} is a {type(value).__name__}, not a text")
    return [t[:MAX_CHARS] for t in texts]


class GoEmotionsTextModel(mlflow.pyfunc.PythonModel):
    """VAD regressor: valence, arousal, dominance and the top label by the model's back-classifier
    (the SVM, or the nearest label point for `classifier: 1nn`); baseline: the top label and its probability."""

    def load_context(self, context):
        import torch
        from transformers import AutoConfig, AutoModel, AutoTokenizer

        from emopipe.models.text_models import TextModel, TextModelConfig
        from emopipe.training.checkpoints import load_weights

        folder = Path(context.artifacts["model_dir"])
        self.config = json.loads((folder / "config.json").read_text())
        encoder = AutoModel.from_config(AutoConfig.from_pretrained(folder / "encoder"))
        self.model = TextModel(encoder, TextModelConfig(**self.config["model"]))
        load_weights(self.model, folder)
        self.model.eval()
        self.tokenizer = AutoTokenizer.from_pretrained(folder / "encoder")
        self.max_length = self.config["profile"]["max_length"]
        self.torch = torch
        self.svm = None
        if self.config["kind"] == "vad" and self.config["vad"]["classifier"] == "svm":
            from emopipe.models.vad_classifiers import RbfSvm
            from emopipe.training.export import SVM_FILE

            self.svm = RbfSvm.load(folder / SVM_FILE)

    def predict(self, context, model_input, params=None):
        from emopipe.models.vad_classifiers import nearest_label
        from emopipe.training.batching import tokenize
        from emopipe.training.loop import predict

        texts = coerce_texts(model_input)
        if not texts:
            return pd.DataFrame(columns=["valence", "arousal", "dominance", "top_emotion"])
        ids = tokenize(self.tokenizer, texts, self.max_length)
        out = predict(self.model, ids, self.tokenizer.pad_token_id, batch_size=64, bf16=False)
        labels = self.config["labels"]
        if self.config["kind"] == "vad":
            top = self.svm.predict(out) if self.svm is not None else nearest_label(out, np.asarray(self.config["points"]))
            return pd.DataFrame({"valence": out[:, 0], "arousal": out[:, 1], "dominance": out[:, 2],
                                 "top_emotion": [labels[i] for i in top]})
        probs = self.torch.softmax(self.torch.as_tensor(out), dim=1).numpy()
        return pd.DataFrame({"top_emotion": [labels[i] for i in probs.argmax(1)], "probability": probs.max(1)})
