"""The scale-out path loads without a cluster: Postgres instance config and K8sRunLauncher checked
against their schemas, definitions with the k8s executor and GPU requests on training steps, a
remote MLflow server with an object-store artifact root; bad settings fail at load time."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from emopipe.defs.deployment import ClusterSettings, k8s_executor_config

ROOT = Path(__file__).resolve().parents[1]
CLUSTER_ENV = {"EMOPIPE_DEPLOYMENT": "cluster", "EMOPIPE_IMAGE": "registry.example.org/emopipe:1.0",
               "MLFLOW_TRACKING_URI": "https://mlflow.example.org", "EMOPIPE_MLFLOW_ARTIFACT_ROOT": "s3://emopipe-artifacts/mlflow",
               "DAGSTER_PG_HOST": "postgres", "DAGSTER_PG_USER": "dagster", "DAGSTER_PG_PASSWORD": "secret", "DAGSTER_PG_DB": "dagster",
               "EMOPIPE_K8S_NAMESPACE": "emopipe"}
def validate_instance_yaml(folder: Path) -> dict:
    """The instance config in `folder/dagster.yaml`, checked against Dagster's schema and each
    configurable class's own (no database or cluster is contacted); returns the resolved config.
    Dagster has no public call for this short of starting the instance, which would connect."""
    from dagster._config import process_config
    from dagster._core.instance.config import dagster_instance_config
    from dagster._serdes.config_class import class_from_code_pointer

    config, _ = dagster_instance_config(str(folder))
    for section in ("run_launcher", "run_coordinator"):
        entry = config.get(section)
        if entry:
            klass = class_from_code_pointer(entry["module"], entry["class"])
            checked = process_config(klass.config_type(), entry.get("config", {}))
            if not checked.success:
                raise ValueError(f"{folder / 'dagster.yaml'} {section}: " + "; ".join(e.message for e in checked.errors))
    return config


DESCRIBE = """
import json
from emopipe.definitions import defs
repo = defs.get_repository_def()
job = repo.get_implicit_global_asset_job_def()
graph = defs.resolve_asset_graph()
print(json.dumps({"executor": job.executor_def.name,
                  "tags": {k.to_user_string(): graph.get(k).assets_def.op.tags.get("dagster-k8s/config") for k in graph.get_all_asset_keys()}}))
