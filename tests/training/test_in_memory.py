"""The in-memory loop: it learns, keeps the dev-best epoch, trains on one intra-op thread and gives
torch its thread count back afterwards, also when a step fails."""

import pytest
import torch

from emopipe.training import cost
from emopipe.training.in_memory import fit_in_memory


def _problem():
    torch.manual_seed(0)
    x = torch.randn(256, 4)
    y = (x[:, 0] + x[:, 1] > 0).float()
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    return model, x, y


def test_it_learns_on_one_thread_and_restores_torchs_setting():
    model, x, y = _problem()
    before, seen = torch.get_num_threads(), []

    def loss(idx):
        seen.append(torch.get_num_threads())
        return torch.nn.functional.binary_cross_entropy_with_logits(model(x[idx]).squeeze(1), y[idx])

    def dev():
        return float(((model(x).squeeze(1) > 0).float() == y).float().mean())

    best, history = fit_in_memory(model, torch.optim.Adam(model.parameters(), lr=1e-2), 15,
                                  lambda epoch: torch.randperm(256, generator=torch.Generator().manual_seed(epoch)).split(32),
                                  loss, dev)
    assert set(seen) == {1}
    assert torch.get_num_threads() == before
    assert best == max(h["dev_score"] for h in history) and best > 0.9
    assert not model.training


def test_a_failing_step_still_restores_the_thread_count():
    model, _, _ = _problem()
    before = torch.get_num_threads()

    def broken(idx):
        raise RuntimeError("step failed")

    with pytest.raises(RuntimeError, match="step failed"):
        fit_in_memory(model, torch.optim.Adam(model.parameters()), 1, lambda epoch: [torch.arange(8)], broken, lambda: 0.0)
    assert torch.get_num_threads() == before


def test_its_time_counts_as_training_and_evaluation_in_the_cost_ledger():
    """The label mapper's run logged all its time as "other" before the loop opened the phases."""
    model, x, y = _problem()
    with cost.ledger() as book:
        fit_in_memory(model, torch.optim.Adam(model.parameters(), lr=1e-2), 3, lambda epoch: torch.arange(256).split(32),
                      lambda idx: torch.nn.functional.binary_cross_entropy_with_logits(model(x[idx]).squeeze(1), y[idx]),
                      lambda: float(model(x).mean()))
    book.close()
    figures = book.figures(matmul_gflops=100.0)
    assert figures["cost_train_seconds"] > 0 and figures["cost_eval_seconds"] > 0
    assert "cost_train_tokens_per_s" not in figures and "cost_train_matmul_fraction" not in figures  # vectors, not tokens
