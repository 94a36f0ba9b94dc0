"""The server deployment, for real (issue 23): Postgres (the Debian package, started here), an MLflow
tracking server with its store in Postgres, and Dagster's webserver and daemon on an instance with
Postgres storage and the queued run coordinator. The smoke graph is launched over GraphQL as the UI
launches it, with two training steps sharing a token-cache key at once and the two `eacl_checkpoints`
partitions as two concurrent runs; then every registered model has a champion over HTTP, and every
champion's MLflow run names its Dagster run, which is in Postgres. Failures are made to happen: the
tracking server restarted between steps, Postgres stopped in the middle of a run."""

from __future__ import annotations

import hashlib
import json
import time
import urllib.parse
import urllib.request

import pytest

from emopipe.defs.dataset_assets import DATASET_ASSETS
from emopipe.defs.recovery import LOST_DATABASE
from emopipe.defs.source_assets import SOURCE_ASSETS
from tests.deployment import Deployment, server_deployment

DATA = [k.to_user_string() for a in [*SOURCE_ASSETS, *DATASET_ASSETS] for k in a.keys]
MODELS = ["emopipe-goemotions-baseline", "emopipe-vad-regressor", "emopipe-label-mapper", "emopipe-content-encoder",
          "emopipe-retrofitted-plm", "emopipe-eacl-meld", "emopipe-eacl-emorynlp"]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """The deployment, with the smoke graph's data materialized in one run (every test reads it)."""
    with server_deployment(tmp_path_factory.mktemp("server")) as deployed:
        _succeeded(deployed, deployed.wait([deployed.launch(DATA)]))
        yield deployed


def _rest(deployment: Deployment, path: str, **query) -> dict:
    url = f"{deployment.mlflow.uri}/api/2.0/mlflow/{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def _succeeded(deployment: Deployment, runs: list[dict]) -> None:
    for run in runs:
        failures = [(e["message"], e.get("error")) for e in deployment.messages(run["runId"])
                    if e["__typename"] in ("ExecutionStepFailureEvent", "RunFailureEvent")]
        assert run["status"] == "SUCCESS", (run["runId"], failures, deployment.logs())


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


def test_the_smoke_graph_runs_through_postgres_a_tracking_server_and_concurrent_runs(deployment):
    # The two GoEmotions models read the same texts with the same tokenizer: one token-cache key per split,
    # written by two step processes at once.
    [pair] = deployment.wait([deployment.launch(["goemotions_baseline", "vad_regressor"])])
    _succeeded(deployment, [pair])
    steps = {s["stepKey"]: (s["startTime"], s["endTime"]) for s in pair["stepStats"]}
    assert _overlap(steps["goemotions_baseline"], steps["vad_regressor"]) > 0, steps
    tokens = deployment.home / "cache" / "tokens"
    assert not [p.name for p in tokens.iterdir() if p.name.startswith(".")], "a staging folder was left behind"
    # train, dev and test of the single-label subset, and SST-2 for the VAD model's valence figure: one entry each
    assert len(list(tokens.iterdir())) == 4, sorted(p.name for p in tokens.iterdir())

    # The two EACL partitions as two runs, queued together: the coordinator runs both at once.
    runs = deployment.wait([deployment.launch(["eacl_checkpoints"], partition=p) for p in ("meld", "emorynlp")])
    _succeeded(deployment, runs)
    training = [next((s["startTime"], s["endTime"]) for s in run["stepStats"] if s["stepKey"] == "eacl_checkpoints") for run in runs]
    assert _overlap(*training) > 0, training

    few_shot = {"retrofitted_plm": {"config": {"few_shot_sizes": [16], "few_shot_seeds": [0]}}}  # 4 fine-tunes, not 36
    _succeeded(deployment, deployment.wait([deployment.launch(["label_mapping_model", "emotion_content_encoders", "retrofitted_plm",
                                                               "eval_report"], ops=few_shot)]))

    # Over HTTP: every registered model has a champion, and its run names a Dagster run that Postgres holds.
    registered = {m["name"]: m for m in _rest(deployment, "registered-models/search", max_results=100)["registered_models"]}
    assert sorted(registered) == sorted(MODELS)
    for name, model in registered.items():
        [alias] = [a for a in model.get("aliases", []) if a["alias"] == "champion"]
        version = _rest(deployment, "model-versions/get", name=name, version=alias["version"])["model_version"]
        run = _rest(deployment, "runs/get", run_id=version["run_id"])["run"]
        tags = {t["key"]: t["value"] for t in run["data"]["tags"]}
        assert run["info"]["status"] == "FINISHED", name
        dagster_run = tags["dagster_run_id"]
        assert deployment.postgres.sql("dagster", f"select status from runs where run_id = '{dagster_run}'") == "SUCCESS", name
        assert deployment.run(dagster_run)["status"] == "SUCCESS"
    artifacts = list((deployment.home.parent / "artifacts").rglob("MLmodel"))
    assert len(artifacts) >= len(MODELS), "the tracking server holds the models' artifacts"


