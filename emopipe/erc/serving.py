"""EACL as a servable folder and back: one conversation in, the emotion of each utterance out.

The folder holds `model.safetensors`, `config.json` (labels, prompt settings), `encoder/` (the
encoder's config and tokenizer) and `anchors.safetensors` (the predicting anchors). Nothing is
pickled. `load(folder).predict([{"speaker": "Ross", "text": "Hi!"}, ...])` (or a DataFrame with
`speaker` and `text` columns, rows in dialogue order) gives `turn`, `speaker`, `emotion` and `score`
(the (1 + cos) / 2 similarity to the nearest anchor). Each utterance sees up to the trained number
of past turns, exactly as in training. An empty utterance or a missing speaker is fine ("someone"
speaks); a very long utterance or speaker name is cut; any number of turns works, since each prompt
only looks back a fixed window."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import torch
from safetensors.torch import load_file, save_file

from emopipe.atomic import atomic_path
from emopipe.erc.prompt import Turn, conversation_prompts
from emopipe.losses.anchor_contrastive import pair_similarity
from emopipe.models.eacl import EaclConfig, EaclModel
from emopipe.serving_inputs import coerce_conversation
from emopipe.training.checkpoints import CheckpointError, load_weights, read_config, save_weights
from emopipe.training.encoders import encoder_from_files, save_encoder_files
from emopipe.training.inference import predict

ANCHORS_FILE = "anchors.safetensors"
COLUMNS = ["turn", "speaker", "emotion", "score"]
EXAMPLE = pd.DataFrame({"speaker": ["Ross", "Rachel"], "text": ["We were on a break!", "I can't believe you said that."]})


def export_eacl(model, folder: Path, dataset: str) -> Path:
    """A trained EACL model (`erc.train.TrainedErc`) as a servable folder."""
    shutil.rmtree(folder, ignore_errors=True)
    save_weights(model.model, folder, {**model.config, "dataset": dataset})
    save_encoder_files(model.model.encoder, model.tokenizer, folder)
    with atomic_path(folder / ANCHORS_FILE) as tmp:
        save_file({"anchors": model.anchors.detach().float().contiguous()}, str(tmp))
    return folder


class ConversationReader:
    def __init__(self, folder: Path):
        self.config = read_config(folder)
        try:
            self.anchors = load_file(str(folder / ANCHORS_FILE))["anchors"]
        except (OSError, ValueError, KeyError) as err:  # safetensors raises several types for a damaged file
            raise CheckpointError(f"EACL anchors {folder / ANCHORS_FILE} are missing or corrupt: {err}") from err
        encoder, self.tokenizer = encoder_from_files(folder)
        eacl = EaclConfig(**self.config["eacl"])
        self.model = EaclModel(encoder, eacl, label_words=torch.zeros(eacl.n_classes, eacl.hidden_size))
        load_weights(self.model, folder)
        self.model.eval()

    def predict(self, model_input, params: dict) -> pd.DataFrame:
        turns = coerce_conversation(model_input)
        if not turns:
            return pd.DataFrame(columns=COLUMNS)
        emotions, scores = self.emotions([turns])
        return pd.DataFrame({"turn": range(len(turns)), "speaker": [s for s, _ in turns], "emotion": emotions, "score": scores})

    def emotions(self, conversations: list[list[tuple[str, str]]]) -> tuple[list[str], list[float]]:
        """The emotion and score of every turn of every conversation, in order: each turn sees only
        its own conversation's past, and all prompts go through the model in length-sorted batches
        (`emopipe score` reads a corpus of conversations in one pass)."""
        budget = self.config["budget"]
        ids = [prompt for turns in conversations
               for prompt in conversation_prompts(self.tokenizer, [Turn(s, t) for s, t in turns], budget["max_length"], budget["past_turns"])]
        if not ids:
            return [], []
        reps = predict(self.model, ids, self.tokenizer.pad_token_id, batch_size=32, bf16=False, fn="represent")
        scores = pair_similarity(torch.as_tensor(reps), self.anchors).numpy()
        labels = self.config["labels"]
        return [labels[i] for i in scores.argmax(1)], scores.max(1).astype(float).tolist()


def load(folder: Path) -> ConversationReader:
    return ConversationReader(folder)
