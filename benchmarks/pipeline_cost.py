"""Where the time of the last run went, per model asset, beside this machine's matrix-multiply rate.

Every model asset's MLflow run logs its cost (`emopipe.training.cost`): trained tokens and examples,
wall time of training, evaluation and the rest, tokens/s and GFLOP/s of training. This prints them
for the newest run of every model asset (each partition of eacl_checkpoints apart; `make run` trains
them in several Dagster runs), or for one Dagster run's model assets, and measures
the machine's fp32 (and, where the CPU has it natively, bf16) matrix-multiply rate now, in this
process, so the fraction printed is of a rate measured side by side. "Of matmul then" is the fraction
of the rate sampled while the run trained (its mean; its lowest and highest beside it), the one to
read when the machine's speed moved between the run and now. Run:
  .venv/bin/python benchmarks/pipeline_cost.py [--dagster-run ID] [--tracking-uri URI] [--require-gpu]
With `--require-gpu` (benchmarks/gpu_smoke.sh) it exits non-zero when any model that trained on texts
trained anywhere but on a CUDA device; the label mapper trains label vectors on the CPU by design.
"""

from __future__ import annotations

import argparse
import platform
from pathlib import Path

import torch
from mlflow.tracking import MlflowClient

from emopipe.tracking.mlflow_tracking import default_tracking_uri
from emopipe.training.cost import matmul_gflops
from emopipe.training.device import cpu_has_fast_bf16


def cost_runs(client: MlflowClient) -> list:
    experiments = [e.experiment_id for e in client.search_experiments()]
    if not experiments:
        return []
    return client.search_runs(experiments, "attributes.status = 'FINISHED' and metrics.cost_wall_seconds >= 0",
                              order_by=["attributes.start_time DESC"], max_results=5000)


def pick(runs: list, dagster_run: str | None) -> list:
    """The runs to show: those of one Dagster run, else the newest per asset (and partition)."""
    if dagster_run is None:
        newest: dict[tuple, object] = {}
        for run in runs:
            newest.setdefault((run.data.tags.get("dagster_asset_key"), run.data.tags.get("dagster_partition_key"), run.info.run_name), run)
        return list(newest.values())
    return [run for run in runs if run.data.tags.get("dagster_run_id") == dagster_run]


def cpu_name() -> str:
    try:
        line = next(x for x in Path("/proc/cpuinfo").read_text().splitlines() if x.startswith("model name"))
        return line.split(":", 1)[1].strip()
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def _ceiling_then(m: dict) -> str:
    """The matmul rate sampled during the run's training: mean (lowest-highest); runs logged before
    the samples have the one rate measured after training."""
    if "cost_matmul_gflops" not in m:
        return "-"
    if "cost_matmul_gflops_min" not in m:
        return f"{m['cost_matmul_gflops']:.0f}"
    return f"{m['cost_matmul_gflops']:.0f} ({m['cost_matmul_gflops_min']:.0f}-{m['cost_matmul_gflops_max']:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tracking-uri", default=None, help="default: $MLFLOW_TRACKING_URI or $DAGSTER_HOME/mlflow.db")
    parser.add_argument("--dagster-run", default=None, help="one Dagster run's model assets (default: the newest run of each)")
    parser.add_argument("--require-gpu", action="store_true", help="fail when a model trained on texts ran on the CPU")
    args = parser.parse_args()

    uri = args.tracking_uri or default_tracking_uri()
    chosen = pick(cost_runs(MlflowClient(uri, uri)), args.dagster_run)
    if not chosen:
        raise SystemExit(f"no finished model run with cost figures in {uri}: materialize a model asset first (make run)")

    gpu = torch.device("cuda") if torch.cuda.is_available() else None
    fp32 = matmul_gflops(torch.float32, gpu)
    bf16 = matmul_gflops(torch.bfloat16, gpu) if gpu is not None or cpu_has_fast_bf16() else None
    where = torch.cuda.get_device_name(gpu) if gpu is not None else f"{cpu_name()}, {torch.get_num_threads()} threads"
    print(f"device: {where}; native bf16: {'yes' if bf16 else 'no (AVX2 only: float32 training)'}")
    print(f"matrix multiply measured now: fp32 {fp32:.0f} GFLOP/s" + (f", bf16 {bf16:.0f} GFLOP/s" if bf16 else ""))
    head = ("asset", "profile", "device", "precision", "examples", "tokens", "train min", "eval min", "other min", "examples/s",
            "tokens/s", "GFLOP/s", "of matmul now", "of matmul then", "matmul then (lowest-highest)", "peak GPU GiB")
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    totals, on_cpu = [0.0, 0.0, 0.0], []
    for run in sorted(chosen, key=lambda r: r.info.start_time):
        m, tags = run.data.metrics, run.data.tags
        asset = tags.get("dagster_asset_key", run.info.run_name) + (f"[{tags['dagster_partition_key']}]" if "dagster_partition_key" in tags else "")
        precision, device = tags.get("cost_precision", "?"), tags.get("cost_device", "?")
        ceiling = bf16 if bf16 and precision in ("bfloat16", "float16") else fp32
        rate, seconds = m.get("cost_train_gflops"), m["cost_train_seconds"]
        if m["cost_trained_tokens"] > 0 and not device.startswith("cuda"):
            on_cpu.append(asset)
        cells = [asset, tags.get("profile", "?"), device, precision, f"{m['cost_trained_examples']:,.0f}", f"{m['cost_trained_tokens']:,.0f}",
                 f"{seconds / 60:.1f}", f"{m['cost_eval_seconds'] / 60:.1f}", f"{m['cost_other_seconds'] / 60:.1f}",
                 # a model trained on vectors (the label mapper) has training time but no tokens: no rates
                 f"{m['cost_trained_examples'] / seconds:,.1f}" if seconds and m["cost_trained_examples"] else "-",
                 f"{m['cost_train_tokens_per_s']:,.0f}" if "cost_train_tokens_per_s" in m else "-",
                 f"{rate:.1f}" if rate else "-", f"{rate / ceiling:.0%}" if rate else "-",
                 f"{m['cost_train_matmul_fraction']:.0%}" if "cost_train_matmul_fraction" in m else "-",
                 _ceiling_then(m),
                 f"{m['cost_peak_gpu_memory_gb']:.1f}" if "cost_peak_gpu_memory_gb" in m else "-"]
        totals = [t + m[k] / 60 for t, k in zip(totals, ("cost_train_seconds", "cost_eval_seconds", "cost_other_seconds"), strict=True)]
        print("| " + " | ".join(cells) + " |")
    print(f"total: training {totals[0]:.1f} min, evaluation {totals[1]:.1f} min, other {totals[2]:.1f} min "
          f"({sum(totals):.1f} min in model steps)")
    if args.require_gpu and on_cpu:
        raise SystemExit(f"FAILED: trained on the CPU, not on a GPU: {', '.join(on_cpu)}")


if __name__ == "__main__":
    main()
