"""Length-grouped batches, dynamic padding and order-restoring inference."""

import numpy as np
import torch

from emopipe.training.batching import length_grouped_batches, pad, sorted_batches


def test_length_grouped_batches_cover_every_example_once_and_group_lengths():
    lengths = np.random.default_rng(0).integers(3, 120, size=1000)
    batches = length_grouped_batches(lengths, batch_size=16, seed=3)
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(1000))
    padded = sum(len(b) * lengths[b].max() for b in batches)
    naive = sum(len(b) * lengths[b].max() for b in np.array_split(np.random.default_rng(3).permutation(1000), len(batches)))
    assert padded < 0.6 * naive  # grouping removes most padding
    assert [b.tolist() for b in batches] == [b.tolist() for b in length_grouped_batches(lengths, 16, seed=3)]


def test_pad_builds_mask():
    ids, mask = pad([[5, 6, 7], [8]], pad_id=0)
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0]] and mask.tolist() == [[1, 1, 1], [1, 0, 0]]
    assert ids.dtype == torch.long


def test_sorted_batches_longest_first():
    batches = sorted_batches([1, 5, 3, 4], batch_size=2)
    assert [b.tolist() for b in batches] == [[1, 3], [2, 0]]
