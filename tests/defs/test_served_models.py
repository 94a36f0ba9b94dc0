"""Every model of the smoke graph, as a user meets it: registered without a pickle, loaded and used
with pickle deserialization disabled (and no type-hint warning), served over HTTP by `emopipe serve`
(good payloads answered, bad ones a 4xx with a message), and described by a model card."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import dagster as dg
import mlflow.artifacts
import pytest
from click.testing import CliRunner
from mlflow.tracking import MlflowClient

from emopipe.cli import main
from emopipe.defs.emotion_space_assets import EMOTION_SPACE_ASSETS
from emopipe.defs.erc_assets import ERC_ASSETS
from emopipe.defs.model_assets import MODEL_ASSETS
from emopipe.defs.resources import ParquetTables, SourceData
from emopipe.defs.retrofit_assets import retrofitted_plm
from emopipe.tracking.mlflow_tracking import MlflowTracking
from tests.defs.helpers import DATA_ASSETS, failure_text
from tests.fixture_files import write_mirror

MODELS = ["emopipe-goemotions-baseline", "emopipe-vad-regressor", "emopipe-label-mapper", "emopipe-content-encoder",
          "emopipe-retrofitted-plm", "emopipe-eacl-meld", "emopipe-eacl-emorynlp"]
PICKLES = (".pkl", ".pickle", ".joblib")


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """The smoke graph's seven models in a fresh SQLite registry; yields the environment that finds it."""
    root = tmp_path_factory.mktemp("served")
    hashes = write_mirror(root / "mirror")
    env = {"DAGSTER_HOME": str(root / "home"), "EMOPIPE_PROFILE": "smoke", "EMOPIPE_OFFLINE": "1"}
    (root / "home").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        resources = {"data": SourceData(data_dir=str(root / "mirror"), sha256_overrides=hashes, offline=True),
                     "io_manager": ParquetTables(), "mlflow": MlflowTracking()}
        assets = [*DATA_ASSETS, *MODEL_ASSETS, *EMOTION_SPACE_ASSETS, retrofitted_plm, *ERC_ASSETS]
        with dg.DagsterInstance.get() as instance:
            plain = dg.materialize(assets, selection=[k.to_user_string() for a in assets for k in a.keys
                                                      if k.to_user_string() != "eacl_checkpoints"],
                                   resources=resources, instance=instance, raise_on_error=False)
            assert plain.success, failure_text(plain)
            for partition in ("meld", "emorynlp"):
                result = dg.materialize(assets, selection=["eacl_checkpoints"], partition_key=partition, resources=resources,
                                        instance=instance, raise_on_error=False)
                assert result.success, failure_text(result)
        yield {**os.environ, **env, "MLFLOW_TRACKING_URI": MlflowTracking().uri, "MLFLOW_DISABLE_TELEMETRY": "true"}


def test_no_registered_model_holds_a_pickle(registry, tmp_path):
    uri = registry["MLFLOW_TRACKING_URI"]
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    assert sorted(m.name for m in client.search_registered_models()) == sorted(MODELS)
    for name in MODELS:
        for version in client.search_model_versions(f"name='{name}'"):
            folder = Path(mlflow.artifacts.download_artifacts(f"models:/{name}/{version.version}", dst_path=str(tmp_path / name),
                                                              tracking_uri=uri))
            files = [p for p in folder.rglob("*") if p.is_file()]
            names = {p.name for p in files}
            assert "MLmodel" in names and "served_model.py" in names, (name, sorted(names))
            assert not [p for p in files if p.suffix in PICKLES], (name, [p for p in files if p.suffix in PICKLES])
            assert any(p.suffix == ".safetensors" for p in files), name
            assert "python_model.pkl" not in (folder / "MLmodel").read_text()


TEXT_MODELS = {"emopipe-goemotions-baseline", "emopipe-vad-regressor", "emopipe-retrofitted-plm", "emopipe-eacl-meld",
               "emopipe-eacl-emorynlp", "emopipe-content-encoder"}


