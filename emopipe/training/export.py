"""Write a trained text model as a servable folder: weights as safetensors, config as JSON, the
encoder's config and tokenizer beside them (no pickles)."""

from __future__ import annotations

from pathlib import Path

from emopipe.training.checkpoints import save_weights


def export_text_model(trained, folder: Path) -> Path:
    save_weights(trained.model, folder, trained.config)
    trained.model.encoder.config.save_pretrained(folder / "encoder")
    trained.tokenizer.save_pretrained(folder / "encoder")
    return folder
