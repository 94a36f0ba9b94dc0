"""Registering served models: every pyfunc is the one adapter (`served_model.py`) logged as a model
from code, its folder of safetensors and JSON as the artifact `model_dir`, its reader named in the
model config, and explicit pinned requirements. Nothing is pickled."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import mlflow
from mlflow.models import ModelSignature
from mlflow.tracking import MlflowClient

from emopipe.tracking import signatures
from emopipe.tracking.served_model import READER_KEY, open_reader

ADAPTER = Path(__file__).with_name("served_model.py")
# What a reader needs at load time besides emopipe itself (which must be installed where the model loads).
RUNTIME = ("mlflow", "torch", "transformers", "tokenizers", "safetensors", "numpy", "pandas")


def requirements() -> list[str]:
    """The serving requirements pinned to the versions that trained the model (local build tags such
    as `+cpu` dropped, so the pin also matches a CUDA build of the same release)."""
    pins = []
    for package in RUNTIME:
        try:
            pins.append(f"{package}=={version(package).split('+')[0]}")
        except PackageNotFoundError:
            continue
    return pins


def log_served_model(name: str, model_dir: Path, reader: str, signature: ModelSignature | None, example,
                     description: str = "") -> str:
    """Log `model_dir` as a pyfunc served by `reader` (`module:function`) under the active run,
    register it as `name` and return the new version. Without a signature, the model takes texts
    and its outputs are what the reader answers to the example. MLflow loads the model once here
    to check the example against the signature."""
    if signature is None:
        signature = signatures.texts(example, open_reader(reader, model_dir).predict(example, {}))
    info = mlflow.pyfunc.log_model(name="model", python_model=str(ADAPTER), artifacts={"model_dir": str(model_dir)},
                                   model_config={READER_KEY: reader}, signature=signature, input_example=example,
                                   pip_requirements=requirements(), registered_model_name=name)
    registered = str(info.registered_model_version)
    if description:
        MlflowClient().update_model_version(name, registered, description=description)
    return registered
