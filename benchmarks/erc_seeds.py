"""EACL against its cross-entropy baseline over seeds, side by side in one run.

One seed's test weighted F1 moves by about half a point between seeds on MELD, as much as EACL's
gain at the cpu budget, so a single `eacl_checkpoints` run cannot settle which model is better.
This runs `run_erc` (both models, the asset's code path, no MLflow) for each seed and prints, per
seed and on average, test weighted / macro F1 and dev weighted F1 of both, and EACL's paired gain.
Budget and EACL options can be overridden as JSON, to compare a change on the same seeds. Run:
  .venv/bin/python benchmarks/erc_seeds.py meld --seeds 13 14 15 [--budget '{"epochs": 3}'] [--options '{"angle_weight": 0}']
It reads `conversation_utterances` from $DAGSTER_HOME/tables (materialize it first:
`dagster asset materialize -m emopipe.definitions --select '+conversation_utterances'`).
A MELD seed takes about 20 minutes on 2 cores with the cpu budget (measured on an AVX2-only CPU).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import polars as pl

from emopipe.erc.options import BUDGETS, EaclOptions
from emopipe.erc.run import run_erc
from emopipe.paths import dagster_home
from emopipe.training.profiles import choose_budget, profile_name

COLUMNS = ("test_weighted_f1", "test_macro_f1", "dev_weighted_f1")


def row(seed, metrics: dict, minutes: float | None = None) -> str:
    eacl = " / ".join(f"{metrics[k]:.4f}" for k in COLUMNS)
    base = " / ".join(f"{metrics['baseline_' + k]:.4f}" for k in COLUMNS)
    gain = metrics["test_weighted_f1"] - metrics["baseline_test_weighted_f1"]
    return f"| {seed} | {eacl} | {base} | {gain:+.4f} | {'' if minutes is None else f'{minutes:.1f}'} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", choices=("meld", "emorynlp"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 14, 15])
    parser.add_argument("--profile", default=None, help="cpu (default: $EMOPIPE_PROFILE or cpu), gpu or smoke")
    parser.add_argument("--budget", type=json.loads, default={}, help="ErcBudget fields to override, as JSON")
    parser.add_argument("--options", type=json.loads, default={}, help="EaclOptions fields to override, as JSON")
    args = parser.parse_args()

    profile = profile_name(args.profile)
    budget = choose_budget(BUDGETS, profile, args.budget)
    options = replace(EaclOptions(), **args.options)
    table_path = dagster_home() / "tables" / "conversation_utterances.parquet"
    if not table_path.exists():
        sys.exit(f"{table_path} not found: materialize conversation_utterances first")
    table = pl.read_parquet(table_path)
    print(f"{args.dataset}, profile {profile}\n{budget}\noptions {options}\n", flush=True)
    print("| seed | EACL test weighted / macro, dev weighted | baseline test weighted / macro, dev weighted "
          "| EACL gain (test weighted) | minutes |")
    print("|---|---|---|---|---|", flush=True)
    runs = []
    for seed in args.seeds:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as root:
            result = run_erc(args.dataset, table, budget, options, Path(root), seed=seed,
                             log=lambda line: print(f"  {line}", file=sys.stderr, flush=True))
        runs.append(result.metrics)
        print(row(seed, result.metrics, (time.perf_counter() - started) / 60), flush=True)
    if len(runs) > 1:
        mean = {k: statistics.fmean(m[k] for m in runs) for k in runs[0]}
        gains = [m["test_weighted_f1"] - m["baseline_test_weighted_f1"] for m in runs]
        print(row("mean", mean))
        print(f"\nEACL gain in test weighted F1: mean {statistics.fmean(gains):+.4f}, sd {statistics.stdev(gains):.4f}, "
              f"ahead on {sum(g > 0 for g in gains)} of {len(gains)} seeds")


if __name__ == "__main__":
    main()