def _versions(deployment: Deployment, name: str) -> int:
    return len(_rest(deployment, "model-versions/search", filter=f"name='{name}'").get("model_versions", []))


def test_a_tracking_server_restarted_between_steps_is_survived_by_the_retry_policy(deployment):
    before = _versions(deployment, "emopipe-label-mapper")
    deployment.mlflow.stop()
    run_id = deployment.launch(["label_mapping_model"])
    deadline = time.monotonic() + 240
    while not any(e["__typename"] == "ExecutionStepUpForRetryEvent" for e in deployment.messages(run_id)):
        assert time.monotonic() < deadline, deployment.logs()
        assert deployment.run(run_id)["status"] not in ("FAILURE", "CANCELED"), deployment.messages(run_id)[-10:]
        time.sleep(2)
    deployment.mlflow.start()  # same store, same port
    [run] = deployment.wait([run_id])
    _succeeded(deployment, [run])
    [step] = run["stepStats"]
    assert len(step["attempts"]) >= 2
    retried = [e["error"] for e in deployment.messages(run_id) if e["__typename"] == "ExecutionStepUpForRetryEvent"]
    causes = [" ".join([error["message"], *(c["message"] for c in error["causes"])]).lower() for error in retried]
    assert causes and all("connection refused" in c or "max retries exceeded" in c for c in causes), causes
    assert _versions(deployment, "emopipe-label-mapper") == before + 1


def _digests(deployment: Deployment) -> dict[str, str]:
    return {str(p.relative_to(deployment.home)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((deployment.home / "tables").rglob("*")) if p.is_file()}


def test_postgres_stopped_mid_run_fails_the_run_clearly_and_loses_no_table(deployment):
    before = _digests(deployment)
    assert len(before) >= len(DATA)
    run_id = deployment.launch(["vad_regressor"], ops={"vad_regressor": {"config": {"epochs": 400}}})
    checkpoints = deployment.home / "checkpoints" / "emopipe-vad-regressor"
    deadline = time.monotonic() + 240
    while not list(checkpoints.glob("*/checkpoints/epoch_2/state.json")):
        assert time.monotonic() < deadline, deployment.logs()
        time.sleep(0.5)
    deployment.postgres.stop()
    time.sleep(60)  # long enough for Dagster's connection retries to give up (a few seconds' outage only stalls the step)
    deployment.postgres.start()
    [run] = deployment.wait([run_id], timeout=300)
    assert run["status"] == "FAILURE"
    deadline, explained = time.monotonic() + 120, []
    while not explained:  # the sensor explain_failed_runs adds the cause
        assert time.monotonic() < deadline, [e.get("message") for e in deployment.messages(run_id)[-8:]]
        time.sleep(3)
        explained = [e["message"] for e in deployment.messages(run_id) if "instance's database became unreachable" in (e.get("message") or "")]
    assert any(words in explained[0] for words in LOST_DATABASE) and "resumes from the last finished epoch" in explained[0], explained
    tags = {t["key"]: t["value"] for t in deployment.run(run_id)["tags"]}
    assert tags["emopipe/failure_cause"] == "instance database unreachable"
    assert _digests(deployment) == before
    # The tables are still what the instance says was materialized: a run that reads them succeeds.
    _succeeded(deployment, deployment.wait([deployment.launch(["label_mapping_model"])]))
