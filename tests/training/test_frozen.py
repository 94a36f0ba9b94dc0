"""Frozen lower layers computed once: on a tiny BERT with its embeddings and lowest layer frozen,
training from the cache gives the losses and predictions of training without it within 2% (the cache
keeps float16 states; dropout is off in both so the runs are comparable), a second run reads the cache
instead of computing, rows the cache has never seen are computed on the spot, and the model's state
dict is untouched."""

import numpy as np
import torch
import torch.nn.functional as F
from transformers.models.bert.modeling_bert import BertLayer

from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.training import cost, frozen
from emopipe.training.batching import tokenize
from emopipe.training.encoders import freeze_lower, load_encoder
from emopipe.training.inference import predict
from emopipe.training.loop import FitConfig, fit

TEXTS = ["i love this so much", "so sad", "what is that thing over there", "great", "not good at all, not at all",
         "you are kind", "terrible awful news", "wow amazing", "i hate it", "nice"] * 4
LABELS = torch.tensor([0, 1, 2, 0, 1, 0, 1, 0, 1, 0] * 4)
DEV = ["i love it", "awful", "what a day", "so kind of you"]


def _model(path):
    torch.manual_seed(0)
    encoder, tokenizer, _ = load_encoder(str(path))
    for module in encoder.modules():
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0  # the cached states are the frozen layers without dropout; compare like with like
    freeze_lower(encoder, 1)
    return TextModel(encoder, TextModelConfig("classifier", encoder.config.hidden_size, 3)), tokenizer


