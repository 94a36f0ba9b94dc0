import math

import pytest
import torch
from pytorch_metric_learning.losses import SupConLoss

from emopipe.losses.preservation import preservation_loss
from emopipe.losses.supervised_contrastive import supervised_contrastive_loss


def naive_supcon(z, labels, t):
    z = [v / v.norm() for v in z.float()]
    terms = []
    for i in range(len(z)):
        positives = [p for p in range(len(z)) if p != i and labels[p] == labels[i]]
        if not positives:
            continue
        denominator = sum(math.exp(float(z[i] @ z[a]) / t) for a in range(len(z)) if a != i)
        terms.append(-sum(math.log(math.exp(float(z[i] @ z[p]) / t) / denominator) for p in positives) / len(positives))
    return sum(terms) / len(terms)


@pytest.mark.parametrize("labels", [[0, 0, 1, 1, 2, 2], [0, 0, 0, 1, 2, 3], [3, 1, 3, 1, 1, 7]])
@pytest.mark.parametrize("t", [0.1, 0.5])
def test_supcon_equals_a_naive_loop_including_classes_seen_once(labels, t):
    torch.manual_seed(0)
    z = torch.randn(len(labels), 8, dtype=torch.float64)
    got = supervised_contrastive_loss(z, torch.tensor(labels), t)
    assert float(got) == pytest.approx(naive_supcon(z, labels, t), rel=1e-6)


def test_supcon_agrees_with_pytorch_metric_learning():
    torch.manual_seed(1)
    z, labels = torch.randn(12, 16), torch.tensor([0, 0, 1, 1, 1, 2, 3, 3, 4, 4, 4, 4])
    ours = supervised_contrastive_loss(z, labels, 0.1)
    theirs = SupConLoss(temperature=0.1)(z, labels)
    assert float(ours) == pytest.approx(float(theirs), rel=1e-4)


def test_supcon_pulls_a_class_together():
    torch.manual_seed(2)
    z = torch.randn(8, 4, requires_grad=True)
    labels = torch.tensor([0, 0, 0, 0, 1, 1, 1, 1])
    before = supervised_contrastive_loss(z, labels).item()
    opt = torch.optim.SGD([z], lr=0.5)
    for _ in range(50):
        opt.zero_grad()
        supervised_contrastive_loss(z, labels).backward()
        opt.step()
    assert supervised_contrastive_loss(z, labels).item() < before / 2


def test_a_batch_without_positive_pairs_gives_zero_and_keeps_the_graph():
    z = torch.randn(4, 3, requires_grad=True)
    loss = supervised_contrastive_loss(z, torch.tensor([0, 1, 2, 3]))
    loss.backward()
    assert loss.item() == 0.0 and z.grad is not None


def test_preservation_equals_a_naive_mean_of_squares():
    torch.manual_seed(3)
    a, b = torch.randn(5, 7), torch.randn(5, 7)
    naive = sum(float(a[i, j] - b[i, j]) ** 2 for i in range(5) for j in range(7)) / 35
    assert float(preservation_loss(a, b)) == pytest.approx(naive, rel=1e-6)
    assert float(preservation_loss(a, a)) == 0.0
