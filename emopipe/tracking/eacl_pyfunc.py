"""Serving EACL as MLflow pyfunc: one conversation in, the emotion of each utterance out.

`load_model("models:/emopipe-eacl-meld@champion").predict([{"speaker": "Ross", "text": "Hi!"}, ...])`
(or a DataFrame with `speaker` and `text` columns, rows in dialogue order) returns a DataFrame with
`turn`, `speaker`, `emotion` and `score` (the (1 + cos) / 2 similarity to the nearest anchor). Each
utterance sees up to the trained number of past turns, exactly as in training. An empty utterance
or a missing speaker is fine ("someone" speaks); a very long utterance is cut; any number of turns
works, since each prompt only looks back a fixed window.
"""

from __future__ import annotations

import json
from pathlib import Path

import mlflow.pyfunc
import numpy as np
import pandas as pd
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, DataType, Schema

from emopipe.tracking.text_pyfunc import MAX_CHARS

SIGNATURE = ModelSignature(
    inputs=Schema([ColSpec(DataType.string, "speaker", required=False), ColSpec(DataType.string, "text")]),
    outputs=Schema([ColSpec(DataType.long, "turn"), ColSpec(DataType.string, "speaker"), ColSpec(DataType.string, "emotion"),
                    ColSpec(DataType.double, "score")]),
)


def coerce_conversation(model_input) -> list[tuple[str, str]]:
    """(speaker, text) per turn from a DataFrame (`speaker`, `text`), a list of {speaker, text}
    dicts, or a list of plain texts (speaker unknown)."""
    if isinstance(model_input, pd.DataFrame):
        if "text" not in model_input.columns:
            raise ValueError(f"a conversation needs a 'text' column (and usually 'speaker'); got columns {list(model_input.columns)}")
        speakers = model_input["speaker"].tolist() if "speaker" in model_input.columns else [None] * len(model_input)
        model_input = [{"speaker": s, "text": t} for s, t in zip(speakers, model_input["text"].tolist())]
    if not isinstance(model_input, (list, tuple)):
        raise ValueError(f"predict takes one conversation: a list of {{speaker, text}} or a DataFrame, not {type(model_input).__name__}")
    turns = []
    for i, turn in enumerate(model_input):
        if isinstance(turn, str):
            turn = {"text": turn}
        if not isinstance(turn, dict):
            raise ValueError(f"turn {i} is a {type(turn).__name__}, not {{speaker, text}}")
        turns.append((_as_text(turn.get("speaker")), _as_text(turn.get("text"))[:MAX_CHARS]))
    return turns


def _as_text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return value if isinstance(value, str) else str(value)


class EaclConversationModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        import torch
        from safetensors.torch import load_file
        from transformers import AutoConfig, AutoModel, AutoTokenizer

        from emopipe.erc.run import ANCHORS_FILE
        from emopipe.models.eacl import EaclConfig, EaclModel
        from emopipe.training.checkpoints import load_weights

        folder = Path(context.artifacts["model_dir"])
        self.config = json.loads((folder / "config.json").read_text())
        encoder = AutoModel.from_config(AutoConfig.from_pretrained(folder / "encoder"))
        eacl = EaclConfig(**self.config["eacl"])
        self.model = EaclModel(encoder, eacl, label_words=torch.zeros(eacl.n_classes, eacl.hidden_size))
        load_weights(self.model, folder)
        self.model.eval()
        self.anchors = load_file(str(folder / ANCHORS_FILE))["anchors"]
        self.tokenizer = AutoTokenizer.from_pretrained(folder / "encoder")

    def predict(self, context, model_input, params=None):
        import torch

        from emopipe.erc.prompt import Turn, conversation_prompts
        from emopipe.losses.anchor_contrastive import pair_similarity
        from emopipe.training.loop import predict

        turns = coerce_conversation(model_input)
        if not turns:
            return pd.DataFrame(columns=["turn", "speaker", "emotion", "score"])
        budget = self.config["budget"]
        ids = conversation_prompts(self.tokenizer, [Turn(s, t) for s, t in turns], budget["max_length"], budget["past_turns"])
        reps = predict(self.model, ids, self.tokenizer.pad_token_id, batch_size=32, bf16=False, fn="represent")
        scores = pair_similarity(torch.as_tensor(reps), self.anchors).numpy()
        labels = self.config["labels"]
        return pd.DataFrame({"turn": range(len(turns)), "speaker": [s for s, _ in turns],
                             "emotion": [labels[i] for i in scores.argmax(1)], "score": scores.max(1).astype(float)})