def _train(path, tmp_path, cache: bool, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    model, tokenizer = _model(path)
    ids, dev_ids = tokenize(tokenizer, TEXTS, 24), tokenize(tokenizer, DEV, 24)
    config = FitConfig(epochs=3, batch_size=8, learning_rate=5e-3, head_learning_rate=3e-2, log_every=100, cache_frozen=cache)

    def dev(m):
        return {"dev_macro_f1": float(predict(m, dev_ids, tokenizer.pad_token_id, 8, cache_frozen=cache).max())}

    with cost.ledger() as book:
        result = fit(model, ids, tokenizer.pad_token_id,
                     lambda m, b: F.cross_entropy(m(b.input_ids, b.attention_mask), b["label"]), dev, config,
                     tmp_path / f"ck_{cache}", {}, log=lambda s: None, per_example={"label": LABELS})
    return model, result, book, tokenizer


def test_cached_and_uncached_training_agree(tiny_encoder_path, tmp_path, monkeypatch):
    plain, plain_result, plain_book, tokenizer = _train(tiny_encoder_path, tmp_path, False, monkeypatch)
    computed, layer_calls = [], []
    real_lower, real_layer = frozen._lower, BertLayer.forward
    monkeypatch.setattr(frozen, "_lower", lambda *a: computed.append(a[2].shape[0]) or real_lower(*a))
    monkeypatch.setattr(BertLayer, "forward", lambda self, *a, **k: layer_calls.append(id(self)) or real_layer(self, *a, **k))
    cached, cached_result, cached_book, _ = _train(tiny_encoder_path, tmp_path, True, monkeypatch)
    # the frozen layer ran once for the 10 distinct training texts and once for the 4 dev texts, never per step or epoch
    assert sorted(computed) == [4, 10], computed
    lower, upper = (id(layer) for layer in cached.encoder.encoder.layer)
    assert layer_calls.count(lower) == 2, "layer 0 ran outside the two cache builds: a nested block did not restore the pass-through"
    assert layer_calls.count(upper) > 10  # the trained layer ran at every step
    plain_losses = [h["train_loss"] for h in plain_result.history]
    cached_losses = [h["train_loss"] for h in cached_result.history]
    np.testing.assert_allclose(cached_losses, plain_losses, rtol=2e-2)
    assert plain_losses[-1] < plain_losses[0]
    ids = tokenize(tokenizer, TEXTS, 24)
    recomputed = predict(cached, ids, tokenizer.pad_token_id, 8, cache_frozen=False)
    np.testing.assert_allclose(recomputed, predict(plain, ids, tokenizer.pad_token_id, 8, cache_frozen=False), atol=5e-2)
    np.testing.assert_allclose(predict(cached, ids, tokenizer.pad_token_id, 8), recomputed, atol=1e-2)  # from the cache
    entries = [p for p in (tmp_path / "home" / "cache" / "frozen").iterdir() if not p.name.startswith(".")]
    assert len(entries) >= 2  # the training texts and the dev texts, each computed once
    # the cached run costs fewer FLOPs per token: the frozen layer is not recomputed each epoch
    assert cached_book.train_flops / cached_book.padded_tokens < plain_book.train_flops / plain_book.padded_tokens
    assert set(cached.state_dict()) == set(plain.state_dict())  # nothing renamed, nothing missing
    assert "forward" not in cached.encoder.embeddings.__dict__  # the real modules are back after training


def test_a_second_run_reads_the_cache_and_unseen_rows_are_computed(tiny_encoder_path, tmp_path, monkeypatch):
    model, tokenizer = _model(tiny_encoder_path)
    ids = tokenize(tokenizer, TEXTS, 24)
    root = tmp_path / "frozen"
    device = torch.device("cpu")
    first = frozen.build(model.encoder, 1, ids, tokenizer.pad_token_id, root, device)
    computed = []
    real_lower = frozen._lower
    monkeypatch.setattr(frozen, "_lower", lambda *a: computed.append(1) or real_lower(*a))
    second = frozen.build(model.encoder, 1, ids, tokenizer.pad_token_id, root, device)
    assert computed == [] and len(list(root.iterdir())) == 1  # read, not computed again; no staging folder left
    assert np.array_equal(np.asarray(first.get(tuple(ids[0]))), np.asarray(second.get(tuple(ids[0]))))
    unseen = tokenize(tokenizer, ["a text the cache has never seen", "so sad"], 24)  # one new row, one cached
    model.eval()
    expected = predict(model, unseen, tokenizer.pad_token_id, 8, cache_frozen=False)
    with frozen.cached_lower_layers(model, ids, tokenizer.pad_token_id, root, device) as depth:
        assert depth == 1
        got = predict(model, unseen, tokenizer.pad_token_id, 8, cache_frozen=False)
    np.testing.assert_allclose(got, expected, atol=1e-2)


def test_a_pad_token_inside_a_text_is_not_taken_for_padding(tiny_encoder_path, tmp_path):
    """A row whose real tokens include the pad id ("[PAD]" typed in a text) is looked up by the
    attention mask, not by counting pad ids, and gives what the real modules give."""
    model, tokenizer = _model(tiny_encoder_path)
    ids = tokenize(tokenizer, ["so sad", "i love it"], 24)
    ids[0] = [*ids[0][:-1], tokenizer.pad_token_id, *ids[0][-1:]]
    model.eval()
    expected = predict(model, ids, tokenizer.pad_token_id, 8, cache_frozen=False)
    with frozen.cached_lower_layers(model, ids, tokenizer.pad_token_id, tmp_path, torch.device("cpu")):
        got = predict(model, ids, tokenizer.pad_token_id, 8, cache_frozen=False)
    np.testing.assert_allclose(got, expected, atol=1e-2)


def test_encoders_the_cache_does_not_know_run_their_own_modules(tiny_encoder_path, tmp_path):
    model, tokenizer = _model(tiny_encoder_path)
    model.encoder.config._attn_implementation = "flash_attention_2"  # takes another mask format
    with frozen.cached_lower_layers(model, [[5, 6]], tokenizer.pad_token_id, tmp_path, torch.device("cpu")) as depth:
        assert depth == 0 and "forward" not in model.encoder.embeddings.__dict__


def test_other_frozen_weights_are_another_entry(tiny_encoder_path, tmp_path):
    model, tokenizer = _model(tiny_encoder_path)
    ids = tokenize(tokenizer, TEXTS[:5], 24)
    key = frozen.cache_key(model.encoder, 1, ids)
    with torch.no_grad():
        model.encoder.embeddings.word_embeddings.weight[5] += 1
    assert frozen.cache_key(model.encoder, 1, ids) != key
    assert frozen.cache_key(model.encoder, 2, ids) != frozen.cache_key(model.encoder, 1, ids)
