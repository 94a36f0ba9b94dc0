"""The cost ledger counts what the training loop really did: every real token of every epoch, the
FLOPs of trained and frozen layers, and time in training and evaluation without counting it twice."""

import numpy as np
import torch
import torch.nn.functional as F

from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.training import cost
from emopipe.training.batching import tokenize
from emopipe.training.encoders import freeze_lower, load_encoder
from emopipe.training.inference import predict
from emopipe.training.loop import FitConfig, fit

TEXTS = ["i love this so much", "so sad", "what is that thing over there", "great", "not good at all, not at all"] * 4
LABELS = torch.tensor([0, 1, 2, 0, 1] * 4)


def _model(path, frozen=0):
    torch.manual_seed(0)
    encoder, tokenizer, _ = load_encoder(str(path))
    freeze_lower(encoder, frozen)
    return TextModel(encoder, TextModelConfig("classifier", encoder.config.hidden_size, 3)), tokenize(tokenizer, TEXTS, 16), tokenizer


def test_the_ledger_counts_every_trained_token_and_both_phases(tiny_encoder_path, tmp_path):
    model, ids, tokenizer = _model(tiny_encoder_path)
    config = FitConfig(epochs=3, batch_size=4, learning_rate=1e-3, head_learning_rate=1e-2, log_every=100)

    def dev(m):
        return {"dev_macro_f1": float((predict(m, ids, tokenizer.pad_token_id, 8).argmax(1) == LABELS.numpy()).mean())}

    with cost.ledger() as book:
        fit(model, ids, tokenizer.pad_token_id, lambda m, b: F.cross_entropy(m(b.input_ids, b.attention_mask), b["label"]),
            dev, config, tmp_path / "ck", {}, log=lambda s: None, per_example={"label": LABELS})
        predict(model, ids, tokenizer.pad_token_id, 8)
    real = sum(len(x) for x in ids)
    assert book.trained_tokens == 3 * real
    assert book.trained_examples == 3 * len(TEXTS)
    assert book.padded_tokens >= book.trained_tokens
    assert book.train_flops == cost.flops_per_token(model) * book.padded_tokens
    figures = book.figures(matmul_gflops=100.0)
    assert figures["cost_train_seconds"] > 0 and figures["cost_eval_seconds"] > 0
    assert figures["cost_train_seconds"] + figures["cost_eval_seconds"] + figures["cost_other_seconds"] <= figures["cost_wall_seconds"] + 1e-6
    assert np.isclose(figures["cost_train_matmul_fraction"], figures["cost_train_gflops"] / 100.0)
    assert "cost_train_tokens_per_s" in figures and "training" in cost.summary(figures)


def test_the_matmul_rate_is_sampled_during_training_outside_its_time(tiny_encoder_path, tmp_path, monkeypatch):
    monkeypatch.setattr(cost, "CEILING_EVERY", 0.0)  # a sample at every batch
    monkeypatch.setattr(cost, "CEILING_SAMPLE", 0.1)
    model, ids, tokenizer = _model(tiny_encoder_path)
    config = FitConfig(epochs=2, batch_size=4, learning_rate=1e-3, head_learning_rate=1e-2, log_every=100)
    with cost.ledger() as book:
        fit(model, ids, tokenizer.pad_token_id, lambda m, b: F.cross_entropy(m(b.input_ids, b.attention_mask), b["label"]),
            None, config, None, {}, log=lambda s: None, per_example={"label": LABELS})
    batches = 2 * len(TEXTS) // 4
    assert len(book.ceilings) == batches and all(rate > 0 for rate in book.ceilings)
    assert book._paused >= batches * 0.1
    figures = book.figures(matmul_gflops=1e9)  # an outlier after the run: joins the mean, shows as the highest
    assert figures["cost_matmul_samples"] == batches + 1 and figures["cost_matmul_gflops_max"] == 1e9
    assert np.isclose(figures["cost_matmul_gflops"], (sum(book.ceilings) + 1e9) / (batches + 1))
    assert figures["cost_matmul_gflops_min"] == min(book.ceilings)
    # the samples' time is not training's: training plus sampling fits in the wall time
    assert figures["cost_train_seconds"] + book._paused <= figures["cost_wall_seconds"]


def test_frozen_layers_cost_a_third_per_weight(tiny_encoder_path):
    trained, _, _ = _model(tiny_encoder_path)
    frozen, _, _ = _model(tiny_encoder_path, frozen=1)
    layer = frozen.encoder.encoder.layer[0]
    weights = sum(m.weight.numel() for m in layer.modules() if isinstance(m, torch.nn.Linear))
    assert cost.flops_per_token(trained) - cost.flops_per_token(frozen) == 4 * weights


def test_nothing_is_counted_outside_a_ledger(tiny_encoder_path):
    model, ids, tokenizer = _model(tiny_encoder_path)
    predict(model, ids, tokenizer.pad_token_id, 8)  # no ledger open: no error, nothing kept
    with cost.ledger() as book:
        pass
    assert book.trained_tokens == 0 and "cost_train_tokens_per_s" not in book.figures()


def test_the_matmul_rate_is_measured():
    assert cost.matmul_gflops(size=128, seconds=0.05) > 0
