"""Registering served models: every pyfunc is the one adapter (`served_model.py`) logged as a model
from code, its folder of safetensors and JSON as the artifact `model_dir`, its reader named in the
model config, and explicit pinned requirements. Nothing is pickled."""

from __future__ import annotations

import shutil
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import mlflow
from mlflow.models import ModelSignature
from mlflow.tracking import MlflowClient

from emopipe.tracking.champion import current_champion
from emopipe.tracking.served_model import READER_KEY
from emopipe.tracking.uris import redact

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


def log_served_model(name: str, model_dir: Path, reader: str, signature: ModelSignature, example, description: str = "") -> str:
    """Log `model_dir` as a pyfunc served by `reader` (`module:function`) under the active run,
    register it as `name` and return the new version. MLflow loads it once here to check the
    example against the signature."""
    info = mlflow.pyfunc.log_model(name="model", python_model=str(ADAPTER), artifacts={"model_dir": str(model_dir)},
                                   model_config={READER_KEY: reader}, signature=signature, input_example=example,
                                   pip_requirements=requirements(), registered_model_name=name)
    registered = str(info.registered_model_version)
    if description:
        MlflowClient().update_model_version(name, registered, description=description)
    return registered


def champion_model_dir(name: str, cache_root: Path, tracking_uri: str) -> Path:
    """The `model_dir` files of `name@champion`, downloaded once per version under `cache_root`: how a
    registered encoder (`encoder: retrofitted`) becomes a local Hugging Face directory."""
    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    names = {m.name for m in client.search_registered_models(filter_string=f"name = '{name}'")}
    champion = current_champion(client, name) if name in names else None
    if champion is None:
        raise ValueError(f"no {name}@champion in the registry at {redact(tracking_uri)}: materialize the asset that registers it first")
    target = cache_root / f"{name}-v{champion.version}"
    if not (target / "config.json").exists():
        with tempfile.TemporaryDirectory() as tmp:
            local = Path(mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{name}/{champion.version}", dst_path=tmp,
                                                             tracking_uri=tracking_uri))
            found = next((p.parent for p in local.rglob("tokenizer_config.json") if (p.parent / "config.json").exists()), None)
            if found is None:
                raise ValueError(f"{name} v{champion.version} holds no Hugging Face model directory (config.json + tokenizer)")
            cache_root.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=cache_root, prefix=f".{target.name}."))
            shutil.copytree(found, staging, dirs_exist_ok=True)
            try:
                staging.rename(target)
            except OSError:  # another process put the same version there first
                shutil.rmtree(staging, ignore_errors=True)
    return target
