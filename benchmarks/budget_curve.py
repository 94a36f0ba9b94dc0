"""Time against quality for the budgets a model asset was trained with: the measured table behind
each cpu budget (docs/budgets.md).

For one model asset (and partition) it lists every finished MLflow run of a profile, oldest first:
the settings that differ between those runs, the step's minutes (training, evaluation, in all; from
the run's `cost_*` metrics, or the run's own duration for runs older than those), the dev figure the
champion rule selects on and the test figures the report puts beside the paper's. Read-only: the
runs are made with `dagster asset materialize --select ASSET --config budget.yaml`, one at a time on
an otherwise idle machine, so their minutes compare. Run:
  .venv/bin/python benchmarks/budget_curve.py vad_regressor [--partition meld] [--profile cpu] [--tracking-uri URI]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mlflow.tracking import MlflowClient

from emopipe.evaluation.cards import SPECS
from emopipe.tracking.mlflow_tracking import default_tracking_uri

NOT_BUDGET = {"emopipe_reader", "profile"}


def figures_of(asset: str) -> tuple[str, list[tuple[str, str | None]]]:
    """The selection metric and the headline test figures, (metric, minus) as the report computes them."""
    spec = next(s for s in SPECS.values() if s.asset == asset)
    tests = [(f.metric, f.minus) for f in spec.method.figures if f.asset == asset and f.headline and not f.ablation]
    return spec.selection, list(dict.fromkeys(tests + [(m, None) for m in spec.headline if m.startswith("test_")][:2]))


def value(metrics: dict[str, float], metric: str, minus: str | None) -> str:
    if metric not in metrics or (minus and minus not in metrics):
        return "-"
    return f"{metrics[metric] - (metrics[minus] if minus else 0):+.4f}" if minus else f"{metrics[metric]:.3f}"


def minutes(run) -> tuple[str, str, str]:
    m = run.data.metrics
    if "cost_wall_seconds" in m:
        return f"{m['cost_train_seconds'] / 60:.1f}", f"{m['cost_eval_seconds'] / 60:.1f}", f"{m['cost_wall_seconds'] / 60:.1f}"
    return "-", "-", f"{(run.info.end_time - run.info.start_time) / 60_000:.1f} (run)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("asset", choices=sorted({s.asset for s in SPECS.values()}))
    parser.add_argument("--partition", default=None, help="eacl_checkpoints: meld or emorynlp")
    parser.add_argument("--profile", default="cpu")
    parser.add_argument("--tracking-uri", default=None, help="default: $MLFLOW_TRACKING_URI or $DAGSTER_HOME/mlflow.db")
    args = parser.parse_args()

    uri = args.tracking_uri or default_tracking_uri()
    if uri.startswith("sqlite:///") and not Path(uri.removeprefix("sqlite:///")).exists():
        raise SystemExit(f"no MLflow database at {uri}: set DAGSTER_HOME (or --tracking-uri) to where the runs are")
    client = MlflowClient(uri, uri)
    experiment = client.get_experiment_by_name(args.asset)
    if experiment is None:
        raise SystemExit(f"no MLflow experiment {args.asset!r} in {uri}: materialize it first")
    query = f"attributes.status = 'FINISHED' and tags.profile = '{args.profile}'"
    if args.partition:
        query += f" and tags.dagster_partition_key = '{args.partition}'"
    runs = client.search_runs([experiment.experiment_id], query, order_by=["attributes.start_time ASC"], max_results=1000)
    runs = [r for r in runs if "emopipe_reader" in r.data.params]  # registered model runs, not the report's
    if not runs:
        raise SystemExit(f"no finished {args.profile} run of {args.asset} in {uri}")
    keys = sorted({k for r in runs for k in r.data.params} - NOT_BUDGET)
    differing = [k for k in keys if len({r.data.params.get(k) for r in runs}) > 1]
    selection, tests = figures_of(args.asset)
    head = ["run", *differing, "train min", "eval min", "step min", selection, *(f"{m} - {x}" if x else m for m, x in tests)]
    print(f"{args.asset}{f'[{args.partition}]' if args.partition else ''}, profile {args.profile}: {len(runs)} runs; "
          f"settings shared by all: " + ", ".join(f"{k}={runs[0].data.params.get(k)}" for k in keys if k not in differing))
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for run in runs:
        m = run.data.metrics
        cells = [run.info.run_id[:8], *(run.data.params.get(k, "-") for k in differing), *minutes(run),
                 value(m, selection, None), *(value(m, metric, minus) for metric, minus in tests)]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
