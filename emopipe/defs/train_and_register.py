"""The one way a model asset trains, tracks, registers and reports a model.

An asset says what to train (a call into its method package that returns `Trained`), on which
tables, with which run configuration; `train_and_register` does the rest, the same for every model:

1. the run configuration (profile, seed, every budget value and option) and the tables' digests
   key the working folder `$DAGSTER_HOME/checkpoints/<registered name>/<fingerprint>`, so a killed
   run resumes from its last finished epoch and any other configuration starts fresh; one step at
   a time holds a working folder (a file lock beside it: a second run of the same configuration
   waits, then trains its own version);
2. an MLflow run in the asset's experiment, tagged with its Dagster lineage, gets the run
   configuration as params and the tables as dataset inputs; training logs to it as it goes;
3. the run gets the final metrics, `training.json` (history and configuration) and the pictures,
   and where the time went (`cost_*`: trained tokens, training / evaluation / other seconds, the
   training rate beside the matrix-multiply rate measured at the end of the run);
4. the served folder is registered as a pyfunc (the method's reader, a model from code) with its
   model card, and the champion rule decides on `champion`;
5. the working folder goes (the registry holds the weights now).

`materialize_result` turns what was registered into the asset's value and its metadata in the UI."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl
import torch

from emopipe.defs.contracts import table_digest
from emopipe.defs.pictures import picture_metadata
from emopipe.defs.resources import stored_path
from emopipe.evaluation.cards import model_card, spec_of
from emopipe.locks import file_lock
from emopipe.paths import dagster_home
from emopipe.tracking import signatures
from emopipe.tracking.champion import Selection
from emopipe.tracking.mlflow_tracking import MlflowTracking
from emopipe.training import cost
from emopipe.training.device import pick_device
from emopipe.training.trained import Trained

Train = Callable[[Path, Callable[[str], None], Callable[[dict[str, float], int], None]], Trained]


@dataclass(frozen=True)
class Served:
    """How a model is registered and served: its registered name, the method's reader
    (`module:function`), an example input, and its signature (None: texts in, outputs as the
    reader answers the example)."""

    name: str
    reader: str
    example: Any
    signature: signatures.ModelSignature | None = None


@dataclass
class Registered:
    served: Served
    run_id: str
    version: str
    decision: dict[str, str]
    trained: Trained
    run_config: dict
    cost: dict[str, float]  # where the time went (emopipe.training.cost), logged with the run as cost_* metrics

    @property
    def model_uri(self) -> str:
        return f"models:/{self.served.name}/{self.version}"

    @property
    def headline(self) -> dict[str, float]:
        return {k: self.trained.metrics[k] for k in spec_of(self.served.name).headline if k in self.trained.metrics}


def fingerprint(run_config: dict, digests: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps({"config": run_config, "tables": digests}, sort_keys=True).encode()).hexdigest()[:16]


def train_and_register(context: dg.AssetExecutionContext, mlflow: MlflowTracking, served: Served, run_config: dict,
                       tables: dict[str, pl.DataFrame], train: Train, force: bool = False, run_name: str | None = None) -> Registered:
    """Train with `train(workdir, log, log_metrics)` and register what it returns (see the module's docstring)."""
    digests = {name: table_digest(table) for name, table in tables.items()}
    workdir = dagster_home() / "checkpoints" / served.name / fingerprint(run_config, digests)
    profile, partition = run_config["profile"], context.partition_key if context.has_partition_key else None
    waiting = lambda: context.log.info(f"another step is training this configuration in {workdir}; waiting for it to finish")
    with file_lock(workdir.parent / f"{workdir.name}.lock", waiting):
        with mlflow.start_run(context, profile, run_name=run_name) as run, cost.ledger() as book:
            mlflow.log_params(run_config)
            mlflow.log_table_inputs({name: (digest, stored_path(context, name)) for name, digest in digests.items()})
            trained = train(workdir, context.log.info, mlflow.log_metrics)
            mlflow.log_metrics(trained.metrics)  # NaN where a split is too small to score
            mlflow.log_dict({"history": trained.history, "config": run_config | trained.details}, "training.json")
            for stem, png in trained.pictures.items():
                mlflow.log_png(png, f"{stem}.png")
            for name, folder in trained.artifacts.items():
                mlflow.log_folder(folder, name)
            selection = spec_of(served.name).selection
            card = model_card(served.name, trained.metrics, profile, run_config.get("encoder", "none (label vectors in, no text encoder)"),
                              partition)
            version, decision = mlflow.register(served.name, trained.model_dir, served.reader, served.signature, served.example,
                                                Selection(selection, trained.metrics[selection], profile), run.info.run_id, card,
                                                force=force)
            book.close()
            figures = book.figures(cost.matmul_gflops(book.dtype or torch.float32, pick_device()))
            mlflow.log_metrics(figures)
            mlflow.set_tags({"cost_device": book.device, "cost_precision": book.precision})
        shutil.rmtree(workdir, ignore_errors=True)
    registered = Registered(served, run.info.run_id, version, decision, trained, run_config, figures)
    context.log.info(f"{served.name} v{version}: {registered.headline}; champion {decision['champion_decision']}")
    context.log.info(cost.summary(figures, book.device, book.precision))
    return registered


def materialize_result(registered: list[Registered]) -> dg.MaterializeResult:
    """The asset's value and metadata: the first registered model's reference, run configuration and
    headline figures, and every registered model's pictures and tables."""
    first = registered[0]
    metadata: dict[str, Any] = {
        "mlflow_run_id": first.run_id,
        "model_uri": first.model_uri,
        "profile": first.run_config["profile"],
        "run_config": dg.MetadataValue.json(first.run_config),
        **{k: dg.MetadataValue.text(str(v)) for k, v in first.decision.items()},
        **{k: dg.MetadataValue.float(v) for k, v in first.headline.items()},
    }
    if "encoder" in first.run_config:
        metadata["encoder"] = first.run_config["encoder"]
    metadata["cost"] = dg.MetadataValue.json({k.removeprefix("cost_"): round(v, 3) for k, v in first.cost.items()})
    for one in registered:
        if one.trained.details:
            metadata[f"{one.served.name}_details"] = dg.MetadataValue.json(one.trained.details)
        for name, table in one.trained.tables.items():
            metadata[f"{one.served.name}_{name}"] = dg.MetadataValue.md(table)
        for stem, png in one.trained.pictures.items():
            metadata |= picture_metadata(f"{one.served.name}_{stem}", png, one.trained.captions.get(stem, stem.replace("_", " ")))
    value = {"run_id": first.run_id, "model_uri": first.model_uri, "version": first.version, "metrics": first.headline,
             "champion": first.decision, "run_config": first.run_config,
             "all": {one.served.name: one.model_uri for one in registered}}
    return dg.MaterializeResult(value=value, metadata=metadata)
