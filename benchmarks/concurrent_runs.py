"""Runs per minute of the server deployment (`deploy/server/`): one smoke graph alone, then N at once.

Brings up what tests/test_server_deployment.py runs (a throwaway Postgres, an MLflow tracking server
with its store in it, Dagster's webserver and daemon on an instance with Postgres storage and the
queued run coordinator, which runs two at a time), submits one run of the smoke graph's
unpartitioned assets (sources, datasets and the five unpartitioned models; retrofitting's few-shot
evaluation cut to one size and one draw, as in the test) and waits for it, then
submits N such runs at once, each with its own seed (so no two train the same configuration), and
prints both rates side by side with the machine they ran on.

    .venv/bin/python benchmarks/concurrent_runs.py [N]        # N defaults to 4
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.serving import cpu
from tests.deployment import server_deployment

MODELS = ["goemotions_baseline", "vad_regressor", "label_mapping_model", "emotion_content_encoders", "retrofitted_plm"]
FEW_SHOT = {"retrofitted_plm": {"few_shot_sizes": [16], "few_shot_seeds": [0]}}  # 4 few-shot fine-tunes, as the test, not 36


def graph_keys() -> list[str]:
    from emopipe.defs.dataset_assets import DATASET_ASSETS
    from emopipe.defs.source_assets import SOURCE_ASSETS

    return [k.to_user_string() for a in [*SOURCE_ASSETS, *DATASET_ASSETS] for k in a.keys] + MODELS


def timed(deployment, seeds: list[int]) -> float:
    """Seconds from submitting one run per seed until the last has ended; fails on a failed run."""
    started = time.monotonic()
    run_ids = [deployment.launch(graph_keys(), ops={m: {"config": {"seed": seed} | FEW_SHOT.get(m, {})} for m in MODELS}) for seed in seeds]
    runs = deployment.wait(run_ids, timeout=3600)
    failed = [r["runId"] for r in runs if r["status"] != "SUCCESS"]
    if failed:
        raise SystemExit(f"runs failed: {failed}\n{deployment.logs()}")
    return time.monotonic() - started


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    with server_deployment() as deployment:
        print(f"deployment up: Postgres on :{deployment.postgres.port}, MLflow at {deployment.mlflow.uri}, "
              f"Dagster at http://127.0.0.1:{deployment.port}; {cpu()}", flush=True)
        alone = timed(deployment, [1000])
        print(f"1 run alone: {alone:.0f} s", flush=True)
        together = timed(deployment, list(range(2000, 2000 + n)))
        print(f"{n} runs at once: {together:.0f} s", flush=True)
    print(f"\n| runs | wall s | runs per minute |\n|---|---|---|\n| 1 alone | {alone:.0f} | {60 / alone:.2f} |\n"
          f"| {n} at once (2 running, the rest queued) | {together:.0f} | {60 * n / together:.2f} |\n"
          f"\nthroughput ratio, {n} at once over one alone: {(n / together) / (1 / alone):.2f}x")


if __name__ == "__main__":
    main()