def test_every_model_run_says_where_its_time_went(registry):
    """Each model's run logs its cost, and benchmarks/pipeline_cost.py lists every model asset of the run."""
    uri = registry["MLFLOW_TRACKING_URI"]
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    for name in MODELS:
        version = client.search_model_versions(f"name='{name}'")[0]
        metrics = client.get_run(version.run_id).data.metrics
        parts = metrics["cost_train_seconds"] + metrics["cost_eval_seconds"] + metrics["cost_other_seconds"]
        assert abs(parts - metrics["cost_wall_seconds"]) < 1e-3 * max(1.0, metrics["cost_wall_seconds"]), name
        if name in TEXT_MODELS:  # trained on texts: real tokens, at a rate beside the machine's matmul rate
            assert metrics["cost_trained_tokens"] > metrics["cost_trained_examples"] > 0, name
            assert 0 < metrics["cost_train_matmul_fraction"] < 5, name
    out = subprocess.run([sys.executable, "benchmarks/pipeline_cost.py"], env=registry, capture_output=True,
                         text=True, timeout=300, check=True).stdout
    assert "matrix multiply measured now: fp32" in out
    for asset in ("goemotions_baseline", "vad_regressor", "label_mapping_model", "emotion_content_encoders", "retrofitted_plm",
                  "eacl_checkpoints[meld]", "eacl_checkpoints[emorynlp]"):
        assert f"| {asset} |" in out, (asset, out)


LOAD_ALL = """
import json, sys, warnings
import numpy as np, pandas as pd
import mlflow.pyfunc
warnings.simplefilter("always")
inputs = {
    "emopipe-goemotions-baseline": (["I love it", "so sad"], []),
    "emopipe-vad-regressor": (pd.DataFrame({"text": ["I love it", None]}), []),
    "emopipe-label-mapper": ({"from": "nrc_vad", "to": "emolex8", "values": [[0.9, 0.6, 0.7]]},
                             {"from": "nrc_vad", "to": "emolex8", "values": []}),
    "emopipe-content-encoder": (["what a day"], []),
    "emopipe-retrofitted-plm": (["what a day", "meh"], []),
    "emopipe-eacl-meld": ([{"speaker": "Ross", "text": "We were on a break!"}, {"speaker": "x " * 1000, "text": "fine"}], []),
    "emopipe-eacl-emorynlp": (pd.DataFrame({"speaker": ["A"], "text": ["hello"]}), pd.DataFrame({"speaker": [], "text": []})),
}
answers = {}
with warnings.catch_warnings(record=True) as caught:
    for name, (good, empty) in inputs.items():
        model = mlflow.pyfunc.load_model(f"models:/{name}@champion")
        out, none = model.predict(good), model.predict(empty)
        shape = lambda x: [list(x.columns), len(x)] if isinstance(x, pd.DataFrame) else list(np.asarray(x).shape)
        answers[name] = {"good": shape(out), "empty": shape(none)}
answers["warnings"] = [str(w.message) for w in caught if "type hint" in str(w.message).lower()]
print(json.dumps(answers))
"""


