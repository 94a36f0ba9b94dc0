"""What every method's training run returns: one shape for every model, so that one path in
`defs/` logs, registers and shows them all the same way."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Trained:
    metrics: dict[str, float]  # final figures: test scores, the dev figure that selected the model, ablations of the same run
    model_dir: Path  # the served model as a folder (safetensors + JSON), read back by the method's serving reader
    history: dict[str, list[dict]]  # per model trained in the run (e.g. "eacl", "baseline"): one entry per epoch
    pictures: dict[str, bytes] = field(default_factory=dict)  # artifact stem -> PNG, logged with the run and shown in the UI
    captions: dict[str, str] = field(default_factory=dict)  # artifact stem -> what the picture shows
    tables: dict[str, str] = field(default_factory=dict)  # name -> Markdown table, shown in the UI
    artifacts: dict[str, Path] = field(default_factory=dict)  # name -> a folder kept with the run beside the model (not served)
    details: dict = field(default_factory=dict)  # facts of the run recorded beside its configuration (prompt counts, ...)
