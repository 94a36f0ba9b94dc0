"""The GoEmotions text models (the VAD regressor and the baseline) as a servable folder and back.

The folder holds `model.safetensors` (encoder and head), `config.json` (the training config dict,
labels and VAD points included), `encoder/` (the encoder's config and tokenizer, no weights) and,
for the VAD model, `svm.safetensors` (the SVM back-classifier as arrays). Nothing is pickled.
`load(folder).predict(texts)` gives valence, arousal, dominance and the top label by the model's
back-classifier (the SVM, or the nearest label point for `classifier: 1nn`), or for the baseline
the top label and its probability, and for the multi-label baseline also `emotions`, every label
whose probability is above the threshold (comma-joined; empty when none is). The baseline's
`params={"probabilities": True}` adds one column per label (`prob_<label>`), what `emopipe score`
keeps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import torch

from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.models.vad_classifiers import RbfSvm, nearest_label
from emopipe.serving_inputs import coerce_texts
from emopipe.training.batching import tokenize
from emopipe.training.checkpoints import load_weights, read_config, save_weights
from emopipe.training.encoders import encoder_from_files, save_encoder_files
from emopipe.training.inference import predict

SVM_FILE = "svm.safetensors"
VAD_COLUMNS = ["valence", "arousal", "dominance", "top_emotion"]
BASELINE_COLUMNS = ["top_emotion", "probability"]
MULTILABEL_COLUMNS = [*BASELINE_COLUMNS, "emotions"]
EXAMPLE = ["I am so happy for you!", "This is the worst day ever."]


def export_text_model(model: TextModel, tokenizer, config: dict, svm: RbfSvm | None, folder: Path) -> Path:
    """A trained GoEmotions model as a servable folder; `config` is its checkpoint config."""
    save_weights(model, folder, config)
    save_encoder_files(model.encoder, tokenizer, folder)
    if svm is not None:
        svm.save(folder / SVM_FILE)
    return folder


class TextModelReader:
    def __init__(self, folder: Path):
        self.config = read_config(folder)
        encoder, self.tokenizer = encoder_from_files(folder)
        self.model = TextModel(encoder, TextModelConfig(**self.config["model"]))
        load_weights(self.model, folder)
        self.model.eval()
        # models registered before budgets replaced profiles kept the length under "profile"
        self.max_length = self.config.get("max_length") or self.config["profile"]["max_length"]
        self.is_vad = self.config["kind"] == "vad"
        uses_svm = self.is_vad and self.config["vad"]["classifier"] == "svm"
        self.svm = RbfSvm.load(folder / SVM_FILE) if uses_svm else None
        baseline = self.config.get("baseline", {"objective": "softmax"})  # models registered before the multi-label recipe
        self.threshold = baseline.get("threshold") if baseline["objective"] == "multilabel" else None
        self.columns = VAD_COLUMNS if self.is_vad else BASELINE_COLUMNS if self.threshold is None else MULTILABEL_COLUMNS

    def predict(self, model_input, params: dict) -> pd.DataFrame:
        texts = coerce_texts(model_input)
        if not texts:
            return pd.DataFrame(columns=self.columns)
        ids = tokenize(self.tokenizer, texts, self.max_length)
        out = predict(self.model, ids, self.tokenizer.pad_token_id, batch_size=64, bf16=False)
        labels = self.config["labels"]
        if self.is_vad:
            top = self.svm.predict(out) if self.svm is not None else nearest_label(out, np.asarray(self.config["points"]))
            return pd.DataFrame({"valence": out[:, 0], "arousal": out[:, 1], "dominance": out[:, 2],
                                 "top_emotion": [labels[i] for i in top]})
        logits = torch.as_tensor(out)
        probs = (torch.softmax(logits, dim=1) if self.threshold is None else torch.sigmoid(logits)).numpy()
        frame = pd.DataFrame({"top_emotion": [labels[i] for i in probs.argmax(1)], "probability": probs.max(1)})
        if self.threshold is not None:
            frame["emotions"] = [",".join(labels[j] for j in np.flatnonzero(row > self.threshold)) for row in probs]
        if params.get("probabilities"):
            frame = pd.concat([frame, pd.DataFrame(probs, columns=[f"prob_{label}" for label in labels])], axis=1)
        return frame


def load(folder: Path) -> TextModelReader:
    return TextModelReader(folder)
