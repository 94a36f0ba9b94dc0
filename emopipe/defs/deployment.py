"""Where steps run: in the run's process on one machine (`EMOPIPE_DEPLOYMENT=local`, the default),
each step in its own process on one machine with servers (`server`: Postgres instance, MLflow
tracking server, the daemon launching queued runs; `deploy/server/dagster.yaml`), or each step in
its own Kubernetes pod (`cluster`), training steps with a GPU request. Cluster settings come from
the environment and are validated when the definitions load, so a typo fails at deploy time, not
in the middle of a week's retraining.

The cluster instance (Postgres storage, K8sRunLauncher) is `deploy/cluster/dagster.yaml`; MLflow
points at a tracking server (`MLFLOW_TRACKING_URI=https://...`) with an object-store artifact root
(`EMOPIPE_MLFLOW_ARTIFACT_ROOT=s3://...`). Tables, figures and checkpoints live under
`DAGSTER_HOME`, a ReadWriteMany volume (`emopipe-data`) mounted in every pod."""

import os

import dagster as dg
from pydantic import BaseModel, Field, field_validator

from emopipe.tracking.mlflow_tracking import TRACKING_SERVERS

DEPLOYMENT_ENV = "EMOPIPE_DEPLOYMENT"
DEPLOYMENTS = ("local", "server", "cluster")
OBJECT_STORES = ("s3://", "gs://", "wasbs://", "abfss://", "mlflow-artifacts:")


class ClusterSettings(BaseModel):
    """The cluster path's settings, from `EMOPIPE_*` environment variables."""

    image: str = Field(description="the emopipe image every step pod runs (EMOPIPE_IMAGE)")
    namespace: str = Field(default="emopipe", pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", description="EMOPIPE_K8S_NAMESPACE")
    # The training loop uses one device: a pod asking for more GPUs would leave all but one idle, so more
    # than 1 is refused until the loop is data-parallel (issue 23, item 3).
    gpus_per_training_step: int = Field(default=1, ge=1, le=1, description="EMOPIPE_GPUS_PER_STEP (1: training uses one GPU)")
    training_memory: str = Field(default="48Gi", pattern=r"^\d+(Mi|Gi)$", description="EMOPIPE_TRAINING_MEMORY")
    tracking_uri: str = Field(description="the MLflow tracking server (MLFLOW_TRACKING_URI)")
    artifact_root: str = Field(description="object-store root for new experiments (EMOPIPE_MLFLOW_ARTIFACT_ROOT)")
    data_claim: str = Field(default="emopipe-data", description="ReadWriteMany PVC holding DAGSTER_HOME (EMOPIPE_DATA_CLAIM)")

    @field_validator("tracking_uri")
    @classmethod
    def _server(cls, value: str) -> str:
        if not value.startswith(TRACKING_SERVERS):
            raise ValueError(f"MLFLOW_TRACKING_URI={value!r}: a cluster needs a tracking server (http(s)://...), not a local store")
        return value

    @field_validator("artifact_root")
    @classmethod
    def _object_store(cls, value: str) -> str:
        if not value.startswith(OBJECT_STORES):
            raise ValueError(f"EMOPIPE_MLFLOW_ARTIFACT_ROOT={value!r}: pods share no disk; use an object store ({', '.join(OBJECT_STORES)})")
        return value

    @classmethod
    def from_env(cls) -> "ClusterSettings":
        names = {"image": "EMOPIPE_IMAGE", "namespace": "EMOPIPE_K8S_NAMESPACE", "gpus_per_training_step": "EMOPIPE_GPUS_PER_STEP",
                 "training_memory": "EMOPIPE_TRAINING_MEMORY", "tracking_uri": "MLFLOW_TRACKING_URI",
                 "artifact_root": "EMOPIPE_MLFLOW_ARTIFACT_ROOT", "data_claim": "EMOPIPE_DATA_CLAIM"}
        return cls(**{field: os.environ[env] for field, env in names.items() if os.environ.get(env)})


def deployment() -> str:
    value = os.environ.get(DEPLOYMENT_ENV, "local")
    if value not in DEPLOYMENTS:
        raise ValueError(f"{DEPLOYMENT_ENV}={value!r}: expected one of {', '.join(DEPLOYMENTS)}")
    return value


def training_op_tags() -> dict:
    """The training steps' pod spec on a cluster: GPUs and memory requested; nothing locally."""
    if deployment() != "cluster":
        return {}
    settings = ClusterSettings.from_env()
    gpus = str(settings.gpus_per_training_step)
    return {"dagster-k8s/config": {
        "container_config": {"resources": {"requests": {"nvidia.com/gpu": gpus, "memory": settings.training_memory, "cpu": "8"},
                                           "limits": {"nvidia.com/gpu": gpus, "memory": settings.training_memory}}},
        "pod_spec_config": {"tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]},
    }}


def executor() -> dg.ExecutorDefinition:
    if deployment() == "local":
        # On a 2-core machine, starting a process per step (~3 s of imports each) costs more than the data steps.
        return dg.in_process_executor
    if deployment() == "server":
        # Each step in its own process, so two training steps (the `gpu` pool's limit) run at once. The
        # processes fork from a server that imported the definitions (and torch) once, instead of each
        # importing them again (measured: a data step's process started 15 s after launch, 0.2 s forked).
        forked = {"start_method": {"forkserver": {"preload_modules": ["emopipe.definitions"]}}}
        return dg.multiprocess_executor.configured(forked, name="emopipe_multiprocess")
    from dagster_k8s import k8s_job_executor

    config = k8s_executor_config(ClusterSettings.from_env())
    probe = dg.GraphDefinition(name="k8s_executor_probe", node_defs=[_nothing]).to_job(executor_def=k8s_job_executor)
    try:  # the executor's own schema, through Dagster's public run-config check
        dg.validate_run_config(probe, {"execution": {"config": config}})
    except dg.DagsterInvalidConfigError as err:
        raise ValueError(f"k8s executor config: {err}") from err
    return k8s_job_executor.configured(config, name="emopipe_k8s")


@dg.op
def _nothing() -> None:
    """The one op of the job that checks the k8s executor's config."""


def k8s_executor_config(settings: ClusterSettings) -> dict:
    """Every step pod: the emopipe image, the shared volume at /emopipe holding DAGSTER_HOME (the same
    paths as deploy/cluster/Dockerfile and values.yaml), the gpu profile, the secrets."""
    return {
        "job_image": settings.image, "job_namespace": settings.namespace, "image_pull_policy": "IfNotPresent",
        "env_secrets": ["emopipe-secrets"],
        "env_vars": ["DAGSTER_HOME=/emopipe/home", f"{DEPLOYMENT_ENV}=cluster", "EMOPIPE_PROFILE=gpu",
                     f"EMOPIPE_MLFLOW_ARTIFACT_ROOT={settings.artifact_root}"],
        "volume_mounts": [{"name": "emopipe-data", "mount_path": "/emopipe"}],
        "volumes": [{"name": "emopipe-data", "persistent_volume_claim": {"claim_name": settings.data_claim}}],
        "max_concurrent": 4,
    }
