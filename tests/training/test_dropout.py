"""Cheap CPU dropout: the same dropout as torch's (rate, scale, attention), repeatable under a seed,
and what the training loop's forward passes use instead of torch's one-draw-per-element `bernoulli_`."""

import pytest
import torch
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode

from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.training.batching import tokenize
from emopipe.training.dropout import cheap_dropout
from emopipe.training.encoders import load_encoder
from emopipe.training.loop import FitConfig, fit

CPU = torch.device("cpu")


class AtenOps(TorchDispatchMode):
    """Records the name of every aten op run inside."""

    def __init__(self):
        super().__init__()
        self.names: list[str] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.names.append(func.__name__)
        return func(*args, **(kwargs or {}))


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_a_mask_drops_p_of_the_elements_and_keeps_the_expectation(p):
    x = torch.ones(400_000)
    torch.manual_seed(0)
    with cheap_dropout(CPU):
        out = F.dropout(x, p, training=True)
    q = round(p * 65536) / 65536
    sigma = (q * (1 - q) / x.numel()) ** 0.5
    assert abs(float((out == 0).float().mean()) - q) < 5 * sigma
    assert torch.allclose(out[out != 0], torch.tensor(1 / (1 - q)))
    assert abs(float(out.mean()) - 1) < 5 * sigma / (1 - q)


def test_seeded_draws_repeat_and_evaluation_mode_drops_nothing():
    x = torch.randn(64, 48)
    draws = []
    for _ in range(2):
        torch.manual_seed(7)
        with cheap_dropout(CPU):
            draws.append(F.dropout(x, 0.1, training=True))
    assert torch.equal(draws[0], draws[1]) and not torch.equal(draws[0], x)
    with cheap_dropout(CPU):
        assert torch.equal(F.dropout(x, 0.1, training=False), x)


@pytest.mark.parametrize("mask_kind", ["none", "bool", "float", "bool with a query that sees nothing"])
def test_attention_with_dropout_is_torchs_attention_with_its_mask(mask_kind):
    torch.manual_seed(0)
    q, k, v = (torch.randn(2, 3, 5, 8) for _ in range(3))
    keep = torch.rand(2, 1, 5, 5) > 0.3
    keep[..., 0] = True
    if mask_kind == "bool with a query that sees nothing":
        keep[1, 0, 2] = False
    mask = {"none": None, "float": torch.where(keep, 0.0, -1e9)}.get(mask_kind, keep)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=0.0, scale=0.3)
    with cheap_dropout(CPU):  # p this small rounds to q = 0: no element is dropped, the attention itself is compared
        got = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=1e-6, scale=0.3)
    assert torch.allclose(got, expected, atol=1e-5)
    with cheap_dropout(CPU):
        dropped = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=0.5, scale=0.3)
    assert not torch.allclose(dropped, expected, atol=1e-3)


def test_the_training_loops_forward_passes_draw_no_bernoulli(tiny_encoder_path):
    """The tiny BERT has hidden and attention dropout; inside `fit` neither reaches torch's bernoulli_."""
    encoder, tokenizer, _ = load_encoder(str(tiny_encoder_path))
    model = TextModel(encoder, TextModelConfig("classifier", encoder.config.hidden_size, 2))
    ids = tokenize(tokenizer, ["so happy", "so sad today", "what", "great news"] * 4, 16)
    seen: list[list[str]] = []

    def loss(m, batch):
        with AtenOps() as ops:
            out = F.cross_entropy(m(batch.input_ids, batch.attention_mask), batch["label"])
        seen.append(ops.names)
        return out

    fit(model, ids, tokenizer.pad_token_id, loss, None, FitConfig(epochs=1, batch_size=8, learning_rate=1e-3, head_learning_rate=1e-3, log_every=100),
        None, {}, log=lambda _: None, device=CPU, per_example={"label": torch.tensor([0, 1] * 8)})
    assert seen and all("random_.from" in names and not any(n.startswith("bernoulli") for n in names) for names in seen)
    model.train()
    with AtenOps() as ops:  # outside the loop: torch's own dropout, which the assertion above would catch
        model(batch_ids := torch.tensor([ids[0] + ids[1]]), torch.ones_like(batch_ids))
    assert any(n.startswith("bernoulli") for n in ops.names)
