"""Work remembered by content: a second request for the same predictions or scores is read back and
equals computing it; a changed weight, setting or input is a new entry; a corrupt entry is computed
again; a best epoch loaded back from its checkpoint hits what training scored."""

import numpy as np
import polars as pl
import pytest
import torch

from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.retrofitting import few_shot
from emopipe.retrofitting.options import FewShotOptions
from emopipe.training import remembered
from emopipe.training.batching import tokenize
from emopipe.training.checkpoints import save_weights
from emopipe.training.encoders import load_encoder
from emopipe.training.inference import predict
from emopipe.training.remembered import model_digest, remembered_predict, remembered_scores

TEXTS = ["what a day", "so sad today", "i love it", "not good at all", "wow", "terrible awful news"]


def _model(path, pooling="mean", seed=0):
    encoder, tokenizer, _ = load_encoder(str(path))
    torch.manual_seed(seed)
    return TextModel(encoder, TextModelConfig("vad_regressor", encoder.config.hidden_size, 3, pooling=pooling)), tokenizer


@pytest.fixture
def counted(monkeypatch):
    """How many times the real `predict` runs under `remembered_predict`."""
    calls = []

    def counting(*args, **kwargs):
        calls.append(1)
        return predict(*args, **kwargs)

    monkeypatch.setattr(remembered, "predict", counting)
    return calls


def test_a_second_request_is_read_back_and_equals_computing_it(tiny_encoder_path, tmp_path, counted):
    model, tokenizer = _model(tiny_encoder_path)
    ids = tokenize(tokenizer, TEXTS, 16)
    first = remembered_predict(model, ids, tokenizer.pad_token_id, 4, bf16=False, root=tmp_path)
    again = remembered_predict(model, ids, tokenizer.pad_token_id, 2, bf16=False, root=tmp_path)  # batching is not in the key
    assert len(counted) == 1 and len(list(tmp_path.glob("*.npy"))) == 1
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(first, predict(model, ids, tokenizer.pad_token_id, 4, bf16=False), atol=1e-6)
    remembered_predict(model, ids[:-1], tokenizer.pad_token_id, 4, bf16=False, root=tmp_path)  # other sequences
    remembered_predict(model, ids, tokenizer.pad_token_id, 4, bf16=False, fn="embed", root=tmp_path)  # another output
    assert len(counted) == 3


def test_a_changed_weight_or_setting_is_a_new_key_and_a_checkpoint_loaded_back_the_same(tiny_encoder_path, tmp_path):
    model, _ = _model(tiny_encoder_path)
    key = model_digest(model)
    assert model_digest(_model(tiny_encoder_path)[0]) == key  # the same weights and settings, built again
    assert model_digest(_model(tiny_encoder_path, pooling="cls")[0]) != key  # pooling is no tensor, and still counts
    assert model_digest(_model(tiny_encoder_path, seed=1)[0]) != key  # another head
    save_weights(model, tmp_path / "best", {})
    with torch.no_grad():
        model.head[0].weight[0, 0] += 1e-3
    assert model_digest(model) != key
    from safetensors.torch import load_file

    model.load_state_dict(load_file(str(tmp_path / "best" / "model.safetensors")))
    assert model_digest(model) == key


def test_a_corrupt_entry_is_computed_again_and_replaced(tiny_encoder_path, tmp_path, counted):
    model, tokenizer = _model(tiny_encoder_path)
    ids = tokenize(tokenizer, TEXTS, 16)
    first = remembered_predict(model, ids, tokenizer.pad_token_id, 4, bf16=False, root=tmp_path)
    [entry] = tmp_path.glob("*.npy")
    entry.write_bytes(entry.read_bytes()[:40])  # cut short, as a full disk would leave it
    again = remembered_predict(model, ids, tokenizer.pad_token_id, 4, bf16=False, root=tmp_path)
    assert len(counted) == 2
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(np.load(entry, allow_pickle=False), first)


def test_scores_are_remembered_by_their_parts_and_a_nan_is_not(tmp_path):
    calls = []

    def compute(value):
        calls.append(value)
        return {"f1": value}

    assert remembered_scores(("a", "1"), lambda: compute(0.5), root=tmp_path) == {"f1": 0.5}
    assert remembered_scores(("a", "1"), lambda: compute(0.9), root=tmp_path) == {"f1": 0.5}
    assert remembered_scores(("a", "2"), lambda: compute(0.7), root=tmp_path) == {"f1": 0.7}
    remembered_scores(("b",), lambda: compute(float("nan")), root=tmp_path)
    remembered_scores(("b",), lambda: compute(float("nan")), root=tmp_path)
    assert calls[:2] == [0.5, 0.7] and len(calls) == 4 and len(list(tmp_path.glob("*.json"))) == 2


def test_a_few_shot_run_is_fine_tuned_once_per_encoder_draw_and_settings(tiny_encoder_path, tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    fits = []
    real_fit = few_shot.fit
    monkeypatch.setattr(few_shot, "fit", lambda *a, **k: fits.append(1) or real_fit(*a, **k))
    rows = pl.DataFrame({"text": TEXTS * 4, "label": [0, 0, 1, 1, 0, 1] * 4})
    options = FewShotOptions(min_epochs=1, min_steps=1, batch_size=4)
    first = few_shot.few_shot_run(str(tiny_encoder_path), rows, rows, 2, 0, options, 16, False)
    assert few_shot.few_shot_run(str(tiny_encoder_path), rows, rows, 2, 0, options, 16, False) == first
    assert len(fits) == 1
    few_shot.few_shot_run(str(tiny_encoder_path), rows, rows, 2, 1, options, 16, False)  # another draw
    few_shot.few_shot_run(str(tiny_encoder_path), rows, rows.head(12), 2, 0, options, 16, False)  # another evaluation set
    assert len(fits) == 3