"""


def _describe(tmp_path, **env):
    done = subprocess.run([sys.executable, "-c", DESCRIBE], cwd=ROOT, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "DAGSTER_HOME": str(tmp_path), **env})
    return done, (json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None)


def test_cluster_definitions_run_steps_in_pods_with_gpus_on_training(tmp_path):
    done, described = _describe(tmp_path, **CLUSTER_ENV)
    assert done.returncode == 0, done.stderr[-3000:]
    assert described["executor"] == "emopipe_k8s"
    tags = described["tags"]
    for model in ("goemotions_baseline", "vad_regressor", "emotion_content_encoders", "retrofitted_plm", "eacl_checkpoints"):
        config = json.loads(tags[model]) if isinstance(tags[model], str) else tags[model]
        assert config["container_config"]["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert tags["goemotions"] is None and tags["eval_report"] is None


@pytest.mark.parametrize("deployment, executor", [("local", "in_process"), ("server", "emopipe_multiprocess")])
def test_one_machine_runs_steps_in_process_or_in_forked_processes(tmp_path, deployment, executor):
    done, described = _describe(tmp_path, EMOPIPE_DEPLOYMENT=deployment)
    assert done.returncode == 0, done.stderr[-3000:]
    assert described["executor"] == executor and all(v is None for v in described["tags"].values())


def test_server_instance_yaml_is_valid_postgres_and_queued(monkeypatch):
    monkeypatch.setenv("EMOPIPE_DAGSTER_PG_URL", "postgresql+psycopg2://dagster@127.0.0.1:5432/dagster")
    config = validate_instance_yaml(ROOT / "deploy" / "server")
    assert config["storage"]["postgres"]["postgres_url"] == {"env": "EMOPIPE_DAGSTER_PG_URL"}
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator" and config["run_launcher"]["class"] == "DefaultRunLauncher"
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 2 and config["concurrency"]["pools"]["default_limit"] == 2


@pytest.mark.parametrize("override, message", [
    ({"MLFLOW_TRACKING_URI": "sqlite:///mlflow.db"}, "a cluster needs a tracking server"),
    ({"EMOPIPE_MLFLOW_ARTIFACT_ROOT": "/tmp/artifacts"}, "use an object store"),
    ({"EMOPIPE_K8S_NAMESPACE": "Not A Namespace"}, "namespace"),
    ({"EMOPIPE_IMAGE": ""}, "image"),
    ({"EMOPIPE_DEPLOYMENT": "moon"}, "expected one of local, server, cluster"),
    ({"EMOPIPE_GPUS_PER_STEP": "4"}, "gpus_per_training_step"),  # the training loop uses one GPU
])
def test_bad_cluster_settings_fail_when_the_definitions_load(tmp_path, override, message):
    done, _ = _describe(tmp_path, **{**CLUSTER_ENV, **override})
    assert done.returncode != 0 and message in done.stderr


def test_cluster_instance_yaml_is_valid_postgres_and_k8s(monkeypatch, tmp_path):
    for name, value in CLUSTER_ENV.items():
        monkeypatch.setenv(name, value)
    config = validate_instance_yaml(ROOT / "deploy" / "cluster")
    assert config["storage"]["postgres"]["postgres_db"]["hostname"] == {"env": "DAGSTER_PG_HOST"}  # resolved at start-up
    assert config["run_launcher"]["class"] == "K8sRunLauncher" and config["telemetry"]["enabled"] is False
    broken = tmp_path / "broken"
    broken.mkdir()
    text = (ROOT / "deploy" / "cluster" / "dagster.yaml").read_text().replace("image_pull_policy: IfNotPresent", "image_pull_policy: [1]")
    (broken / "dagster.yaml").write_text(text)
    with pytest.raises(ValueError, match="run_launcher"):
        validate_instance_yaml(broken)
    shutil.rmtree(broken)


def test_the_cluster_image_and_helm_values_agree_with_what_the_steps_are_given():
    """deploy/cluster/values.yaml (Dagster's Helm chart) and the Dockerfile put DAGSTER_HOME and the Hugging Face
    cache on the volume the k8s executor mounts in every step pod, and name the settings the definitions read."""
    import yaml

    values = yaml.safe_load((ROOT / "deploy" / "cluster" / "values.yaml").read_text())
    dockerfile = (ROOT / "deploy" / "cluster" / "Dockerfile").read_text()
    [deployment] = values["dagster-user-deployments"]["deployments"]
    [mount] = deployment["volumeMounts"]
    env = {e["name"]: e["value"] for e in deployment["env"]}
    [volume] = deployment["volumes"]
    settings = ClusterSettings(image=env["EMOPIPE_IMAGE"], tracking_uri="https://mlflow.example.org",
                               artifact_root="s3://emopipe-artifacts/mlflow", data_claim=volume["persistentVolumeClaim"]["claimName"])
    steps = k8s_executor_config(settings)
    step_env = dict(v.split("=", 1) for v in steps["env_vars"])
    [step_mount] = steps["volume_mounts"]
    assert steps["volumes"][0]["persistent_volume_claim"]["claim_name"] == "emopipe-data"
    assert mount["mountPath"] == step_mount["mount_path"] == "/emopipe"
    assert values["global"]["dagsterHome"] == step_env["DAGSTER_HOME"] == "/emopipe/home"
    assert "DAGSTER_HOME=/emopipe/home" in dockerfile and "HF_HOME=/emopipe/huggingface" in dockerfile
    assert env["HF_HOME"].startswith(mount["mountPath"]) and env["EMOPIPE_DEPLOYMENT"] == "cluster"
    assert env["EMOPIPE_IMAGE"] == f"{deployment['image']['repository']}:{deployment['image']['tag']}"
    assert deployment["codeServerArgs"] == ["-m", "emopipe.definitions"] and "emopipe.definitions" in dockerfile
    assert values["postgresql"]["postgresqlScheme"] == "postgresql+psycopg2"


def test_a_k8s_executor_config_its_schema_refuses_fails_when_the_definitions_load(monkeypatch):
    from emopipe.defs import deployment

    for name, value in CLUSTER_ENV.items():
        monkeypatch.setenv(name, value)
    assert deployment.executor().name == "emopipe_k8s"
    monkeypatch.setattr(deployment, "k8s_executor_config", lambda settings: {"job_image": 1, "image_pull_policy": ["Always"]})
    with pytest.raises(ValueError, match=r"k8s executor config: (?s:.*)job_image"):
        deployment.executor()
