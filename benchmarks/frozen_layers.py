"""Frozen lower layers from the cache vs recomputed, side by side in one run (issue 22.2).

Same GoEmotions training texts, same encoder, head, loss, optimizer and batches; for each number of
frozen layers k, one pass over the texts trained through `fit` with the cache (`cache_frozen`, the
default; building the cache counts, as in a first epoch) and one without, alternating so that both
see the same machine. Prints examples/s, tokens/s and the ratio, and the CPU it ran on. Run:
  .venv/bin/python benchmarks/frozen_layers.py [--examples 2048] [--layers 0 2 4] [--epochs 2]
It reads `goemotions_vad` from $DAGSTER_HOME/tables (materialize it first: `make run`).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import polars as pl
import torch
import torch.nn.functional as F
from pipeline_cost import cpu_name

from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.paths import dagster_home
from emopipe.training import cost
from emopipe.training.batching import tokenize
from emopipe.training.device import cpu_has_fast_bf16
from emopipe.training.encoders import freeze_lower, load_encoder
from emopipe.training.loop import FitConfig, fit


def train(encoder_spec: str, k: int, ids, labels, epochs: int, cached: bool, bf16: bool) -> tuple[float, float, list[float]]:
    """(examples/s, tokens/s, per-epoch losses) of `epochs` passes, cache build included."""
    torch.manual_seed(0)
    encoder, tokenizer, _ = load_encoder(encoder_spec)
    freeze_lower(encoder, k)
    model = TextModel(encoder, TextModelConfig("classifier", encoder.config.hidden_size, 28))
    config = FitConfig(epochs=epochs, batch_size=32, learning_rate=8e-5, head_learning_rate=1e-3, log_every=10_000,
                       cache_frozen=cached, bf16=bf16)
    with cost.ledger() as book:
        started = time.perf_counter()
        result = fit(model, ids, tokenizer.pad_token_id, lambda m, b: F.cross_entropy(m(b.input_ids, b.attention_mask), b["label"]),
                     None, config, None, {}, log=lambda s: None, per_example={"label": labels})
        seconds = time.perf_counter() - started
    return book.trained_examples / seconds, book.trained_tokens / seconds, [h["train_loss"] for h in result.history]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=2048)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--layers", type=int, nargs="+", default=[0, 2, 4])
    parser.add_argument("--encoder", default="base")
    parser.add_argument("--max-length", type=int, default=64)
    args = parser.parse_args()

    table = pl.read_parquet(dagster_home() / "tables" / "goemotions_vad.parquet")
    train_rows = table.filter((pl.col("split") == "train") & pl.col("is_single_label")).sample(args.examples, seed=0)
    _, tokenizer, _ = load_encoder(args.encoder)
    ids = tokenize(tokenizer, train_rows["text"].to_list(), args.max_length)
    labels = torch.tensor(train_rows["label_id"].cast(pl.Int64).to_numpy())
    bf16 = cpu_has_fast_bf16()
    print(f"CPU: {cpu_name()}, {torch.get_num_threads()} threads, {'bf16' if bf16 else 'float32 (no native bf16)'}; "
          f"{len(ids)} texts, {sum(map(len, ids)) / len(ids):.1f} tokens on average, {args.epochs} epochs, encoder {args.encoder}")
    print("| frozen layers | recomputed ex/s | cached ex/s (build included) | ratio | loss recomputed -> cached (last epoch) |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as home:
        os.environ["DAGSTER_HOME"] = home  # a fresh cache: the cached run pays for building it
        Path(home, "cache").mkdir()
        for k in args.layers:
            plain = train(args.encoder, k, ids, labels, args.epochs, False, bf16)
            cached = train(args.encoder, k, ids, labels, args.epochs, True, bf16)
            print(f"| {k} | {plain[0]:.1f} | {cached[0]:.1f} | {cached[0] / plain[0]:.2f}x | {plain[2][-1]:.4f} -> {cached[2][-1]:.4f} |")


if __name__ == "__main__":
    main()
