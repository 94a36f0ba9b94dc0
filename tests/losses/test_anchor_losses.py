import math

import pytest
import torch

from emopipe.losses.anchor_contrastive import anchor_contrastive_loss, angle_loss, min_pairwise_angle_degrees


def naive_anchor_supcon(reps, labels, anchors, t):
    z = list(reps.double()) + list(anchors.double())
    y = list(labels.tolist()) + list(range(len(anchors)))

    def s(a, b):
        return (1 + float(a @ b / (a.norm() * b.norm()))) / 2 / t

    losses = []
    for i in range(len(z)):
        positives = [p for p in range(len(z)) if p != i and y[p] == y[i]]
        if not positives:
            continue
        denominator = sum(math.exp(s(z[i], z[a])) for a in range(len(z)) if a != i)
        share = sum(math.exp(s(z[i], z[p])) for p in positives) / denominator
        losses.append(-math.log(share / len(positives)))
    return sum(losses) / len(losses)


def naive_angle(anchors):
    mean = anchors.double().mean(0)
    unit = [(a - mean) / (a - mean).norm() for a in anchors.double()]
    nearest = [max(float(unit[i] @ unit[j]) for j in range(len(unit)) if j != i) for i in range(len(unit))]
    return -sum(math.acos(c) for c in nearest) / len(nearest), max(nearest)


@pytest.mark.parametrize("labels", [[0, 0, 1, 2], [1, 1, 1, 1], [0, 3, 3, 2, 2, 2]])  # some anchors lack batch partners
def test_anchor_contrastive_equals_a_naive_loop(labels):
    torch.manual_seed(0)
    reps, anchors = torch.randn(len(labels), 5), torch.randn(4, 5)
    got = anchor_contrastive_loss(reps, torch.tensor(labels), anchors, 0.1)
    assert float(got) == pytest.approx(naive_anchor_supcon(reps, torch.tensor(labels), anchors, 0.1), rel=1e-5)


def test_anchor_contrastive_pulls_utterances_to_their_anchor():
    torch.manual_seed(1)
    reps = torch.randn(6, 4, requires_grad=True)
    labels, anchors = torch.tensor([0, 0, 1, 1, 2, 2]), torch.eye(3, 4) * 3
    start = anchor_contrastive_loss(reps, labels, anchors).item()
    opt = torch.optim.SGD([reps], lr=1.0)
    for _ in range(100):
        opt.zero_grad()
        anchor_contrastive_loss(reps, labels, anchors).backward()
        opt.step()
    assert anchor_contrastive_loss(reps, labels, anchors).item() < start
    nearest = (torch.nn.functional.normalize(reps, dim=1) @ torch.nn.functional.normalize(anchors, dim=1).T).argmax(1)
    assert nearest.tolist() == labels.tolist()


def test_angle_loss_equals_a_naive_loop_and_spreads_anchors():
    torch.manual_seed(2)
    anchors = torch.randn(5, 6)
    loss, largest = angle_loss(anchors)
    naive_loss, naive_largest = naive_angle(anchors)
    assert float(loss) == pytest.approx(naive_loss, rel=1e-5) and float(largest) == pytest.approx(naive_largest, rel=1e-5)
    crowded = (torch.randn(1, 6) + 0.05 * torch.randn(5, 6)).requires_grad_(True)
    before = min_pairwise_angle_degrees(crowded)
    opt = torch.optim.SGD([crowded], lr=0.1)
    for _ in range(200):
        opt.zero_grad()
        angle_loss(crowded)[0].backward()
        opt.step()
    assert min_pairwise_angle_degrees(crowded) > before
