from dataclasses import replace

import pytest
import torch

import emopipe.erc.run as erc_run
import emopipe.training.device as device
from emopipe.training.profiles import active_profile


@pytest.mark.parametrize(("where", "native_bf16", "expected"), [
    ("cpu", True, "cpu"),  # the cpu budget is sized for bf16 on 2 cores
    ("cpu", False, "cpu_fp32"),  # float32 on a CPU: the cheaper budget keeps the 25 minutes
    ("cuda", False, "cpu"),  # a GPU is fast enough for the cpu profile's own budget
])
def test_the_cpu_profile_trains_erc_with_a_budget_that_fits_the_hardware(monkeypatch, where, native_bf16, expected):
    monkeypatch.setattr(erc_run, "pick_device", lambda: torch.device(where))
    monkeypatch.setattr(device, "cpu_has_fast_bf16", lambda: native_bf16)
    name, budget = erc_run.budget_for(active_profile("cpu"))
    assert name == expected and budget == erc_run.BUDGETS[expected]


def test_other_profiles_keep_their_budget(monkeypatch):
    monkeypatch.setattr(device, "cpu_has_fast_bf16", lambda: False)
    assert erc_run.budget_for(active_profile("gpu")) == ("gpu", erc_run.BUDGETS["gpu"])
    assert erc_run.budget_for(active_profile("smoke")) == ("smoke", erc_run.BUDGETS["smoke"])


def test_the_float32_budget_differs_from_the_cpu_budget_only_in_context_and_frozen_layers():
    cpu, fp32 = erc_run.BUDGETS["cpu"], erc_run.BUDGETS["cpu_fp32"]
    assert fp32.past_turns < cpu.past_turns and fp32.frozen_layers > cpu.frozen_layers
    assert replace(fp32, past_turns=cpu.past_turns, frozen_layers=cpu.frozen_layers) == cpu
