"""The one pyfunc adapter, logged as an MLflow model from code: MLflow stores this file as the
model's code and runs it on load, so loading a model unpickles nothing.

The model's `model_config` names its reader (`module:function`, e.g. `emopipe.erc.serving:load`), a
pure function in the method's package that loads the model's folder (safetensors + JSON) and
predicts. Bad input (a ValueError from the reader) is re-raised as `BadInput`, still a ValueError
with the reader's message, and an MlflowException, which MLflow's scoring server answers with 400
and that message instead of a bare "unexpected error".
Loading needs emopipe installed in the serving environment."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE

READER_KEY = "emopipe_reader"


class BadInput(MlflowException, ValueError):
    """Bad input to a served model: a ValueError for Python callers, a 400 for MLflow's scoring server."""

    def __init__(self, message: str):
        super().__init__(message, error_code=INVALID_PARAMETER_VALUE)


def open_reader(reader: str, folder: Path):
    """The reader `module:function` applied to a model folder: an object with `predict(input, params)`."""
    module, _, function = reader.partition(":")
    return getattr(importlib.import_module(module), function)(folder)


class ServedModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context) -> None:
        self.reader = open_reader(str(context.model_config[READER_KEY]), Path(context.artifacts["model_dir"]))

    # The input is a DataFrame after MLflow's schema enforcement, or the raw payload (a dict, a list)
    # for a model without an input schema; the hint tells MLflow not to convert it further.
    def predict(self, context, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame | np.ndarray:
        try:
            return self.reader.predict(model_input, dict(params or {}))
        except ValueError as err:
            raise BadInput(str(err)) from err


mlflow.models.set_model(ServedModel())
