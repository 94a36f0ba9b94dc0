"""Retrofitting's contrastive batches forwarded whole or in length-sorted parts, side by side in one run.

The class-balanced sampler draws m items per class, so a batch cannot be grouped by length and about
half of its padded tokens are padding. `Batch.by_length` forwards the batch in k length-sorted parts,
each padded to its own longest text, and joins the embeddings: the same supervised contrastive loss.
This times one training step (forward, backward, optimizer) of the cpu budget's batches (32 texts, 4
per class, max length 64) on the same model for k = 1, 2, 3, 4, the ks taking turns batch by batch so a
change in the machine's speed falls on all of them alike, and prints steps/s, the padded tokens
computed, the rate of the products (GFLOP/s of the padded tokens, as `training.cost` counts them, and
that as a fraction of the 1024 x 1024 fp32 matmul rate sampled every 10 batches in the same run) and
the ratio to k = 1; then the loss of the same batches with dropout off, to show the parts
give the loss of the whole batch. Run:
  .venv/bin/python benchmarks/length_groups.py [--batches 60] [--encoder base]
It reads `goemotions_vad` from $DAGSTER_HOME/tables (materialize it first: `make run`).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import polars as pl
import torch

from emopipe.losses.supervised_contrastive import supervised_contrastive_loss
from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.paths import dagster_home
from emopipe.retrofitting.train import class_balanced_batches
from emopipe.training import cost
from emopipe.training.batching import pad, tokenize
from emopipe.training.encoders import load_encoder
from emopipe.training.loop import Batch
from emopipe.training.optimization import make_optimizer

GROUPS = (1, 2, 3, 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=60, help="timed batches per k (two more per k warm up)")
    parser.add_argument("--encoder", default="base")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=64)
    args = parser.parse_args()

    table = pl.read_parquet(dagster_home() / "tables" / "goemotions_vad.parquet")
    train = table.filter((pl.col("split") == "train") & pl.col("is_single_label"))
    labels = train["label_id"].cast(pl.Int64).to_numpy()
    batches = class_balanced_batches(labels, 4, args.batch_size, (args.batches + 2) * args.batch_size, seed=13)
    encoder, tokenizer, _ = load_encoder(args.encoder)
    texts = train["text"].to_list()
    ids = {int(i): seq for i, seq in zip(np.concatenate(batches), tokenize(tokenizer, [texts[i] for i in np.concatenate(batches)],
                                                                             args.max_length), strict=True)}
    torch.manual_seed(0)
    model = TextModel(encoder, TextModelConfig("mlp_projection", encoder.config.hidden_size, 64))
    # the training loop's optimizer (fused AdamW); steps are taken, weights barely move: every k sees one model
    optimizer = make_optimizer(model, 1e-12, 1e-12, 0.0, torch.device("cpu"))
    per_token, ceilings = cost.flops_per_token(model), []
    label_tensor = torch.tensor(labels)

    def batch(idx):
        input_ids, mask = pad([ids[int(i)] for i in idx], tokenizer.pad_token_id)
        return Batch(idx, input_ids, mask, {"label": label_tensor[idx]})

    def loss(b: Batch, k: int) -> torch.Tensor:
        return supervised_contrastive_loss(model.head_of(b.by_length(model.embed, k)), b["label"], 0.1)

    seconds, padded = dict.fromkeys(GROUPS, 0.0), dict.fromkeys(GROUPS, 0)
    real = 0
    model.train()
    for step, idx in enumerate(batches):
        if step % 10 == 2:
            ceilings.append(cost.matmul_gflops(seconds=0.25))
        b = batch(idx)
        for k in GROUPS:
            started = time.perf_counter()
            value = loss(b, k)
            optimizer.zero_grad(set_to_none=True)
            value.backward()
            optimizer.step()
            if step >= 2:
                seconds[k] += time.perf_counter() - started
                lengths = b.attention_mask.sum(1).sort(descending=True).values
                padded[k] += sum(len(part) * int(part[0]) for part in lengths.tensor_split(k))
        if step >= 2:
            real += int(b.attention_mask.sum())

    model.eval()
    with torch.no_grad():
        diffs = [abs(float(loss(batch(idx), k)) - float(loss(batch(idx), 1))) for idx in batches[:10] for k in GROUPS[1:]]
    print(f"{args.batches} class-balanced batches of {args.batch_size} (4 per class), max length {args.max_length}, "
          f"encoder {args.encoder}, {torch.get_num_threads()} threads; {real:,} real tokens")
    ceiling = sum(ceilings) / len(ceilings)
    print(f"fp32 matmul rate: {ceiling:.0f} GFLOP/s (mean of {len(ceilings)} samples, {min(ceilings):.0f}-{max(ceilings):.0f})")
    print("| parts | steps/s | padded tokens computed | padding | GFLOP/s | of matmul | speed-up over 1 part |\n"
          "|---|---|---|---|---|---|---|")
    for k in GROUPS:
        rate = per_token * padded[k] / seconds[k] / 1e9
        print(f"| {k} | {args.batches / seconds[k]:.2f} | {padded[k]:,} | {1 - real / padded[k]:.0%} | {rate:.0f} | "
              f"{rate / ceiling:.0%} | {seconds[1] / seconds[k]:.2f}x |")
    print(f"largest loss difference from the whole batch, dropout off, 10 batches: {max(diffs):.2e}")


if __name__ == "__main__":
    main()
