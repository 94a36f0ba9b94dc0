import numpy as np
import pytest

from emopipe.evaluation.embedding_quality import clustering_scores, embedding_drift, retrieval_scores


@pytest.fixture
def clustered():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 16)) * 5
    labels = np.repeat(np.arange(4), 30)
    return centres[labels] + rng.normal(size=(120, 16)) * 0.1, labels


def test_separated_classes_score_near_one_and_noise_near_zero(clustered):
    embeddings, labels = clustered
    good = clustering_scores("test", embeddings, labels) | retrieval_scores("test", embeddings, labels)
    assert min(good.values()) > 0.95
    noise = np.random.default_rng(1).normal(size=embeddings.shape)
    bad = clustering_scores("test", noise, labels) | retrieval_scores("test", noise, labels)
    assert bad["test_ami"] < 0.1 and bad["test_map_at_r"] < 0.5
    assert set(good) == {"test_ami", "test_ari", "test_fms", "test_mrr", "test_p_at_1", "test_map_at_r"}


def test_map_at_r_matches_a_naive_computation():
    rng = np.random.default_rng(2)
    embeddings, labels = rng.normal(size=(40, 6)), rng.integers(0, 3, size=40)
    unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    aps = []
    for i in range(40):
        r = int((labels == labels[i]).sum()) - 1
        others = [j for j in np.argsort(-(unit @ unit[i]), kind="stable") if j != i][:r]
        hits = [labels[j] == labels[i] for j in others]
        aps.append(sum(np.mean(hits[: k + 1]) for k in range(r) if hits[k]) / r)
    assert retrieval_scores("x", embeddings, labels)["x_map_at_r"] == pytest.approx(np.mean(aps), abs=1e-4)


def test_drift_is_zero_for_the_same_space_and_names_mismatched_shapes():
    rng = np.random.default_rng(3)
    base = rng.normal(size=(10, 4))
    assert embedding_drift(base, base * 3) == pytest.approx(0.0, abs=1e-9)
    assert embedding_drift(base, -base) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="same sentences"):
        embedding_drift(base, base[:5])
