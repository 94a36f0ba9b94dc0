"""The MLflow resource every model asset uses.

Default store: SQLite at `$DAGSTER_HOME/mlflow.db`, artifacts in `$DAGSTER_HOME/mlartifacts`
(override with `$MLFLOW_TRACKING_URI` or the resource's config; a tracking server keeps artifacts
where it serves them unless `$EMOPIPE_MLFLOW_ARTIFACT_ROOT` says otherwise). Each model asset gets one
experiment named after it; each run is tagged with the Dagster run id, asset key, code version
and profile, and records the exact tables it read as MLflow dataset inputs (name + digest).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import mlflow
from mlflow.data.meta_dataset import MetaDataset
from mlflow.data.sources import LocalArtifactDatasetSource
from mlflow.exceptions import MlflowException
from mlflow.models import Model
from mlflow.tracking import MlflowClient
from pydantic import Field

from emopipe.atomic import staged_folder
from emopipe.paths import dagster_home
from emopipe.tracking.champion import Selection, promote
from emopipe.tracking.registry import log_served_model
from emopipe.tracking.run_records import RegistryReader

TRACKING_SERVERS = ("http://", "https://", "databricks")


def default_tracking_uri() -> str:
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{dagster_home() / 'mlflow.db'}"


class MlflowTracking(dg.ConfigurableResource):
    """MLflow tracking and registry for emopipe's model assets."""

    tracking_uri: str | None = Field(default=None, description="default $MLFLOW_TRACKING_URI or sqlite:///$DAGSTER_HOME/mlflow.db")
    artifact_root: str | None = Field(default=None, description="artifact root for new experiments; default "
                                      "$EMOPIPE_MLFLOW_ARTIFACT_ROOT, else $DAGSTER_HOME/mlartifacts")

    @property
    def uri(self) -> str:
        return self.tracking_uri or default_tracking_uri()

    def client(self) -> MlflowClient:
        return MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)

    def _experiment_id(self, name: str) -> str:
        """The experiment `name`, created if missing. Two steps may create it at once (the two
        `eacl_checkpoints` partitions): the one that loses reads the winner's."""
        client = self.client()
        found = client.get_experiment_by_name(name)
        if found is not None:
            return found.experiment_id
        root = self.artifact_root or os.environ.get("EMOPIPE_MLFLOW_ARTIFACT_ROOT")
        if root is None and not self.uri.startswith(TRACKING_SERVERS):  # a server stores artifacts where it was told to
            root = (dagster_home() / "mlartifacts").as_uri()
        try:
            return client.create_experiment(name, artifact_location=f"{root.rstrip('/')}/{name}" if root else None)
        except MlflowException as err:
            found = client.get_experiment_by_name(name) if err.error_code == "RESOURCE_ALREADY_EXISTS" else None
            if found is None:
                raise
            return found.experiment_id

    @contextmanager
    def start_run(self, context: dg.AssetExecutionContext, profile: str, run_name: str | None = None) -> Iterator[mlflow.ActiveRun]:
        """An MLflow run in the asset's experiment, tagged with its Dagster lineage."""
        key = context.asset_key.to_user_string()
        mlflow.set_tracking_uri(self.uri)
        mlflow.set_registry_uri(self.uri)
        spec = context.assets_def.specs_by_key[context.asset_key]
        tags = {
            "dagster_run_id": context.run.run_id,
            "dagster_asset_key": key,
            "code_version": spec.code_version or "unversioned",
            "profile": profile,
        }
        if context.has_partition_key:
            tags["dagster_partition_key"] = context.partition_key
        with mlflow.start_run(experiment_id=self._experiment_id(key), run_name=run_name or f"{key}-{context.run.run_id[:8]}", tags=tags) as run:
            yield run

    def reader(self) -> RegistryReader:
        """Read-only access to registered versions, their runs and pictures (the report, the CLI)."""
        return RegistryReader(self.uri)

    def promotion_lock(self) -> Path:
        """The file lock that makes promotion compare-and-set: beside a SQLite store, else under
        $DAGSTER_HOME/locks (on the shared volume in a cluster)."""
        if self.uri.startswith("sqlite:///"):
            return Path(self.uri.removeprefix("sqlite:///")).with_suffix(".champion.lock")
        return dagster_home() / "locks" / f"registry-{hashlib.sha256(self.uri.encode()).hexdigest()[:12]}.lock"

    def register(self, name: str, model_dir: Path, reader: str, signature, example, selection: Selection, run_id: str,
                 card: str, force: bool = False) -> tuple[str, dict[str, str]]:
        """Register `model_dir` as a new version of `name` under the active run, with `card` as its
        description, and apply the champion rule; returns (version, the rule's decision). The
        registered model's own description is the champion's card."""
        version = log_served_model(name, model_dir, reader, signature, example, description=card)
        decision = promote(self.client(), name, version, selection, run_id, self.promotion_lock(), force=force)
        client = self.client()
        if decision["champion_decision"] == "promoted":
            client.update_registered_model(name, description=card)
        elif not client.get_registered_model(name).description:  # no champion yet, or one that predates cards
            champion = decision["previous_champion_version"]
            state = "No champion yet" if champion == "none" else f"The champion, v{champion}, has no card"
            client.update_registered_model(name, description=f"{state}. The card of v{version} ({decision['champion_decision']}: "
                                           f"{decision['champion_reason']}):\n\n{card}")
        return version, decision

    def model_dir(self, model_uri: str, into: Path) -> Path:
        """The `model_dir` folder (safetensors + JSON) of a registered model, downloaded into `into`:
        how one model asset reads another's weights without loading a pyfunc."""
        mlflow.set_tracking_uri(self.uri)
        local = Path(mlflow.artifacts.download_artifacts(artifact_uri=model_uri, dst_path=str(into), tracking_uri=self.uri))
        artifacts = Model.load(str(local)).flavors.get("python_function", {}).get("artifacts", {})
        if "model_dir" not in artifacts or not (local / artifacts["model_dir"]["path"]).is_dir():
            raise ValueError(f"{model_uri} holds no model_dir artifact")
        return local / artifacts["model_dir"]["path"]

    def cached_model_dir(self, model_uri: str, cache_root: Path) -> Path:
        """The `model_dir` folder of `models:/name/version`, downloaded once per version into
        `cache_root/<name>-v<version>` (staged and renamed, so two processes never see half a folder):
        how a registered encoder becomes a local Hugging Face directory."""
        name, version = model_uri.removeprefix("models:/").rsplit("/", 1)
        target = cache_root / f"{name}-v{version}"
        if (target / "config.json").exists():
            return target
        with staged_folder(target) as staging:  # another process putting the same version there first is fine
            found = self.model_dir(model_uri, staging / ".download")
            if not (found / "config.json").exists():
                raise ValueError(f"{model_uri} holds no Hugging Face model directory (config.json + tokenizer)")
            for item in found.iterdir():
                item.rename(staging / item.name)
            shutil.rmtree(staging / ".download")
        return target

    def end_runs_of(self, dagster_run_id: str, reason: str) -> list[str]:
        """Mark every MLflow run still RUNNING for a dead Dagster run as FAILED, with `reason` as a tag."""
        client = self.client()
        experiments = [e.experiment_id for e in client.search_experiments()]
        if not experiments:
            return []
        runs = client.search_runs(experiments, filter_string=f"tags.dagster_run_id = '{dagster_run_id}' and attributes.status = 'RUNNING'")
        for run in runs:
            client.set_tag(run.info.run_id, "emopipe_failure", reason)
            client.set_terminated(run.info.run_id, status="FAILED")
        return [run.info.run_id for run in runs]

    @staticmethod
    def log_params(params: dict) -> None:
        mlflow.log_params({k: str(v)[:6000] for k, v in params.items()})

    @staticmethod
    def log_metrics(metrics: dict[str, float], step: int | None = None) -> None:
        mlflow.log_metrics({k: float(v) for k, v in metrics.items()}, step=step)

    @staticmethod
    def set_tags(tags: dict[str, str]) -> None:
        mlflow.set_tags(tags)

    @staticmethod
    def log_dict(data: dict, name: str) -> None:
        mlflow.log_dict(data, name)

    @staticmethod
    def log_png(png: bytes, name: str) -> None:
        MlflowTracking.log_files({name: png})

    @staticmethod
    def log_files(files: dict[str, bytes], artifact_path: str | None = None) -> None:
        """Log in-memory files (`relative/name` -> bytes) as artifacts of the active run."""
        with tempfile.TemporaryDirectory() as folder:
            for name, data in files.items():
                (Path(folder) / name).parent.mkdir(parents=True, exist_ok=True)
                (Path(folder) / name).write_bytes(data)
            mlflow.log_artifacts(folder, artifact_path=artifact_path)

    @staticmethod
    def log_folder(folder: Path, name: str) -> None:
        mlflow.log_artifacts(str(folder), artifact_path=name)

    @staticmethod
    def log_table_inputs(tables: dict[str, tuple[str, str | Path]], context: str = "training") -> None:
        """Record each table the run read: `{name: (digest, path)}` as an MLflow dataset input."""
        for name, (digest, path) in tables.items():
            source = LocalArtifactDatasetSource(str(path))
            mlflow.log_input(MetaDataset(source=source, name=name, digest=digest), context=context)
