import torch
import torch.nn.functional as F

from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.training import cost, device
from emopipe.training import loop as loop_module
from emopipe.training.batching import tokenize
from emopipe.training.device import autocast, cpu_has_fast_bf16, has_fast_bf16, mixed_dtype
from emopipe.training.encoders import load_encoder
from emopipe.training.loop import FitConfig, fit


def _cpuinfo(flags):
    return f"processor\t: 0\nmodel name\t: test\nflags\t\t: fpu sse2 {flags}\n\nprocessor\t: 1\nflags\t\t: fpu {flags}\n"


def test_cpu_bf16_only_where_the_cpu_has_native_instructions():
    assert has_fast_bf16(_cpuinfo("avx2 avx512f avx512_bf16"))
    assert has_fast_bf16(_cpuinfo("amx_bf16 amx_tile"))
    assert not has_fast_bf16(_cpuinfo("avx2 avx512f"))
    assert not has_fast_bf16("")


def test_autocast_follows_the_flag_and_the_cpu():
    layer = torch.nn.Linear(4, 2)
    with autocast(torch.device("cpu"), False):
        assert layer(torch.ones(1, 4)).dtype == torch.float32
    with autocast(torch.device("cpu"), True):
        expected = torch.bfloat16 if cpu_has_fast_bf16() else torch.float32
        assert layer(torch.ones(1, 4)).dtype == expected


def test_mixed_precision_follows_the_gpu(monkeypatch):
    cuda = torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation=True: True)
    assert mixed_dtype(cuda, True) == torch.bfloat16  # Ampere and later: native bf16
    # a V100 or T4: torch says bf16 is supported when emulation counts (its default), not natively
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation=True: including_emulation)
    assert mixed_dtype(cuda, True) == torch.float16  # fp16 with a gradient scaler
    assert mixed_dtype(cuda, False) is None  # float32 on request


def test_fp16_trains_with_a_gradient_scaler(tiny_encoder_path, tmp_path, monkeypatch):
    """The fp16 path older GPUs take, run for real on the CPU (which has fp16 autocast): the scaler
    scales and unscales, the clipped steps stay finite and the loss falls."""
    fp16 = lambda dev, mixed: torch.float16 if mixed else None
    monkeypatch.setattr(device, "mixed_dtype", fp16)
    monkeypatch.setattr(loop_module, "mixed_dtype", fp16)
    assert device.grad_scaler(torch.device("cpu"), True).is_enabled()
    torch.manual_seed(0)
    encoder, tokenizer, _ = load_encoder(str(tiny_encoder_path))
    model = TextModel(encoder, TextModelConfig("classifier", encoder.config.hidden_size, 2))
    texts, labels = ["i love it", "so sad", "great day", "awful news"] * 8, torch.tensor([0, 1, 0, 1] * 8)
    ids = tokenize(tokenizer, texts, 16)
    config = FitConfig(epochs=6, batch_size=8, learning_rate=5e-3, head_learning_rate=3e-2, warmup_ratio=0.1, log_every=100)
    with cost.ledger() as book:
        result = fit(model, ids, tokenizer.pad_token_id, lambda m, b: F.cross_entropy(m(b.input_ids, b.attention_mask), b["label"]),
                     None, config, None, {}, log=lambda s: None, per_example={"label": labels})
    losses = [h["train_loss"] for h in result.history]
    assert all(torch.isfinite(torch.tensor(losses))) and losses[-1] < 0.8 * losses[0], losses
    assert book.precision == "float16"
    assert all(torch.isfinite(p).all() for p in model.parameters())
