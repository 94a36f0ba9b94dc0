"""Checkpoints: model weights as safetensors, the config dict as JSON, optimizer and scheduler state
as plain tensors (torch.save of state dicts, loaded with weights_only=True). Never pickled modules.

Layout: `<dir>/epoch_<k>/` per finished epoch, with `state.json` written last as the completion
mark, and `<dir>/best`, a symlink to `<dir>/best_<k>.<n>/` (the dev-selected epoch's weights, hard
links). A new best is written beside the old one and the link is swapped atomically, so `best` is
never missing, and an epoch's `state.json` is written only after the best it names exists. A
checkpoint that is there but unreadable is an error naming the file: the run stops rather than
silently retraining over it.
"""

from __future__ import annotations

import json
import os
import shutil
import time
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


def read_config(folder: Path) -> dict:
    """The config dict saved beside a model's weights; a missing or corrupt file is an error naming it."""
    path = folder / "config.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise CheckpointError(f"model config {path} is missing or corrupt: {err}") from err


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


def save_epoch(folder: Path, model, optimizer, scheduler, config: dict) -> None:
    """One finished epoch's weights and optimizer state; `mark_done` completes it."""
    save_weights(model, folder, config)
    with atomic_path(folder / "optimizer.pt") as tmp:
        torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}, tmp)


def mark_done(folder: Path, state: dict) -> None:
    """`state.json` last: a half-written epoch, or one whose best is not in place yet, is never resumed from."""
    with atomic_path(folder / "state.json") as tmp:
        tmp.write_text(json.dumps(state, indent=2, sort_keys=True))


def latest_epoch(root: Path) -> Path | None:
    done = [p for p in root.glob("epoch_*") if (p / "state.json").is_file()]
    return max(done, key=lambda p: int(p.name.split("_")[1]), default=None)


def read_state(folder: Path) -> dict:
    path = folder / "state.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise CheckpointError(f"checkpoint file {path} is missing or corrupt: {err}") from err


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
    """Make `epoch_folder`'s weights and config the best: hard-linked into a new `<root>/best_<k>.<n>`,
    then the `<root>/best` link swapped to it in one rename. Earlier bests stay until `clear`: a
    reader that resolved the link before a swap, however long ago, still finds its files, and as hard
    links of the epoch folders (kept until `clear` too) they cost no space (copies, on a file system
    without hard links, cost one model each)."""
    epoch = epoch_folder.name.split("_")[-1]
    current = (root / "best").resolve() if (root / "best").is_symlink() else None
    if current is not None and current.name.split(".")[0] == f"best_{epoch}" and (current / "model.safetensors").is_file():
        return  # already the best
    target = root / f"best_{epoch}.{time.time_ns()}"
    staging = root / f".{target.name}.tmp"
    staging.mkdir(parents=True)
    for name in ("model.safetensors", "config.json"):
        try:
            os.link(epoch_folder / name, staging / name)
        except OSError:  # a file system without hard links
            shutil.copy2(epoch_folder / name, staging / name)
    staging.rename(target)
    link = root / f".best.link.{target.name}"
    link.symlink_to(target.name)
    os.replace(link, root / "best")


def best_epoch_on_disk(root: Path) -> int | None:
    """The epoch `<root>/best` holds, None when there is no best."""
    best = root / "best"
    if not (best / "model.safetensors").is_file():
        return None
    return int(best.resolve().name.removeprefix("best_").split(".")[0]) if best.is_symlink() else None


def clear(root: Path) -> None:
    """Remove every epoch and best under `root` (a fresh start)."""
    for path in [root / "best", *root.glob(".best*"), *root.glob("best_*"), *root.glob("epoch_*")]:
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)
