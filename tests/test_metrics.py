"""nnlib.metrics: accuracy of class scores, and regression_accuracy within a tolerance."""
import numpy as np
import pytest

from nnlib.metrics import accuracy, regression_accuracy


def test_accuracy_with_integer_and_one_hot_labels():
    y_pred = np.array([[0.22, 0.6, 0.18], [0.32, 0.36, 0.32], [0.5, 0.1, 0.4], [0.1, 0.2, 0.7]])
    labels = np.array([1, 1, 2, 2])
    assert accuracy(y_pred, labels) == 0.75
    assert accuracy(y_pred, np.eye(3)[labels]) == 0.75


def test_accuracy_rejects_mismatched_samples():
    with pytest.raises(ValueError, match=r"y_true has shape \(3,\) but y_pred has shape \(4, 3\)"):
        accuracy(np.ones((4, 3)), np.array([0, 1, 2]))


def test_accuracy_needs_one_row_of_scores_per_sample():
    with pytest.raises(ValueError, match=r"accuracy: y_pred must be a 2-D array, got shape \(3,\)"):
        accuracy(np.array([0.2, 0.5, 0.3]), np.array([1]))


def test_regression_accuracy_uses_std_over_250_by_default():
    y_true = np.linspace(0, 1, 1000).reshape(-1, 1)
    precision = np.std(y_true) / 250
    y_pred = y_true.copy()
    y_pred[:100] += 2 * precision
    assert regression_accuracy(y_pred, y_true) == pytest.approx(0.9)


def test_regression_accuracy_counts_strictly_inside_the_tolerance():
    y_true = np.zeros((4, 1))
    y_pred = np.array([[0.0], [0.05], [0.1], [-0.2]])
    assert regression_accuracy(y_pred, y_true, precision=0.1) == 0.5     # 0.1 itself is out


def test_regression_accuracy_default_tolerance_on_sine_data():
    x = np.arange(1000).reshape(-1, 1) / 1000
    y = np.sin(2 * np.pi * x)
    precision = np.std(y) / 250
    assert precision == pytest.approx(np.sqrt(0.5) / 250, rel=1e-3)
    y_pred = y + np.where(np.arange(1000)[:, None] < 300, 0.5 * precision, 2 * precision)
    assert regression_accuracy(y_pred, y) == pytest.approx(0.3)


@pytest.mark.parametrize("precision", [0, -0.1, float("nan")])
def test_regression_accuracy_needs_a_positive_precision(precision):
    with pytest.raises(ValueError, match=r"regression_accuracy: precision must be a finite number "
                                         r"in \(0, inf\)"):
        regression_accuracy(np.zeros((3, 1)), np.zeros((3, 1)), precision=precision)


def test_regression_accuracy_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"regression_accuracy: y_pred has shape \(3, 1\) but "
                                         r"y_true has shape \(3,\)"):
        regression_accuracy(np.zeros((3, 1)), np.zeros(3))
