"""Batch scoring: `emopipe score` on a 100,000-text corpus beside the champions' bare inference,
side by side in one run.

  bare:  the VAD regressor's and the GoEmotions baseline's readers, in this process, `predict` on a
         random sample of the same texts (length-sorted batches inside, what the README's
         inference rate is); their combined rate is texts / (time of one + time of the other)
  score: `emopipe score corpus.parquet` as a user runs it (a scratch DAGSTER_HOME, the same
         registry), wall time from the command's start to its end, and the run's own scoring rate

Prints texts/s of each, score's rate as a fraction of bare, the peak resident memory of the command's
processes together (sampled from /proc every 0.5 s), and the CPU.
Run against a registry that holds the champions (after `make run`):
  .venv/bin/python benchmarks/score_corpus.py [--texts 100000] [--bare 10000] [--tracking-uri URI]
Texts: the GoEmotions comments of $EMOPIPE_DATA_DIR (train, dev, test), repeated up to --texts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
from serving import cpu

from emopipe.scoring.score import BASELINE, VAD_MODEL
from emopipe.tracking.mlflow_tracking import default_tracking_uri
from emopipe.tracking.serving import load_reader


def goemotions_texts(n: int) -> list[str]:
    mirror = Path(os.environ.get("EMOPIPE_DATA_DIR") or Path(__file__).resolve().parents[2] / "shared" / "data") / "goemotions"
    texts = []
    for split in ("train", "dev", "test"):
        frame = pl.read_csv(mirror / f"{split}.tsv", separator="\t", has_header=False, quote_char=None, new_columns=["text", "labels", "id"])
        texts += frame["text"].to_list()
    return (texts * (n // len(texts) + 1))[:n]


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants now, from /proc (0 once it is gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total / 2**20


def run_sampling_memory(command: list[str], env: dict) -> tuple[subprocess.CompletedProcess, float]:
    """Run `command`; return it and the peak resident memory of its process tree, sampled every 0.5 s."""
    peak = 0.0
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        done = threading.Event()

        def sample():
            nonlocal peak
            while not done.wait(0.5):
                peak = max(peak, tree_rss_mib(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, err = child.communicate()
        done.set()
        sampler.join()
    return subprocess.CompletedProcess(command, child.returncode, out, err), peak


def bare_rate(tracking_uri: str, texts: list[str]) -> dict[str, float]:
    seconds = {}
    for name in (VAD_MODEL, BASELINE):
        _, version, reader = load_reader(tracking_uri, name)
        reader.predict(texts[:64], {})  # warm-up
        started = time.perf_counter()
        reader.predict(texts, {"probabilities": True} if name == BASELINE else {})
        seconds[f"{name} v{version}"] = time.perf_counter() - started
    rates = {name: len(texts) / s for name, s in seconds.items()}
    rates["combined"] = len(texts) / sum(seconds.values())
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--bare", type=int, default=10_000, help="texts in the bare sample")
    parser.add_argument("--tracking-uri", default=None)
    args = parser.parse_args()
    tracking_uri = args.tracking_uri or default_tracking_uri()
    texts = goemotions_texts(args.texts)
    print(f"# {cpu()}; torch threads {__import__('torch').get_num_threads()}; {len(texts):,} texts", flush=True)

    sample = random.Random(0).sample(texts, min(args.bare, len(texts)))
    bare = bare_rate(tracking_uri, sample)
    for name, rate in bare.items():
        print(f"bare {name}: {rate:.1f} texts/s ({len(sample):,} texts)", flush=True)

    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.parquet"
        pl.DataFrame({"text": texts}).write_parquet(corpus)
        home = Path(folder) / "home"
        home.mkdir()
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        env = {**os.environ, "DAGSTER_HOME": str(home), "MLFLOW_DISABLE_TELEMETRY": "true"}
        command = [str(Path(sys.executable).with_name("emopipe")), "--tracking-uri", tracking_uri, "score", str(corpus), "--json"]
        started = time.perf_counter()
        done, peak = run_sampling_memory(command, env)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"emopipe score failed:\n{done.stderr[-3000:]}")
        summary = json.loads(done.stdout)
    command_rate = summary["scored_rows"] / wall
    print(f"emopipe score: {summary['scored_rows']:,} texts in {wall:.0f} s, {command_rate:.1f} texts/s end to end "
          f"(the run's scoring alone: {summary['texts_per_second']:.1f} texts/s); peak memory of its processes together {peak:,.0f} MiB")
    print(f"ratio score / bare (combined): {summary['texts_per_second'] / bare['combined']:.2f} scoring alone, "
          f"{command_rate / bare['combined']:.2f} end to end")


if __name__ == "__main__":
    main()
