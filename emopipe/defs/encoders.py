"""Which encoder a model asset trains on, decided once, here.

`EMOPIPE_ENCODER` (base | retrofitted | a Hugging Face name or path), read when the definitions
load, replaces every budget's encoder unless an asset's config names one; with `retrofitted` it also
puts `retrofitted_plm` upstream of every model that trains an encoder. A registered encoder
(`retrofitted`) is the model `retrofitted_plm` recorded at its latest materialization (its model
URI), fetched through the `MlflowTracking` resource into `$DAGSTER_HOME/encoders/` once per version
and handed to training as a local path."""

from __future__ import annotations

import dataclasses
import os

import dagster as dg

from emopipe.defs.resources import latest_materialization, recorded
from emopipe.paths import dagster_home
from emopipe.tracking.mlflow_tracking import MlflowTracking

ENCODER_ENV = "EMOPIPE_ENCODER"
ENCODER_OVERRIDE = os.environ.get(ENCODER_ENV) or None
RETROFITTED = "retrofitted"
RETROFITTED_ASSET = "retrofitted_plm"


def encoder_deps() -> list[str]:
    """The graph edge of the models that train on the retrofitted encoder."""
    return [RETROFITTED_ASSET] if ENCODER_OVERRIDE == RETROFITTED else []


def with_encoder(budget, context: dg.AssetExecutionContext, mlflow: MlflowTracking, configured: str | None):
    """(the budget with its encoder resolved to something loadable, and what the run configuration
    records of it instead of a local path). `configured` is the asset config's `encoder`, if set."""
    spec = configured or ENCODER_OVERRIDE or budget.encoder
    if spec != RETROFITTED:
        return dataclasses.replace(budget, encoder=spec), {}
    uri = recorded(latest_materialization(context.instance, RETROFITTED_ASSET), "model_uri")
    if uri is None:
        raise ValueError(f"encoder {RETROFITTED!r} is the model {RETROFITTED_ASSET} registers, and this instance has no "
                         f"materialization of {RETROFITTED_ASSET}: materialize it first")
    path = mlflow.cached_model_dir(uri, dagster_home() / "encoders")
    context.log.info(f"encoder {RETROFITTED}: {uri} (at {path})")
    return dataclasses.replace(budget, encoder=str(path)), {"encoder": RETROFITTED, "encoder_model": uri}
