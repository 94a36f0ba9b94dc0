"""Small models on one intra-op thread vs torch's default, side by side in one run.

The label mapper (seven label pairs, MLPs 128 wide, 64 items per pair per step) trains one epoch
with `fit_in_memory` on one thread (what emopipe does) and on torch's default thread count,
alternating, three times each; prints the median seconds per epoch and the ratio, and the CPU. Run
it alone for the machine's own figure, and beside a training step (`make run` runs the label mapper
beside the text models) to see the contention the default suffers from. Run:
  .venv/bin/python benchmarks/small_models.py [--repeats 3]
It reads `label_mapping_datasets` from $DAGSTER_HOME/tables (materialize it first: `make run`).
"""

from __future__ import annotations

import argparse
import statistics
import time

import polars as pl
import torch
from pipeline_cost import cpu_name

from emopipe.emotion_space import train as space_training
from emopipe.emotion_space.equivalences import EQUIVALENCES
from emopipe.emotion_space.metrics import MIN_TEST_ITEMS
from emopipe.emotion_space.options import MappingBudget, MappingOptions
from emopipe.emotion_space.pairs import pair_splits
from emopipe.emotion_space.run import mapping_config
from emopipe.paths import dagster_home
from emopipe.training import in_memory


def one_epoch(train, dev, threads: int) -> float:
    config = mapping_config(MappingOptions(), MappingBudget(1), 13)
    real = in_memory.fit_in_memory

    def with_threads(*args, **kwargs):
        return real(*args, **kwargs, threads=threads)

    space_training.fit_in_memory = with_threads
    try:
        started = time.perf_counter()
        space_training.train_space(train, dev, config, EQUIVALENCES, log=lambda s: None)
        return time.perf_counter() - started
    finally:
        space_training.fit_in_memory = real


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    table = pl.read_parquet(dagster_home() / "tables" / "label_mapping_datasets.parquet")
    train, every_dev, test = (pair_splits(table, s) for s in ("train", "dev", "test"))
    dev = {pid: s for pid, s in every_dev.items() if len(test[pid]) >= MIN_TEST_ITEMS}
    default = torch.get_num_threads()
    times: dict[int, list[float]] = {1: [], default: []}
    for _ in range(args.repeats):
        for threads in (1, default):
            times[threads].append(one_epoch(train, dev, threads))
    one, many = statistics.median(times[1]), statistics.median(times[default])
    print(f"CPU: {cpu_name()}; one label-mapper epoch, median of {args.repeats}")
    print(f"1 thread: {one:.1f} s; {default} threads (torch's default): {many:.1f} s; ratio {many / one:.2f}x")


if __name__ == "__main__":
    main()
