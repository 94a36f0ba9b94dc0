"""What a CPU training step spends outside matrix products: torch's way and the training loop's, side by side in one run.

torch draws a CPU dropout mask one element at a time (`bernoulli_`, one thread); the training loop
draws it from 64-bit words, four masks per draw (`emopipe.training.dropout`). `clip_grad_norm_`
multiplies every gradient by its coefficient even when that is 1; the loop's `clip_gradients` skips
that product. This times one training step (forward, backward, clipping to norm 1, fused AdamW) of the
VAD model's cpu budget (MiniLM, mean pooling, MLP head, batch 32, max length 64, length-grouped
GoEmotions training texts) three ways: torch's dropout and clipping, then cheap dropout, then both of
the loop's; they take turns batch by batch on the same batches, so a change in the machine's speed
falls on all alike. Prints padded tokens/s, the matmul FLOP rate as a fraction of this machine's
matrix-multiply rate measured in the same run (what the cost ledger logs), and the speed-up. Run:
  .venv/bin/python benchmarks/step_overhead.py [--batches 60] [--encoder base]
It reads `goemotions_vad` from $DAGSTER_HOME/tables (materialize it first: `make run`).
"""

from __future__ import annotations

import argparse
import contextlib
import time

import polars as pl
import torch
from pipeline_cost import cpu_name

from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.paths import dagster_home
from emopipe.training import cost
from emopipe.training.batching import length_grouped_batches, pad, tokenize
from emopipe.training.device import cpu_has_fast_bf16
from emopipe.training.dropout import cheap_dropout
from emopipe.training.encoders import load_encoder
from emopipe.training.optimization import clip_gradients

CPU = torch.device("cpu")


def torch_clip(model):
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)


WAYS = {  # name -> (dropout context, clipping)
    "torch's dropout and clip_grad_norm_": (contextlib.nullcontext, torch_clip),
    "cheap_dropout, clip_grad_norm_": (lambda: cheap_dropout(CPU), torch_clip),
    "cheap_dropout, clip_gradients (the loop)": (lambda: cheap_dropout(CPU), lambda model: clip_gradients(model, 1.0)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=60, help="timed batches per way (two more warm up)")
    parser.add_argument("--encoder", default="base")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=64)
    args = parser.parse_args()

    table = pl.read_parquet(dagster_home() / "tables" / "goemotions_vad.parquet")
    train = table.filter((pl.col("split") == "train") & pl.col("is_single_label"))
    encoder, tokenizer, _ = load_encoder(args.encoder)
    ids = tokenize(tokenizer, train["text"].to_list(), args.max_length)
    batches = length_grouped_batches([len(x) for x in ids], args.batch_size, seed=13)[: args.batches + 2]
    torch.manual_seed(0)
    model = TextModel(encoder, TextModelConfig("vad_regressor", encoder.config.hidden_size, 3))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-12, fused=True)  # steps are taken, weights barely move
    per_token = cost.flops_per_token(model)
    targets = torch.rand(len(ids), 3)

    seconds, padded = dict.fromkeys(WAYS, 0.0), 0
    model.train()
    for step, idx in enumerate(batches):
        input_ids, mask = pad([ids[i] for i in idx], tokenizer.pad_token_id)
        for name, (dropout, clip) in WAYS.items():
            started = time.perf_counter()
            with dropout():
                loss = (model(input_ids, mask) - targets[idx]).abs().mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            clip(model)
            optimizer.step()
            if step >= 2:
                seconds[name] += time.perf_counter() - started
        if step >= 2:
            padded += mask.numel()
    ceiling = cost.matmul_gflops()

    print(f"CPU: {cpu_name()}, {torch.get_num_threads()} threads, float32 ({'native bf16 present' if cpu_has_fast_bf16() else 'no native bf16'}); "
          f"encoder {args.encoder}; {args.batches} batches of {args.batch_size}, max length {args.max_length}, {padded:,} padded tokens; "
          f"matrix multiply {ceiling:.0f} GFLOP/s")
    print("| step | padded tokens/s | of the matmul rate | speed-up |\n|---|---|---|---|")
    for name in WAYS:
        rate = padded / seconds[name]
        print(f"| {name} | {rate:,.0f} | {rate * per_token / 1e9 / ceiling:.0%} | {seconds[next(iter(WAYS))] / seconds[name]:.2f}x |")


if __name__ == "__main__":
    main()
