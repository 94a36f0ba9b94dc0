"""Serving the label mapper as MLflow pyfunc:
`load_model("models:/emopipe-label-mapper@champion").predict({"from": "nrc_vad", "to": "emolex8", "values": [[0.9, 0.6, 0.7]]})`.

The artifact folder holds `model.safetensors` and `config.json` (formats, space size, variables);
the conversion and its input checks live in `emopipe.emotion_space.convert`."""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc
import numpy as np
import pandas as pd
from mlflow.models import ModelSignature
from mlflow.types import ParamSchema, ParamSpec


# No input schema: MLflow's Array(double) enforcement rejects integer rows such as emolex8's 0/1, and
# the converter checks formats, widths, NaN and the [0, 1] scale with clearer messages.
SIGNATURE = ModelSignature(inputs=None, params=ParamSchema([ParamSpec("scores", "boolean", False)]))


def coerce_request(model_input) -> dict:
    """The request dict, also when MLflow's schema enforcement has turned it into a one-row DataFrame."""
    if isinstance(model_input, pd.DataFrame):
        if len(model_input) != 1:
            raise ValueError(f"predict takes one request {{'from', 'to', 'values'}} at a time; got {len(model_input)} rows")
        model_input = model_input.iloc[0].to_dict()
    if isinstance(model_input, dict):
        return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in model_input.items()}
    return model_input  # the converter names the type it got


class LabelMapperModel(mlflow.pyfunc.PythonModel):
    """Converts label values from one format to another through the shared emotion space.
    `params={"scores": True}` returns sigmoid scores instead of 0/1 for binary and categorical targets."""

    def load_context(self, context):
        from emopipe.emotion_space.convert import LabelConverter, load_space

        self.converter = LabelConverter(load_space(Path(context.artifacts["model_dir"])))

    def predict(self, context, model_input, params=None):
        return self.converter.convert(coerce_request(model_input), scores=bool((params or {}).get("scores", False)))
