"""Training throughput: emopipe's pipeline vs a naive loop, side by side in one run.

Same GoEmotions single-label training texts, same encoder, head, loss, optimizer and batch size.
  naive:    every text padded to 128 tokens, plain shuffled batches
  pipeline: token ids without padding, length-grouped batches, padding to the batch's longest
  pipeline + autocast: the same under the training loop's autocast (bf16 on CUDA and on CPUs with
  native bf16 instructions, float32 elsewhere)
Prints examples/s for each and the ratios to the naive loop (issue target: >= 4x). Run:
  .venv/bin/python benchmarks/training_throughput.py [--examples 1280] [--encoder base]
It reads `goemotions_vad` from $DAGSTER_HOME/tables (materialize it first: `make run`).
"""

from __future__ import annotations

import argparse
import time

import polars as pl
import torch
import torch.nn.functional as F

from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.paths import dagster_home
from emopipe.training.batching import fixed_batches, length_grouped_batches, pad, tokenize
from emopipe.training.device import autocast, cpu_has_fast_bf16
from emopipe.training.encoders import load_encoder


def run(model, batches, make_inputs, labels, optimizer, bf16: bool = False) -> float:
    """Examples per second over `batches` (the first two batches are a warm-up and not timed)."""
    model.train()
    seen, started = 0, None
    for step, idx in enumerate(batches):
        if step == 2:
            started, seen = time.perf_counter(), 0
        input_ids, mask = make_inputs(idx)
        with autocast(torch.device("cpu"), bf16):
            loss = F.cross_entropy(model(input_ids, mask), labels[idx])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        seen += len(idx)
    return seen / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=1280)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--encoder", default="base")
    parser.add_argument("--max-length", type=int, default=128, help="the naive loop's fixed length and the pipeline's cap")
    args = parser.parse_args()

    table = pl.read_parquet(dagster_home() / "tables" / "goemotions_vad.parquet")
    train = table.filter((pl.col("split") == "train") & pl.col("is_single_label")).sample(args.examples, seed=0)
    texts, labels = train["text"].to_list(), torch.tensor(train["label_id"].cast(pl.Int64).to_numpy())
    encoder, tokenizer, _ = load_encoder(args.encoder)
    torch.manual_seed(0)
    model = TextModel(encoder, TextModelConfig("classifier", encoder.config.hidden_size, 28))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5)
    torch.set_num_threads(torch.get_num_threads())

    fixed = tokenizer(texts, truncation=True, max_length=args.max_length, padding="max_length", return_tensors="pt")
    naive = run(model, list(fixed_batches(len(texts), args.batch_size, seed=0)),
                lambda idx: (fixed["input_ids"][idx], fixed["attention_mask"][idx]), labels, optimizer)

    ids = tokenize(tokenizer, texts, args.max_length)
    lengths = [len(x) for x in ids]
    grouped = length_grouped_batches(lengths, args.batch_size, seed=0)
    ours = run(model, grouped, lambda idx: pad([ids[i] for i in idx], tokenizer.pad_token_id), labels, optimizer)
    mixed = run(model, grouped, lambda idx: pad([ids[i] for i in idx], tokenizer.pad_token_id), labels, optimizer, bf16=True)

    print(f"examples: {len(texts)}, batch size {args.batch_size}, encoder {args.encoder}, threads {torch.get_num_threads()}, "
          f"mean tokens {sum(lengths) / len(lengths):.1f}")
    print(f"naive (fixed padding to {args.max_length}): {naive:8.1f} examples/s")
    print(f"pipeline (length-grouped, dynamic):  {ours:8.1f} examples/s")
    print(f"pipeline + autocast ({'bf16' if cpu_has_fast_bf16() else 'float32: no native bf16 on this CPU'}): {mixed:8.1f} examples/s")
    print(f"ratio (padding alone): {ours / naive:.2f}x; with autocast: {mixed / naive:.2f}x")


if __name__ == "__main__":
    main()
