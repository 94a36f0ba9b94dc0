"""retrofitted_plm on the tiny real-format mirror: retrofits the tiny encoder, logs base, retrofitted
and ablation metrics side by side, registers `emopipe-retrofitted-plm` as champion with a Hugging
Face directory inside, serves embeddings in a fresh process, and another model asset trains on it
with `encoder: retrofitted`."""

import json
import subprocess
import sys

import dagster as dg

from emopipe.defs.model_assets import goemotions_baseline
from emopipe.defs.resources import ParquetTables, SourceData
from emopipe.defs.retrofit_assets import retrofitted_plm
from emopipe.tracking.mlflow_tracking import MlflowTracking
from tests.defs.helpers import DATA_ASSETS, failure_text

SERVE = """
import json, sys
import mlflow.pyfunc, pandas as pd
model = mlflow.pyfunc.load_model(sys.argv[1])
out = model.predict(["what a day", "", "x" * 100_000, None])
framed = model.predict(pd.DataFrame({"text": ["so sad"]}))
print(json.dumps({"shape": list(out.shape), "framed": list(framed.shape), "finite": bool((out == out).all())}))
"""

FEW_SHOT = {"few_shot_sizes": [2], "few_shot_seeds": [0, 1]}


def test_retrofit_materializes_registers_serves_and_feeds_other_models(monkeypatch, mirror, home):
    monkeypatch.setenv("EMOPIPE_PROFILE", "smoke")
    root, hashes = mirror
    resources = {"data": SourceData(data_dir=str(root), sha256_overrides=hashes, offline=True),
                 "io_manager": ParquetTables(base_dir=str(home / "tables")), "mlflow": MlflowTracking()}
    instance = dg.DagsterInstance.ephemeral()  # one instance: `encoder: retrofitted` reads what retrofitted_plm recorded in it
    result = dg.materialize([*DATA_ASSETS, retrofitted_plm], selection=["*retrofitted_plm"], resources=resources, instance=instance,
                            run_config={"ops": {"retrofitted_plm": {"config": FEW_SHOT}}}, raise_on_error=False)
    assert result.success, failure_text(result)
    [event] = result.asset_materializations_for_node("retrofitted_plm")
    metadata = event.metadata
    assert metadata["model_uri"].value.startswith("models:/emopipe-retrofitted-plm/")
    assert "retrofitted" in metadata["emopipe-retrofitted-plm_comparison"].value
    assert "emopipe-retrofitted-plm_embeddings_tsne" in metadata
    client = MlflowTracking().client()
    champion = client.get_model_version_by_alias("emopipe-retrofitted-plm", "champion")
    assert champion.run_id == metadata["mlflow_run_id"].value
    names = set(client.get_run(champion.run_id).data.metrics)
    for encoder in ("base", "retrofitted", "nopreservation"):
        assert {f"{encoder}_test_{m}" for m in ("ami", "ari", "fms", "mrr", "p_at_1", "map_at_r")} <= names
        assert {f"{encoder}_{t}_probe_{m}" for t in ("sst2", "sarcasm") for m in ("accuracy", "f1")} <= names
    assert {"retrofitted_delta_emb", "nopreservation_delta_emb", "dev_map_at_r"} <= names
    assert {f"{e}_{t}_fewshot2_{m}_{s}" for e in ("base", "retrofitted") for t in ("sst2", "sarcasm")
            for m in ("accuracy", "f1") for s in ("mean", "std")} <= names
    files = {f.path for f in client.list_artifacts(champion.run_id)}
    assert {"embeddings_tsne.png", "training.json"} <= files

    served = subprocess.run([sys.executable, "-c", SERVE, "models:/emopipe-retrofitted-plm@champion"], capture_output=True,
                            text=True, timeout=300)
    assert served.returncode == 0, served.stderr[-3000:]
    answer = json.loads(served.stdout.strip().splitlines()[-1])
    assert answer["shape"] == [4, 32] and answer["framed"] == [1, 32] and answer["finite"]

    retrofitted = {"ops": {"goemotions_baseline": {"config": {"encoder": "retrofitted"}}}}
    elsewhere = dg.materialize([*DATA_ASSETS, goemotions_baseline], selection=["goemotions_baseline"], resources=resources,
                               instance=dg.DagsterInstance.ephemeral(), run_config=retrofitted, raise_on_error=False)
    assert not elsewhere.success and "no materialization of retrofitted_plm: materialize it first" in failure_text(elsewhere)
    downstream = dg.materialize([*DATA_ASSETS, goemotions_baseline], selection=["goemotions_baseline"], resources=resources,
                                instance=instance, run_config=retrofitted, raise_on_error=False)
    assert downstream.success, failure_text(downstream)
    [trained] = downstream.asset_materializations_for_node("goemotions_baseline")
    params = client.get_run(trained.metadata["mlflow_run_id"].value).data.params
    assert params["encoder"] == "retrofitted" and params["encoder_model"] == metadata["model_uri"].value
    assert (home / "encoders" / f"emopipe-retrofitted-plm-v{champion.version}" / "config.json").exists()