def test_every_champion_loads_and_predicts_with_pickle_disabled(registry):
    env = {**registry, "MLFLOW_ALLOW_PICKLE_DESERIALIZATION": "false"}
    done = subprocess.run([sys.executable, "-c", LOAD_ALL], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    assert answers.pop("warnings") == []
    assert answers["emopipe-goemotions-baseline"] == {"good": [["top_emotion", "probability", "emotions"], 2],
                                                           "empty": [["top_emotion", "probability", "emotions"], 0]}
    vad = ["valence", "arousal", "dominance", "top_emotion"]
    assert answers["emopipe-vad-regressor"] == {"good": [vad, 2], "empty": [vad, 0]}
    emolex = ["anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust"]
    assert answers["emopipe-label-mapper"] == {"good": [emolex, 1], "empty": [emolex, 0]}
    assert answers["emopipe-content-encoder"] == {"good": [["valence", "arousal", "dominance"], 1], "empty": [["valence", "arousal", "dominance"], 0]}
    hidden = answers["emopipe-retrofitted-plm"]["good"][1]
    assert answers["emopipe-retrofitted-plm"] == {"good": [2, hidden], "empty": [0, hidden]}
    eacl = ["turn", "speaker", "emotion", "score"]
    assert answers["emopipe-eacl-meld"] == {"good": [eacl, 2], "empty": [eacl, 0]}  # a speaker of 1,000 words is cut, not fatal
    assert answers["emopipe-eacl-emorynlp"] == {"good": [eacl, 1], "empty": [eacl, 0]}


def test_every_model_and_version_has_a_model_card(registry, monkeypatch):
    client = MlflowClient(tracking_uri=registry["MLFLOW_TRACKING_URI"], registry_uri=registry["MLFLOW_TRACKING_URI"])
    for name in MODELS:
        model = client.get_registered_model(name)
        version = client.get_model_version_by_alias(name, "champion")
        for card in (model.description, version.description):
            assert card.startswith(f"**{name}** predicts") and "| figure | ours | paper |" in card, name
            assert "Known differences from the paper" in card and "profile `smoke`" in card
    mapper = client.get_model_version_by_alias("emopipe-label-mapper", "champion").description
    assert "do not redistribute" in mapper and "must not be redistributed" in mapper
    eacl = client.get_model_version_by_alias("emopipe-eacl-meld", "champion").description
    assert "`meld`: GPL-3.0" in eacl and "| EACL, test weighted F1 |" in eacl and "| 0.671 |" in eacl
    for name, value in registry.items():
        monkeypatch.setenv(name, value)
    printed = CliRunner().invoke(main, ["models", "--card", "emopipe-vad-regressor"])
    assert printed.exit_code == 0 and printed.output.startswith("**emopipe-vad-regressor** predicts valence")
    listing = CliRunner().invoke(main, ["models"])
    assert "champion v1: selected on dev_macro_f1=" in listing.output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(port: int, body: str | dict) -> tuple[int, dict | list]:
    data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/invocations", data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


class Server:
    """`emopipe serve NAME --port P` in its own process group, stopped by its PID."""

    def __init__(self, env: dict, name: str, log: Path):
        self.port = free_port()
        self.log = log.open("w")
        command = [str(Path(sys.executable).parent / "emopipe"), "serve", name, "--port", str(self.port)]  # the installed command
        self.process = subprocess.Popen(command, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 180
        while time.time() < deadline:
            assert self.process.poll() is None, log.read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/ping", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise AssertionError(f"{name} did not answer /ping within 180 s: {log.read_text()[-3000:]}")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


@pytest.mark.parametrize("name, good, bad", [
    ("emopipe-vad-regressor",
     [{"inputs": ["I love it", "so sad"]}, {"dataframe_split": {"columns": ["text"], "data": [["hi"], ["there"]]}},
      {"dataframe_records": [{"text": "hi"}, {"text": "there"}]}],
     [("not json", "valid JSON"), ({"inputs": [{"a": 1}, {"b": 2}]}, ""), ({"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2]]}}, "")]),
    ("emopipe-label-mapper",
     [{"inputs": {"from": "nrc_vad", "to": "emolex8", "values": [[0.9, 0.6, 0.7], [0.1, 0.9, 0.2]]}}],
     [({"inputs": {"from": "klingon", "to": "emolex8", "values": [[0.1]]}}, "klingon"),
      ({"inputs": {"from": "nrc_vad", "to": "emolex8", "values": [[9.0, 6.0, 7.0], [0.1, 0.2, 0.3]]}}, "outside [0, 1]"),
      ({"inputs": {"from": "nrc_vad", "to": "emolex8"}}, "lacks")]),
    ("emopipe-eacl-meld",
     [{"dataframe_records": [{"speaker": "Ross", "text": "We were on a break!"}, {"speaker": "Rachel", "text": "No!"}]},
      {"inputs": {"speaker": ["Ross", "word " * 1000], "text": ["hi", "fine"]}}],
     [({"dataframe_records": [{"speaker": "Ross"}]}, ""), ("[1, 2", "valid JSON")]),
])
def test_emopipe_serve_answers_standard_payloads_and_rejects_bad_ones(registry, tmp_path, name, good, bad):
    server = Server(registry, name, tmp_path / "server.log")
    try:
        for payload in good:
            status, body = post(server.port, payload)
            assert status == 200, (payload, body)
            rows = body["predictions"]
            assert len(rows) == 2 and all(isinstance(r, dict) for r in rows), body
        for payload, message in bad:
            status, body = post(server.port, payload)
            assert 400 <= status < 500, (payload, status, body)
            assert body.get("message") and message in body["message"], (payload, body)
    finally:
        server.stop()
    assert server.process.returncode is not None
