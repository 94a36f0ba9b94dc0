"""Converting label values between formats through the shared space: the label mapper's serving
logic, kept free of MLflow so it is tested on its own. Input checks name the field, row and
variable at fault: a user who passes Warriner's native 1-9 ratings hears about the [0, 1] scale."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from emopipe.emotion_space.model import EmotionSpace, readout
from emopipe.labels.formats import FORMATS
from emopipe.serving_inputs import coerce_request
from emopipe.training.checkpoints import CheckpointError, load_weights, save_weights

EXAMPLE = {"from": "nrc_vad", "to": "emolex8", "values": [[0.9, 0.6, 0.7]]}  # what the served label mapper takes


def save_space(space: EmotionSpace, folder: Path) -> Path:
    """Weights as safetensors and the formats they cover as JSON (no pickles)."""
    save_weights(space, folder, {"formats": space.formats, "size": space.size, "bipolar": space.bipolar,
                                 "variables": {f: list(FORMATS[f].variables) for f in space.formats}})
    return folder


def load_space(folder: Path) -> EmotionSpace:
    path = folder / "config.json"
    try:
        config = json.loads(path.read_text())
        space = EmotionSpace(config["formats"], config["size"], bipolar=config.get("bipolar", False))  # older spaces: [0, 1]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CheckpointError(f"label mapper config {path} is missing or corrupt: {err}") from err
    load_weights(space, folder)  # raises CheckpointError naming the missing or corrupt weights file
    return space.eval()


class LabelConverter:
    def __init__(self, space: EmotionSpace):
        self.space = space.eval()

    def _format(self, request: dict, field: str) -> str:
        name = request.get(field)
        if not isinstance(name, str) or name not in self.space.formats:
            raise ValueError(f"unknown format {name!r} in {field!r}; this model converts between {', '.join(self.space.formats)}")
        return name

    def _values(self, fmt: str, values) -> np.ndarray:
        variables = FORMATS[fmt].variables
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise ValueError(f"'values' must be rows of numbers for {fmt} ({', '.join(variables)}): {err}") from None
        if array.ndim == 1 and array.size == 0:
            return array.reshape(0, len(variables))  # no rows: an empty answer with the target's columns
        if array.ndim == 1:
            array = array[None, :]
        if array.ndim != 2:
            raise ValueError(f"'values' must be a list of rows, each with {len(variables)} numbers ({', '.join(variables)})")
        if array.shape[1] != len(variables):
            raise ValueError(f"'values' rows have {array.shape[1]} numbers but {fmt} has {len(variables)} variables: {', '.join(variables)}")
        bad = np.argwhere(~np.isfinite(array))
        if len(bad):
            row, col = bad[0]
            raise ValueError(f"'values' row {row}, variable {variables[col]!r} is {array[row, col]}; every value must be a finite number")
        outside = np.argwhere((array < 0) | (array > 1))
        if len(outside):
            row, col = outside[0]
            raise ValueError(f"'values' row {row}, variable {variables[col]!r} is {array[row, col]}, outside [0, 1]; values are on the "
                             f"harmonized [0, 1] scale ({fmt}: {FORMATS[fmt].native_scale})")
        return array

    def convert(self, request: dict, scores: bool = False) -> pd.DataFrame:
        """`{"from": fmt, "to": fmt, "values": [[...], ...]}` -> one row per input row, one column per
        target variable. Binary and categorical targets come back as 0/1, or as sigmoid scores with
        `scores=True`; dimensional targets as the decoder's values on the [0, 1] scale (not clipped)."""
        if not isinstance(request, dict):
            raise ValueError(f"predict takes {{'from': FORMAT, 'to': FORMAT, 'values': [[...]]}}, not {type(request).__name__}")
        missing = [k for k in ("from", "to", "values") if k not in request]
        if missing:
            raise ValueError(f"request lacks {missing}; expected {{'from': FORMAT, 'to': FORMAT, 'values': [[...]]}}")
        source, target = self._format(request, "from"), self._format(request, "to")
        values = torch.as_tensor(self._values(source, request["values"]), dtype=torch.float32)
        with torch.no_grad():
            output = self.space.decode(target, self.space.encode(source, self.space.to_space(source, values)))
        if FORMATS[target].kind == "dimensional":
            output = self.space.from_space(target, output)
        else:
            output = torch.sigmoid(output) if scores else readout(target, output).to(torch.int64)
        return pd.DataFrame(output.numpy(), columns=list(FORMATS[target].variables))


class MapperReader:
    """The served label mapper: `predict({"from": "nrc_vad", "to": "emolex8", "values": [[0.9, 0.6, 0.7]]})`;
    `params={"scores": True}` returns sigmoid scores instead of 0/1 for binary and categorical targets."""

    def __init__(self, folder: Path):
        self.converter = LabelConverter(load_space(folder))

    def predict(self, model_input, params: dict) -> pd.DataFrame:
        return self.converter.convert(coerce_request(model_input), scores=bool(params.get("scores", False)))


def load(folder: Path) -> MapperReader:
    return MapperReader(folder)
