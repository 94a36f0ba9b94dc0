import torch

from emopipe.training.device import autocast, cpu_has_fast_bf16, has_fast_bf16


def _cpuinfo(flags):
    return f"processor\t: 0\nmodel name\t: test\nflags\t\t: fpu sse2 {flags}\n\nprocessor\t: 1\nflags\t\t: fpu {flags}\n"


def test_cpu_bf16_only_where_the_cpu_has_native_instructions():
    assert has_fast_bf16(_cpuinfo("avx2 avx512f avx512_bf16"))
    assert has_fast_bf16(_cpuinfo("amx_bf16 amx_tile"))
    assert not has_fast_bf16(_cpuinfo("avx2 avx512f"))
    assert not has_fast_bf16("")


def test_autocast_follows_the_flag_and_the_cpu():
    layer = torch.nn.Linear(4, 2)
    with autocast(torch.device("cpu"), bf16=False):
        assert layer(torch.ones(1, 4)).dtype == torch.float32
    with autocast(torch.device("cpu"), bf16=True):
        expected = torch.bfloat16 if cpu_has_fast_bf16() else torch.float32
        assert layer(torch.ones(1, 4)).dtype == expected
