"""Checkpoints: model weights as safetensors, the config dict as JSON, optimizer and scheduler state
as plain tensors (torch.save of state dicts, loaded with weights_only=True). Never pickled modules.

Layout: `<dir>/epoch_<k>/` per finished epoch, with `state.json` written last as the completion
mark, and `<dir>/best/` for the dev-selected model. A checkpoint that is there but unreadable is an
error naming the file: the run stops rather than silently retraining over it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from emopipe.atomic import atomic_path


class CheckpointError(RuntimeError):
    """A checkpoint file is missing or corrupt."""


def save_weights(model: torch.nn.Module, folder: Path, config: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    with atomic_path(folder / "model.safetensors") as tmp:
        save_file(state, str(tmp))
    with atomic_path(folder / "config.json") as tmp:
        tmp.write_text(json.dumps(config, indent=2, sort_keys=True, default=str))


def load_weights(model: torch.nn.Module, folder: Path) -> dict:
    """Load weights into `model`; return the config dict saved beside them."""
    weights, config = folder / "model.safetensors", folder / "config.json"
    for path in (weights, config):
        if not path.is_file():
            raise CheckpointError(f"checkpoint file {path} is missing")
    try:
        state = load_file(str(weights))
        saved_config = json.loads(config.read_text())
    except Exception as err:  # safetensors and json raise several types for a damaged file
        raise CheckpointError(f"checkpoint file {weights} or {config} is corrupt: {err}") from err
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise CheckpointError(f"checkpoint {weights} does not fit the model: missing {missing[:5]}, unexpected {unexpected[:5]}")
    return saved_config


def save_epoch(folder: Path, model, optimizer, scheduler, config: dict, state: dict) -> None:
    """One finished epoch; `state.json` goes last, so a half-written epoch is never resumed from."""
    save_weights(model, folder, config)
    with atomic_path(folder / "optimizer.pt") as tmp:
        torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}, tmp)
    with atomic_path(folder / "state.json") as tmp:
        tmp.write_text(json.dumps(state, indent=2, sort_keys=True))


def latest_epoch(root: Path) -> Path | None:
    done = [p for p in root.glob("epoch_*") if (p / "state.json").is_file()]
    return max(done, key=lambda p: int(p.name.split("_")[1]), default=None)


def load_epoch(folder: Path, model, optimizer, scheduler) -> dict:
    load_weights(model, folder)
    path = folder / "optimizer.pt"
    if not path.is_file():
        raise CheckpointError(f"checkpoint file {path} is missing")
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
        return json.loads((folder / "state.json").read_text())
    except Exception as err:
        raise CheckpointError(f"checkpoint file {path} or {folder / 'state.json'} is corrupt: {err}") from err


def keep_best(epoch_folder: Path, root: Path) -> None:
    """Copy an epoch's weights and config to `<root>/best` (replacing the previous best atomically)."""
    staging = root / ".best.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in ("model.safetensors", "config.json"):
        shutil.copy2(epoch_folder / name, staging / name)
    shutil.rmtree(root / "best", ignore_errors=True)
    staging.rename(root / "best")
