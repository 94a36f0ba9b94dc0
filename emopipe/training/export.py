"""Write a trained text model as a servable folder: weights as safetensors, config as JSON, the
encoder's config and tokenizer beside them, and the VAD model's SVM as `svm.safetensors` (no pickles)."""

from __future__ import annotations

from pathlib import Path

from emopipe.training.checkpoints import save_weights

SVM_FILE = "svm.safetensors"


def export_text_model(trained, folder: Path) -> Path:
    save_weights(trained.model, folder, trained.config)
    trained.model.encoder.config.save_pretrained(folder / "encoder")
    trained.tokenizer.save_pretrained(folder / "encoder")
    if trained.svm is not None:
        trained.svm.save(folder / SVM_FILE)
    return folder
