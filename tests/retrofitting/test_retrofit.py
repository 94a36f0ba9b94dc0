"""Class-balanced batches, few-shot sampling, and what the preservation term does to a tiny encoder."""

from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from emopipe.evaluation.embedding_quality import embedding_drift
from emopipe.retrofitting.few_shot import sample_per_class
from emopipe.retrofitting.options import BUDGETS, RetrofitOptions
from emopipe.retrofitting.train import build_retrofit_model, class_balanced_batches, retrofit
from emopipe.training.batching import tokenize
from emopipe.training.inference import predict

TEXTS = ["i love this so much", "so sad today", "what is that thing", "this is great", "not good at all", "you are kind",
         "terrible awful news", "wow amazing", "i hate it", "nice", "so angry", "what a joy"] * 4
LABELS = np.array([0, 1, 2, 0, 1, 0, 1, 0, 1, 0, 3, 0] * 4)


def test_class_balanced_batches_hold_m_of_each_class_and_replay_by_seed():
    batches = class_balanced_batches(LABELS, m=2, batch_size=8, examples=40, seed=3)
    assert len(batches) == 5 and all(len(b) == 8 for b in batches)
    for batch in batches:
        classes, counts = np.unique(LABELS[batch], return_counts=True)
        assert len(classes) == 4 and set(counts) == {2}
    again = class_balanced_batches(LABELS, m=2, batch_size=8, examples=40, seed=3)
    assert all((a == b).all() for a, b in zip(batches, again, strict=True))
    other = class_balanced_batches(LABELS, m=2, batch_size=8, examples=40, seed=4)
    assert any((a != b).any() for a, b in zip(batches, other, strict=True))


@pytest.mark.parametrize("m, batch_size, message", [(3, 8, "multiple"), (4, 32, "cannot fill")])
def test_impossible_batches_are_refused(m, batch_size, message):
    with pytest.raises(ValueError, match=message):
        class_balanced_batches(LABELS, m=m, batch_size=batch_size, examples=40, seed=0)


def test_few_shot_draws_n_per_class_reproducibly():
    train = pl.DataFrame({"text": [f"t{i}" for i in range(30)], "label": [i % 2 for i in range(28)] + [1, 1]})
    shots = sample_per_class(train, 5, seed=1)
    assert shots.group_by("label").len().sort("label")["len"].to_list() == [5, 5]
    assert shots.equals(sample_per_class(train, 5, seed=1)) and not shots.equals(sample_per_class(train, 5, seed=2))
    assert sample_per_class(train, 100, seed=1).height == 30  # a class with fewer rows gives all it has


def test_preservation_keeps_the_space_closer_to_the_frozen_copy(tiny_encoder_path, tmp_path):
    budget = replace(BUDGETS["smoke"], batch_size=8, learning_rate=3e-3, head_learning_rate=3e-3, examples_per_epoch=96)
    drifts = {}
    for weight in (0.0, 200.0):
        options = RetrofitOptions(preservation_weight=weight, m_per_class=2, epochs=2, projection="linear")
        model, tokenizer, _ = build_retrofit_model(str(tiny_encoder_path), options)
        ids = tokenize(tokenizer, TEXTS, 16)
        before = predict(model, ids, tokenizer.pad_token_id, 16, fn="embed")
        result = retrofit(model, ids, LABELS, tokenizer.pad_token_id, budget, options, None, tmp_path / str(weight), {},
                          log=lambda s: None)
        assert result.history[-1]["train_loss"] < result.history[0]["train_loss"] * 1.5
        drifts[weight] = embedding_drift(before, predict(model, ids, tokenizer.pad_token_id, 16, fn="embed"))
    assert drifts[200.0] < drifts[0.0]


def test_the_frozen_copy_is_embedded_only_when_preservation_counts(tiny_encoder_path, tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    budget = replace(BUDGETS["smoke"], batch_size=8, examples_per_epoch=16)
    for weight, expected in ((0.0, 0), (1.0, 1)):
        options = RetrofitOptions(preservation_weight=weight, m_per_class=2, projection="linear")
        model, tokenizer, _ = build_retrofit_model(str(tiny_encoder_path), options)
        messages = []
        retrofit(model, tokenize(tokenizer, TEXTS, 16), LABELS, tokenizer.pad_token_id, budget, options, None,
                 tmp_path / str(weight), {}, log=messages.append)
        assert sum("frozen-copy embeddings" in m for m in messages) == expected
    assert len(list((tmp_path / "cache" / "predictions").glob("*.npy"))) == 1


def test_unknown_options_are_refused():
    with pytest.raises(ValueError, match="projection"):
        RetrofitOptions(projection="transformer")
