"""Accuracy, mini-batch sampling and the train/test split of chapter 1."""
import numpy as np
import pytest

from nnlib.batches import minibatches, sample_batch, train_test_split
from nnlib.metrics import accuracy, regression_accuracy


def test_accuracy_with_integer_and_one_hot_labels():
    y_pred = np.array([[0.22, 0.6, 0.18], [0.32, 0.36, 0.32], [0.5, 0.1, 0.4], [0.1, 0.2, 0.7]])
    labels = np.array([1, 1, 2, 2])
    assert accuracy(y_pred, labels) == 0.75
    assert accuracy(y_pred, np.eye(3)[labels]) == 0.75


def test_accuracy_rejects_mismatched_samples():
    with pytest.raises(ValueError, match=r"y_true has shape \(3,\) but y_pred has shape \(4, 3\)"):
        accuracy(np.ones((4, 3)), np.array([0, 1, 2]))


def test_regression_accuracy_uses_std_over_250_by_default():
    y_true = np.linspace(0, 1, 1000).reshape(-1, 1)
    precision = np.std(y_true) / 250
    y_pred = y_true.copy()
    y_pred[:100] += 2 * precision
    assert regression_accuracy(y_pred, y_true) == pytest.approx(0.9)


def test_sample_batch_draws_matching_rows_from_the_global_generator():
    X = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    np.random.seed(3)
    X_batch, y_batch = sample_batch(X, y, 4)
    np.random.seed(3)
    expected = np.random.choice(10, 4)
    np.testing.assert_array_equal(y_batch, expected)
    np.testing.assert_array_equal(X_batch[:, 0] // 2, y_batch)


def test_train_test_split_is_a_partition():
    X = np.arange(100).reshape(50, 2)
    y = np.arange(50)
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.2, rng=np.random.default_rng(0))
    assert len(y_test) == 10 and len(y_train) == 40
    assert sorted(np.concatenate([y_train, y_test])) == list(range(50))
    np.testing.assert_array_equal(X_train[:, 0] // 2, y_train)


def test_minibatches_cover_every_sample_once():
    X, y = np.arange(23).reshape(23, 1), np.arange(23)
    seen = [yb for _, yb in minibatches(X, y, 5, rng=np.random.default_rng(1))]
    assert [len(b) for b in seen] == [5, 5, 5, 5, 3]
    assert sorted(np.concatenate(seen)) == list(range(23))


@pytest.mark.parametrize("call", [
    lambda: sample_batch(np.ones((5, 2)), np.ones(4), 2),
    lambda: train_test_split(np.ones((5, 2)), np.ones(5), 1.5),
    lambda: list(minibatches(np.ones((5, 2)), np.ones(5), 0)),
])
def test_batching_bad_input(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize("precision", [0, -0.1, float("nan")])
def test_regression_accuracy_needs_a_positive_precision(precision):
    with pytest.raises(ValueError, match=r"regression_accuracy: precision must be a finite number "
                                         r"in \(0, inf\)"):
        regression_accuracy(np.zeros((3, 1)), np.zeros((3, 1)), precision=precision)


def test_accuracy_needs_one_row_of_scores_per_sample():
    with pytest.raises(ValueError, match=r"accuracy: y_pred must be a 2-D array, got shape \(3,\)"):
        accuracy(np.array([0.2, 0.5, 0.3]), np.array([1]))
