"""The champion rule against a real SQLite registry: the champion's figure comes from its version's
tags, never its run's history; profiles are not mixed without force; registry errors fail loudly and
leave the alias; NaN is refused; two concurrent promotions end with the better one."""

import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import TEMPORARILY_UNAVAILABLE
from mlflow.tracking import MlflowClient

from emopipe.tracking.champion import CHAMPION, Selection, current_champion, promote

NAME = "emopipe-test-model"


@pytest.fixture
def registry(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.create_registered_model(NAME)
    return client, tmp_path / "champion.lock"


def version_with(client: MlflowClient, history: list[float]) -> tuple[str, str]:
    """A registered version whose run logged `history` as per-step dev_macro_f1 (a real run, a real version)."""
    found = client.get_experiment_by_name("runs")
    run = client.create_run(found.experiment_id if found else client.create_experiment("runs"))
    for step, value in enumerate(history):
        client.log_metric(run.info.run_id, "dev_macro_f1", value, step=step)
    source = Path(run.info.artifact_uri.removeprefix("file://")) / "model"
    source.mkdir(parents=True, exist_ok=True)
    version = client.create_model_version(NAME, str(source), run.info.run_id)
    return version.version, run.info.run_id


def candidate(client, value: float, profile: str = "cpu", history: list[float] | None = None):
    version, run_id = version_with(client, history if history is not None else [value])
    return version, run_id, Selection("dev_macro_f1", value, profile)


def champion_version(client) -> str | None:
    found = current_champion(client, NAME)
    return found.version if found else None


def test_the_champions_figure_is_its_selected_value_not_the_end_of_its_run_history(registry):
    client, lock = registry
    # Selected at 0.60 (step 0), later per-step figures end at 0.40: the old rule read 0.40 and promoted 0.50.
    v1, run1, sel1 = candidate(client, 0.60, history=[0.60, 0.55, 0.40])
    assert promote(client, NAME, v1, sel1, run1, lock)["champion_decision"] == "promoted"
    assert client.get_run(run1).data.metrics["dev_macro_f1"] == 0.40  # what the run's history says last
    v2, run2, sel2 = candidate(client, 0.50)
    decision = promote(client, NAME, v2, sel2, run2, lock)
    assert decision["champion_decision"] == "kept" and champion_version(client) == v1
    assert float(decision["previous_champion_selection_value"]) == 0.60
    tags = client.get_model_version(NAME, v2).tags
    assert tags["selection_metric"] == "dev_macro_f1" and float(tags["selection_value"]) == 0.50 and tags["profile"] == "cpu"
    assert tags["selection_split"] == "dev" and "0.5000 < champion v1's 0.6000" in tags["champion_reason"]
    assert client.get_run(run2).data.tags["champion_decision"] == "kept"
    v3, run3, sel3 = candidate(client, 0.60)  # equal: promoted (not worse)
    assert promote(client, NAME, v3, sel3, run3, lock)["champion_decision"] == "promoted" and champion_version(client) == v3


def test_another_profile_is_replaced_only_with_force(registry):
    client, lock = registry
    v1, run1, sel1 = candidate(client, 0.30, profile="cpu")
    promote(client, NAME, v1, sel1, run1, lock)
    v2, run2, sel2 = candidate(client, 0.90, profile="smoke")
    decision = promote(client, NAME, v2, sel2, run2, lock)
    assert decision["champion_decision"] == "kept" and champion_version(client) == v1
    assert "not comparable" in decision["champion_reason"] and "force_champion" in decision["champion_reason"]
    other_split = Selection("dev_macro_f1", 0.9, "cpu", split="test")
    assert promote(client, NAME, v2, other_split, run2, lock)["champion_decision"] == "kept"
    forced = promote(client, NAME, v2, sel2, run2, lock, force=True)
    assert forced["champion_decision"] == "promoted" and champion_version(client) == v2 and "forced" in forced["champion_reason"]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_non_finite_candidate_is_refused_with_a_reason(registry, value):
    client, lock = registry
    v1, run1, sel1 = candidate(client, 0.2)
    promote(client, NAME, v1, sel1, run1, lock)
    v2, run2, _ = candidate(client, 0.0)
    decision = promote(client, NAME, v2, Selection("dev_macro_f1", value, "cpu"), run2, lock)
    assert decision["champion_decision"] == "refused" and "not a finite number" in decision["champion_reason"]
    assert champion_version(client) == v1
    assert client.get_model_version(NAME, v2).tags["champion_decision"] == "refused"


class FlakyClient(MlflowClient):
    """A real client whose registered-model lookup fails the way a busy store does."""

    def get_registered_model(self, name):
        raise MlflowException("database is locked", error_code=TEMPORARILY_UNAVAILABLE)


def test_a_registry_error_fails_and_leaves_the_alias(registry):
    client, lock = registry
    v1, run1, sel1 = candidate(client, 0.2)
    promote(client, NAME, v1, sel1, run1, lock)
    v2, run2, sel2 = candidate(client, 0.9)
    flaky = FlakyClient(tracking_uri=client.tracking_uri, registry_uri=client.tracking_uri)
    with pytest.raises(MlflowException, match="database is locked"):
        promote(flaky, NAME, v2, sel2, run2, lock)
    assert champion_version(client) == v1
    assert "champion_decision" not in client.get_model_version(NAME, v2).tags


def test_a_champion_registered_before_the_tags_is_read_from_its_legacy_tag(registry):
    client, lock = registry
    v1, run1 = version_with(client, [0.7, 0.1])
    client.set_model_version_tag(NAME, v1, "candidate_dev_macro_f1", "0.7")
    client.set_tag(run1, "profile", "cpu")
    client.set_registered_model_alias(NAME, CHAMPION, v1)
    v2, run2, sel2 = candidate(client, 0.5)
    assert promote(client, NAME, v2, sel2, run2, lock)["champion_decision"] == "kept"
    v3, _run3 = version_with(client, [0.1])  # no record at all: only force replaces it
    client.set_registered_model_alias(NAME, CHAMPION, v3)
    assert promote(client, NAME, v2, sel2, run2, lock)["champion_decision"] == "kept"
    assert promote(client, NAME, v2, sel2, run2, lock, force=True)["champion_decision"] == "promoted"


# Each process promotes one candidate with a real client that is slow between reading the champion
# and moving the alias; `start` lines them up. Without compare-and-set both read v1 and the worse,
# slower one writes last.
RACE = """
import sys, time
from pathlib import Path
from mlflow.tracking import MlflowClient
from emopipe.tracking.champion import Selection, promote

uri, version, run_id, value, lock, start, delay = sys.argv[1:]
lock = Path(lock)

class Slow(MlflowClient):
    def set_registered_model_alias(self, *args):
        time.sleep(float(delay))
        return super().set_registered_model_alias(*args)

    def get_model_version(self, *args):
        found = super().get_model_version(*args)
        time.sleep(0.5)
        return found

client = Slow(tracking_uri=uri, registry_uri=uri)
time.sleep(max(0.0, float(start) - time.time()))
print(promote(client, "emopipe-test-model", version, Selection("dev_macro_f1", float(value), "cpu"), run_id, lock)["champion_decision"])
"""


def test_two_concurrent_candidates_end_with_the_better_one(registry):
    client, lock = registry
    v1, run1, sel1 = candidate(client, 0.5)
    promote(client, NAME, v1, sel1, run1, lock)
    better, run_better, _ = candidate(client, 0.7)
    worse, run_worse, _ = candidate(client, 0.6)
    start = time.time() + 8  # both processes have imported mlflow by then
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
    procs = [subprocess.Popen([sys.executable, "-c", RACE, client.tracking_uri, str(v), r, str(x), str(lock), str(start), delay],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for v, r, x, delay in ((better, run_better, 0.7, "0.2"), (worse, run_worse, 0.6, "2.0"))]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outputs]
    assert champion_version(client) == better
    assert outputs[0][0].strip().splitlines()[-1] == "promoted"  # the worse one is kept, or promoted first and then replaced
