"""Cost follows real tokens: tokenize once, group examples of similar length, pad per batch.

Training batches come from length-grouped mega-batches (shuffle, cut into chunks of 50 batches,
sort each chunk by length, cut into batches, shuffle the batches), so most padding disappears
while the order stays random. Inference sorts by length and restores the input order after.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import torch


def tokenize(tokenizer, texts: Sequence[str], max_length: int) -> list[list[int]]:
    """Token ids per text, truncated to `max_length`, no padding (the batch pads)."""
    clean = [t if isinstance(t, str) else "" for t in texts]
    if not clean:  # fast tokenizers fail on an empty batch
        return []
    return tokenizer(clean, truncation=True, max_length=max_length, padding=False)["input_ids"]


def length_grouped_batches(lengths: Sequence[int], batch_size: int, seed: int, chunk_batches: int = 50) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(lengths))
    lengths = np.asarray(lengths)
    batches = []
    chunk = batch_size * chunk_batches
    for start in range(0, len(order), chunk):
        part = order[start : start + chunk]
        part = part[np.argsort(-lengths[part], kind="stable")]
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def sorted_batches(lengths: Sequence[int], batch_size: int) -> list[np.ndarray]:
    """Batches for inference: longest first, so memory peaks at once and padding is minimal."""
    order = np.argsort(-np.asarray(lengths), kind="stable")
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def pad(ids: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(input_ids, attention_mask), padded to the longest sequence in the batch."""
    width = max(len(x) for x in ids)
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, seq in enumerate(ids):
        input_ids[row, : len(seq)] = torch.as_tensor(seq, dtype=torch.long)
        mask[row, : len(seq)] = 1
    return input_ids, mask


def fixed_batches(n: int, batch_size: int, seed: int) -> Iterator[np.ndarray]:
    """Plain shuffled batches (the naive baseline the benchmark compares against)."""
    order = np.random.default_rng(seed).permutation(n)
    for i in range(0, n, batch_size):
        yield order[i : i + batch_size]
