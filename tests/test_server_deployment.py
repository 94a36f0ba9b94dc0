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
import os
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from emopipe.defs.dataset_assets import DATASET_ASSETS
from emopipe.defs.recovery import LOST_DATABASE, process_alive
from emopipe.defs.source_assets import SOURCE_ASSETS
from emopipe.defs.source_files import observe_source_files
from tests.browser import chromium, full_page_screenshot, screenshot_around, wait_for
from tests.deployment import Deployment, server_deployment
from tests.servers import graphql

FILE_KEYS = [k.to_user_string() for k in observe_source_files.keys]
SOURCE_KEYS = [k.to_user_string() for a in SOURCE_ASSETS for k in a.keys]
DATASET_KEYS = [k.to_user_string() for a in DATASET_ASSETS for k in a.keys]
DATA = SOURCE_KEYS + DATASET_KEYS
MODEL_KEYS = ["goemotions_baseline", "vad_regressor", "label_mapping_model", "emotion_content_encoders", "retrofitted_plm", "eacl_checkpoints"]
FEW_SHOT = {"retrofitted_plm": {"config": {"few_shot_sizes": [16], "few_shot_seeds": [0]}}}  # 4 fine-tunes, not 36
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

    _succeeded(deployment, deployment.wait([deployment.launch(["label_mapping_model", "emotion_content_encoders", "retrofitted_plm",
                                                               "eval_report"], ops=FEW_SHOT)]))

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



GROUPS = {"source_files": FILE_KEYS, "sources": SOURCE_KEYS, "datasets": DATASET_KEYS, "models": MODEL_KEYS, "reports": ["eval_report"],
          "scoring": ["scored_texts"]}
REPORT_SECTIONS = ["Summary", "Dimensional VAD model", "Emotion Embeddings", "Retrofitting", "EACL", "Data contracts", "Lineage"]
DECODED = "return arguments[0].complete && arguments[0].naturalWidth"  # 0 for a picture the browser could not decode
REPORT_PICTURES = {"goemotions_baseline", "vad_regressor", "label_mapping_model", "retrofitted_plm", "eacl_checkpoints[meld]",
                   "eacl_checkpoints[emorynlp]"}


def _built(deployment: Deployment) -> Path:
    """The report, after every model: already there after the test above, built here when this test runs alone."""
    report = deployment.home / "reports" / "eval_report.html"
    if not report.is_file():
        _succeeded(deployment, deployment.wait([deployment.launch(MODEL_KEYS[:5], ops=FEW_SHOT)]))
        _succeeded(deployment, deployment.wait([deployment.launch(["eacl_checkpoints"], partition=p) for p in ("meld", "emorynlp")]))
        _succeeded(deployment, deployment.wait([deployment.launch(["eval_report"])]))
    return report


def _lines(browser) -> set[str]:
    from selenium.webdriver.common.by import By

    return set(browser.find_element(By.TAG_NAME, "body").text.split("\n"))


def test_the_asset_graph_a_model_page_and_the_report_in_a_browser(deployment, tmp_path):
    """Headless Chromium on the webserver of this deployment: each group's lineage graph shows every
    asset key of the group; vad_regressor's page opens its confusion-matrix picture; the HTML report
    shows every section and every model's picture, decoded. Screenshots go to $EMOPIPE_SCREENSHOTS
    (README's come from there), else to the test's folder."""
    from selenium.webdriver.common.by import By

    report = _built(deployment)
    # the instance config turns off the UI's first-visit dialog, whose backdrop would take the clicks below
    assert graphql(deployment.port, "{ shouldShowNux }")["shouldShowNux"] is False
    shots = Path(os.environ.get("EMOPIPE_SCREENSHOTS") or tmp_path)
    base = f"http://127.0.0.1:{deployment.port}"
    with chromium(1600, 3000) as browser:  # tall: the graph renders only the nodes inside the window
        for group, keys in GROUPS.items():
            browser.get(f"{base}/locations/emopipe/asset-groups/{group}/lineage")
            # a node is labelled with its key, or the key's last part (source_files/goemotions: goemotions)
            wait_for(lambda keys=keys: all({k, k.split("/")[-1]} & _lines(browser) for k in keys), f"the {group} group's assets {keys}")
            if group == "models":
                screenshot_around(browser, shots / "ui-models-lineage.png", keys)
        browser.get(f"{base}/assets/vad_regressor")
        show = wait_for(lambda: browser.find_elements(By.XPATH, "//a[normalize-space()='[Show Markdown]']"), "the picture's [Show Markdown] link")
        show[0].click()
        picture = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, ".bp5-dialog img[src^='data:image/png;base64,']"),
                           "the confusion matrix in its dialog")[0]
        assert picture.get_attribute("alt") == "emopipe-vad-regressor_confusion_matrix"
        assert wait_for(lambda: browser.execute_script(DECODED, picture), "a decoded picture") > 100
        browser.save_screenshot(str(shots / "ui-model-picture.png"))

        browser.get(report.as_uri())
        headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
        places = [next((i for i, h in enumerate(headings) if h.startswith(s)), None) for s in REPORT_SECTIONS]
        assert None not in places and places == sorted(places), headings  # every section, in order
        images = browser.find_elements(By.TAG_NAME, "img")
        assert {i.get_attribute("alt").split(":")[0] for i in images} == REPORT_PICTURES
        widths = [browser.execute_script(DECODED, i) for i in images]
        assert all(w > 100 for w in widths), widths
        browser.save_screenshot(str(shots / "report-top.png"))
        full_page_screenshot(browser, shots / "report.png")
    assert all((shots / name).stat().st_size > 10_000 for name in ("ui-models-lineage.png", "ui-model-picture.png", "report.png"))

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
    processes, taken = deployment.processes(run_id), time.time()
    assert processes, f"no process of run {run_id}"
    deployment.postgres.stop()
    # Until the run's processes have given up on the database (a few seconds' outage only stalls the step).
    deadline = time.monotonic() + 180
    while any(process_alive(pid, taken) for pid in processes):
        assert time.monotonic() < deadline, f"run {run_id}'s processes still running 180 s after Postgres stopped"
        time.sleep(1)
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
