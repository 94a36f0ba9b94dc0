"""Registering models and the champion rule: the alias `champion` moves to a new version only when
its selection metric (dev, never test) is at least the current champion's. The decision and both
figures are written as tags on the new version and on its run."""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path

import mlflow
from mlflow.exceptions import MlflowException
from mlflow.models import ModelSignature, infer_signature
from mlflow.types import ColSpec, DataType, Schema
from mlflow.tracking import MlflowClient

CHAMPION = "champion"


def log_pyfunc_model(name: str, model_dir: Path, python_model, signature: ModelSignature, example) -> str:
    """Log a pyfunc whose files are `model_dir` under the active run and register it as `name`;
    returns the new version."""
    info = mlflow.pyfunc.log_model(name="model", python_model=python_model, artifacts={"model_dir": str(model_dir)},
                                   signature=signature, input_example=example, registered_model_name=name)
    return str(info.registered_model_version)


def log_text_model(name: str, model_dir: Path, example: list[str], example_output, python_model) -> str:
    # One unnamed string column: a plain list of texts and a one-column DataFrame (`text`) both fit it.
    signature = ModelSignature(inputs=Schema([ColSpec(DataType.string)]), outputs=infer_signature(example, example_output).outputs)
    return log_pyfunc_model(name, model_dir, python_model, signature, example)


def promote_if_better(client: MlflowClient, name: str, version: str, metric: str, value: float, run_id: str) -> dict:
    try:
        current = client.get_model_version_by_alias(name, CHAMPION)
        current_value = float(client.get_run(current.run_id).data.metrics.get(metric, math.nan))  # NaN: the champion lacks it
    except MlflowException:
        current, current_value = None, None
    promoted = current is None or not math.isfinite(current_value) or value >= current_value
    if promoted:
        client.set_registered_model_alias(name, CHAMPION, version)
    decision = {
        "champion_decision": "promoted" if promoted else "kept",
        "candidate_version": version,
        f"candidate_{metric}": value,
        "previous_champion_version": current.version if current else "none",
        f"previous_champion_{metric}": current_value if current_value is not None else "none",
    }
    for key, val in decision.items():
        client.set_model_version_tag(name, version, key, str(val))
        client.set_tag(run_id, key, str(val))
    return decision


def champion_model_dir(name: str, cache_root: Path, tracking_uri: str) -> Path:
    """The `model_dir` files of `name@champion`, downloaded once per version under `cache_root`: how a
    registered encoder (`encoder: retrofitted`) becomes a local Hugging Face directory."""
    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    try:
        version = client.get_model_version_by_alias(name, CHAMPION)
    except MlflowException as err:
        raise ValueError(f"no {name}@{CHAMPION} in the registry at {tracking_uri}: materialize the asset that registers it first") from err
    target = cache_root / f"{name}-v{version.version}"
    if not (target / "config.json").exists():
        with tempfile.TemporaryDirectory() as tmp:
            mlflow.set_tracking_uri(tracking_uri)
            local = Path(mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{name}/{version.version}", dst_path=tmp,
                                                             tracking_uri=tracking_uri))
            found = next((p.parent for p in local.rglob("tokenizer_config.json") if (p.parent / "config.json").exists()), None)
            if found is None:
                raise ValueError(f"{name} v{version.version} holds no Hugging Face model directory (config.json + tokenizer)")
            cache_root.mkdir(parents=True, exist_ok=True)
            staging = cache_root / f".{target.name}.tmp"
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(found, staging)
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
    return target
