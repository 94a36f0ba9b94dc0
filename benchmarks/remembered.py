"""Work remembered by content, first request against second, side by side in one run (issue 22.3).

What `retrofitted_plm` asks of the base encoder on the cpu profile, against an empty cache and then
again: the embeddings of its evaluation texts (GoEmotions single-label test, 4,000 probe-training
sentences per task, SST-2 dev, sarcasm test) and few-shot fine-tunes (SST-2, --shots per class,
--seeds draws; the step runs 18 of them). Prints seconds for each, the ratio, the cache's size and
the CPU. Run:
  .venv/bin/python benchmarks/remembered.py [--shots 16] [--seeds 0]
It reads `goemotions_vad` and `downstream_tasks` from $DAGSTER_HOME/tables (materialize them first).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import polars as pl
from pipeline_cost import cpu_name

from emopipe.paths import dagster_home
from emopipe.retrofitting.few_shot import few_shot_run
from emopipe.retrofitting.options import BUDGETS, FewShotOptions, RetrofitOptions
from emopipe.retrofitting.train import build_retrofit_model
from emopipe.training.remembered import remembered_predict
from emopipe.training.token_cache import token_ids


def evaluation_texts(tables: Path) -> dict[str, pl.Series]:
    go = pl.read_parquet(tables / "goemotions_vad.parquet")
    tasks = pl.read_parquet(tables / "downstream_tasks.parquet")

    def task(name: str, split: str, limit: int | None = None) -> pl.Series:
        rows = tasks.filter((pl.col("task") == name) & (pl.col("split") == split))
        return (rows.sample(limit, seed=13) if limit and rows.height > limit else rows)["text"]

    return {"goemotions_test": go.filter((pl.col("split") == "test") & pl.col("is_single_label"))["text"],
            "sst2_probe_train": task("sst2", "train", 4000), "sarcasm_probe_train": task("sarcasm", "train", 4000),
            "sst2_eval": task("sst2", "dev"), "sarcasm_eval": task("sarcasm", "test")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shots", type=int, default=16)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    tables = dagster_home() / "tables"
    budget = BUDGETS["cpu"]
    texts = evaluation_texts(tables)
    tasks = pl.read_parquet(tables / "downstream_tasks.parquet")
    sst2 = {s: tasks.filter((pl.col("task") == "sst2") & (pl.col("split") == s)) for s in ("train", "dev")}

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["DAGSTER_HOME"] = scratch  # an empty cache; the token cache starts empty too, so tokenize first
        model, tokenizer, path = build_retrofit_model(budget.encoders[0], RetrofitOptions(), budget.frozen_layers)
        ids = {name: token_ids(tokenizer, path, series, budget.max_length) for name, series in texts.items()}
        rows = sum(len(x) for x in ids.values())
        seconds = {}
        for attempt in ("first", "second"):
            started = time.perf_counter()
            for sequences in ids.values():
                remembered_predict(model, sequences, tokenizer.pad_token_id, budget.inference_batch_size, bf16=budget.bf16, fn="embed")
            seconds[("embeddings", attempt)] = time.perf_counter() - started
            started = time.perf_counter()
            for seed in args.seeds:
                few_shot_run(path, sst2["train"], sst2["dev"], args.shots, seed, FewShotOptions(), budget.max_length, budget.bf16,
                             budget.pooling)
            seconds[("few-shot", attempt)] = time.perf_counter() - started
        size = sum(p.stat().st_size for p in (Path(scratch) / "cache").rglob("*") if p.is_file()
                   and "tokens" not in p.parts)

    print(f"CPU: {cpu_name()}, {os.cpu_count()} cores; encoder {budget.encoders[0]}, the cpu budget's precision (bf16: {budget.bf16}, "
          "autocast only where the CPU has it natively)")
    print("| work | first (computed) | second (read back) | ratio |\n|---|---|---|---|")
    for work, what in (("embeddings", f"{rows:,} evaluation texts"), ("few-shot", f"{len(args.seeds)} x SST-2 {args.shots} per class")):
        first, second = seconds[(work, "first")], seconds[(work, "second")]
        print(f"| {work} ({what}) | {first:.1f} s | {second:.2f} s | {first / max(second, 1e-9):.0f}x |")
    print(f"cache entries (predictions and scores): {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
