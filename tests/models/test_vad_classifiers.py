"""The SVM back-classifier as arrays must vote exactly as sklearn's SVC, and survive a save/load."""

import numpy as np
import pytest
from sklearn.svm import SVC

from emopipe.models.vad_classifiers import RbfSvm, fit_svm, nearest_label


def _data(seed: int, n: int = 600, classes: int = 6):
    rng = np.random.default_rng(seed)
    centres = rng.random((classes, 3))
    y = rng.integers(0, classes, n)
    x = np.clip(centres[y] + rng.normal(0, 0.15, (n, 3)), 0, 1)
    return x, y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rbf_svm_matches_sklearn_predictions_and_decisions(seed, tmp_path):
    x, y = _data(seed)
    svm = fit_svm(x[:400], y[:400])
    portable = RbfSvm.from_sklearn(svm)
    svm_ovo = SVC(C=10, gamma=3.5, decision_function_shape="ovo").fit(x[:400], y[:400])
    np.testing.assert_allclose(portable.decision(x[400:]), svm_ovo.decision_function(x[400:]), rtol=1e-6, atol=1e-8)
    np.testing.assert_array_equal(portable.predict(x[400:]), svm.predict(x[400:]))
    portable.save(tmp_path / "svm.safetensors")
    again = RbfSvm.load(tmp_path / "svm.safetensors")
    np.testing.assert_array_equal(again.predict(x[400:]), svm.predict(x[400:]))


def test_rbf_svm_with_a_class_missing_from_training_keeps_the_label_ids():
    x, y = _data(3, classes=5)
    keep = y != 2
    svm = fit_svm(x[keep], y[keep])
    pred = RbfSvm.from_sklearn(svm).predict(x)
    assert 2 not in set(pred) and set(pred) <= {0, 1, 3, 4}
    np.testing.assert_array_equal(pred, svm.predict(x))


def test_missing_svm_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"svm\.safetensors"):
        RbfSvm.load(tmp_path / "svm.safetensors")


def test_nearest_label_picks_the_closest_point():
    points = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    assert nearest_label(np.array([[0.1, 0.2, 0.0], [0.9, 0.6, 0.8]]), points).tolist() == [0, 1]
