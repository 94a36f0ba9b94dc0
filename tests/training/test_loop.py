"""The training loop: it learns, predicts in input order, resumes after a kill, and refuses a corrupt checkpoint."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.optim.optimizer import register_optimizer_step_pre_hook

from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.training.batching import pad, tokenize
from emopipe.training.checkpoints import CheckpointError
from emopipe.training.encoders import freeze_lower, load_encoder
from emopipe.training.inference import predict
from emopipe.training.loop import Batch, FitConfig, better, fit
from emopipe.training.optimization import clip_gradients

TEXTS = ["i love this so much", "so sad today", "what is that thing", "this is great", "not good at all", "you are kind",
         "terrible awful news", "wow amazing", "i hate it", "nice"] * 6
LABELS = torch.tensor([0, 1, 2, 0, 1, 0, 1, 0, 1, 0] * 6)
CONFIG = FitConfig(epochs=8, batch_size=8, learning_rate=5e-3, head_learning_rate=3e-2, warmup_ratio=0.1, log_every=100, seed=5)


class Killed(Exception):
    pass


def _setup(path):
    torch.manual_seed(0)
    encoder, tokenizer, _ = load_encoder(str(path))
    model = TextModel(encoder, TextModelConfig("classifier", encoder.config.hidden_size, 3))
    ids = tokenize(tokenizer, TEXTS, 24)
    return model, ids, tokenizer.pad_token_id


def _train(path, checkpoint_dir, kill_at_step=None):
    model, ids, pad_id = _setup(path)
    calls = {"n": 0}

    def loss(m, batch):
        calls["n"] += 1
        if kill_at_step is not None and calls["n"] == kill_at_step:
            raise Killed()
        return F.cross_entropy(m(batch.input_ids, batch.attention_mask), batch["label"])

    def dev(m):
        pred = predict(m, ids, pad_id, 16).argmax(1)
        return {"dev_macro_f1": float((pred == LABELS.numpy()).mean())}

    result = fit(model, ids, pad_id, loss, dev, CONFIG, checkpoint_dir, {"kind": "classifier"}, log=lambda s: None,
                 per_example={"label": LABELS})
    return result, predict(model, ids, pad_id, 16)


def test_fit_learns_and_keeps_the_best_dev_epoch(tiny_encoder_path, tmp_path):
    result, outputs = _train(tiny_encoder_path, tmp_path / "ck")
    assert len(result.history) == CONFIG.epochs
    assert result.history[-1]["train_loss"] < 0.75 * result.history[0]["train_loss"]
    assert result.best_score > 0.5  # above the majority class
    assert result.best_score == max(h["dev_macro_f1"] for h in result.history)
    assert json.loads((tmp_path / "ck" / "best" / "config.json").read_text()) == {"kind": "classifier"}
    assert outputs.shape == (60, 3)


def test_killed_mid_epoch_resumes_from_last_checkpoint_with_same_result(tiny_encoder_path, tmp_path):
    uninterrupted, expected = _train(tiny_encoder_path, tmp_path / "a")
    steps_per_epoch = 8  # 60 examples, batch 8
    with pytest.raises(Killed):
        _train(tiny_encoder_path, tmp_path / "b", kill_at_step=steps_per_epoch + 4)  # mid-epoch 2
    assert (tmp_path / "b" / "epoch_0" / "state.json").exists() and not (tmp_path / "b" / "epoch_1").exists()
    resumed, outputs = _train(tiny_encoder_path, tmp_path / "b")
    assert resumed.resumed_from == 0
    assert resumed.history == uninterrupted.history
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-6)


def test_corrupt_checkpoint_is_an_error_naming_the_file(tiny_encoder_path, tmp_path):
    _train(tiny_encoder_path, tmp_path / "ck")
    last = CONFIG.epochs - 1
    (tmp_path / "ck" / f"epoch_{last}" / "model.safetensors").write_bytes(b"not a tensor file")
    with pytest.raises(CheckpointError, match=rf"epoch_{last}/model.safetensors"):
        _train(tiny_encoder_path, tmp_path / "ck")


def test_predict_restores_input_order(tiny_encoder):
    encoder, tokenizer = tiny_encoder
    model = TextModel(encoder, TextModelConfig("vad_regressor", encoder.config.hidden_size, 3)).eval()
    ids = tokenize(tokenizer, ["a", "a much longer sentence here", "mid size text"], 16)
    together = predict(model, ids, tokenizer.pad_token_id, batch_size=2)
    alone = np.concatenate([predict(model, [x], tokenizer.pad_token_id, batch_size=1) for x in ids])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    assert ((together > 0) & (together < 1)).all()  # sigmoid head


def test_unknown_encoder_says_what_was_tried():
    with pytest.raises(ValueError, match=r"neither a known alias .* tried 'no/such-model-anywhere'"):
        load_encoder("no/such-model-anywhere")


def test_frozen_lower_layers_stay_fixed_while_the_rest_trains(tiny_encoder_path, tmp_path):
    model, ids, pad_id = _setup(tiny_encoder_path)
    freeze_lower(model.encoder, 1)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    config = FitConfig(epochs=1, batch_size=8, learning_rate=5e-3, head_learning_rate=3e-2, log_every=100)
    fit(model, ids, pad_id, lambda m, b: F.cross_entropy(m(b.input_ids, b.attention_mask), LABELS[b.idx]),
        lambda m: {"dev_macro_f1": 0.0}, config, tmp_path / "ck", {}, log=lambda s: None)
    moved = {n for n, p in model.named_parameters() if not torch.equal(p, before[n])}
    assert not any(n.startswith(("encoder.embeddings.", "encoder.encoder.layer.0.")) for n in moved)
    assert any(n.startswith("encoder.encoder.layer.1.") for n in moved) and any(n.startswith("head.") for n in moved)
    with pytest.raises(ValueError, match="exceeds the encoder's 2 layers"):
        freeze_lower(model.encoder, 3)


def test_a_nan_dev_score_still_keeps_an_epoch():
    assert better(float("nan"), -float("inf"), first=True)
    assert not better(float("nan"), 0.5, first=False) and better(0.4, float("nan"), first=False) and better(0.6, 0.5, first=False)


def test_without_dev_or_checkpoints_the_last_epoch_is_kept_and_nothing_is_written(tiny_encoder_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model, ids, pad_id = _setup(tiny_encoder_path)
    config = FitConfig(epochs=3, batch_size=8, learning_rate=5e-3, head_learning_rate=3e-2, log_every=100)
    result = fit(model, ids, pad_id, lambda m, b: F.cross_entropy(m(b.input_ids, b.attention_mask), LABELS[b.idx]), None, config, None, {},
                 log=lambda s: None)
    assert result.best_epoch == 2 and len(result.history) == 3
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="checkpoint_dir"):
        fit(model, ids, pad_id, lambda m, b: F.cross_entropy(m(b.input_ids, b.attention_mask), LABELS[b.idx]), lambda m: {"dev_macro_f1": 0.0},
            config, None, {}, log=lambda s: None)


def test_custom_batches_replace_length_grouping_and_tensors_reach_the_loss_by_batch(tiny_encoder_path, tmp_path):
    model, ids, pad_id = _setup(tiny_encoder_path)
    seen = []

    def loss(m, batch):
        seen.append(sorted(int(i) for i in batch.idx))
        assert torch.equal(batch["label"], LABELS[batch.idx]) and torch.equal(batch["points"], points)  # rows of it; all of it
        return F.cross_entropy(m(batch.input_ids, batch.attention_mask), batch["label"])

    points, companion = torch.randn(3, 2), torch.nn.Linear(2, 2)
    config = FitConfig(epochs=2, batch_size=4, learning_rate=5e-3, head_learning_rate=3e-2, log_every=100)
    fit(model, ids, pad_id, loss, None, config, tmp_path / "ck", {}, log=lambda s: None,
        batches=lambda epoch: [np.array([0, 1, 2, 3]) + epoch, np.array([10, 11])], per_example={"label": LABELS},
        shared={"points": points}, companions=[companion])
    assert seen == [[0, 1, 2, 3], [10, 11], [1, 2, 3, 4], [10, 11]]
    assert companion.weight.device.type == "cpu"  # back on the CPU after training


def test_gradients_are_clipped_to_the_configured_norm(tiny_encoder_path):
    """What the optimizer is given: gradients within the limit, and at it (clipped) where they were over."""
    model, ids, pad_id = _setup(tiny_encoder_path)
    norms = []

    def before_step(optimizer, args, kwargs):
        grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
        norms.append(float(torch.nn.utils.get_total_norm(grads)))

    config = FitConfig(epochs=1, batch_size=8, learning_rate=5e-3, head_learning_rate=3e-2, log_every=100, max_grad_norm=0.05)
    hook = register_optimizer_step_pre_hook(before_step)
    try:
        fit(model, ids, pad_id, lambda m, b: F.cross_entropy(m(b.input_ids, b.attention_mask), LABELS[b.idx]), None, config, None, {},
            log=lambda s: None)
    finally:
        hook.remove()
    assert norms and all(norm <= 0.05 * 1.0001 for norm in norms)
    assert any(abs(norm - 0.05) < 1e-4 for norm in norms)  # clipped down to the limit: the limit was reached


@pytest.mark.parametrize("max_norm", [1e-3, 1e3])
def test_clipping_gives_torchs_clipped_gradients_whether_or_not_the_limit_is_reached(tiny_encoder_path, max_norm):
    model, ids, pad_id = _setup(tiny_encoder_path)
    input_ids, mask = pad(ids[:8], pad_id)
    F.cross_entropy(model(input_ids, mask), LABELS[:8]).backward()
    theirs = []
    for p in model.parameters():
        theirs.append(torch.nn.Parameter(p.detach().clone()))
        theirs[-1].grad = None if p.grad is None else p.grad.clone()
    torch.nn.utils.clip_grad_norm_(theirs, max_norm)
    clip_gradients(model, max_norm)
    pairs = [(a.grad, b.grad) for a, b in zip(model.parameters(), theirs, strict=True) if a.grad is not None]
    assert pairs and all(torch.equal(a, b) for a, b in pairs)


@pytest.mark.parametrize("groups", [2, 3, 7])
def test_a_batch_forwarded_in_length_parts_gives_the_whole_batchs_outputs_and_counts_the_padding_it_skipped(tiny_encoder_path, groups):
    """Retrofitting's class-balanced batches go through `Batch.by_length`: the embeddings must be
    those of one call on the whole batch (dropout off), and the ledger must not cost padding that
    was never computed."""
    from emopipe.training import cost
    from emopipe.training.batching import pad

    model, ids, pad_id = _setup(tiny_encoder_path)
    model.eval()
    rows = np.arange(10)
    input_ids, mask = pad([ids[i] for i in rows], pad_id)
    batch = Batch(rows, input_ids, mask)
    whole = model.embed(input_ids, mask)
    with cost.ledger() as book:
        cost.add_trained(int(mask.sum()), mask.numel(), len(rows), 10.0, None, torch.device("cpu"))
        parts = batch.by_length(model.embed, groups)
    assert torch.allclose(parts, whole, atol=1e-5)
    lengths = sorted((len(ids[i]) for i in rows), reverse=True)
    computed = sum(len(part) * part[0] for part in np.array_split(lengths, groups))
    assert computed < mask.numel() and book.padded_tokens == computed and book.train_flops == 10.0 * computed
