"""nnlib.batches: splits and mini-batches refuse data they cannot split."""
import numpy as np
import pytest

from nnlib.batches import minibatches, sample_batch, train_test_split

X = np.arange(20.0).reshape(10, 2)
Y = np.arange(10)

BAD_INPUT = [
    (lambda: sample_batch(X[:0], Y[:0], 4), ValueError,
     r"sample_batch: X has 0 samples; expected at least one"),
    (lambda: sample_batch(X, Y, 0), ValueError, r"sample_batch: batch_size must be a whole number >= 1, got 0"),
    (lambda: sample_batch(X, Y, 2.5), ValueError, r"sample_batch: batch_size must be a whole number >= 1, got 2.5"),
    (lambda: sample_batch(X, Y[:9], 2), ValueError, r"sample_batch: X has 10 samples but y has 9"),
    (lambda: train_test_split(X[:2], Y[:2], 0.2), ValueError,
     r"train_test_split: 2 samples with test_fraction=0.2 leave 0 for testing and 2 for training; "
     r"expected at least one sample on each side"),
    (lambda: train_test_split(X, Y, 0.97), ValueError,
     r"train_test_split: 10 samples with test_fraction=0.97 leave 10 for testing and 0 for training"),
    (lambda: train_test_split(X[:0], Y[:0]), ValueError, r"leave 0 for testing and 0 for training"),
    (lambda: train_test_split(X, Y, 1.5), ValueError,
     r"train_test_split: test_fraction must be a finite number in \(0, 1\), got 1.5"),
    (lambda: train_test_split(X, Y, float("nan")), ValueError, r"test_fraction must be a finite number"),
    (lambda: train_test_split(X, Y, "0.2"), TypeError, r"train_test_split: test_fraction must be a number"),
    (lambda: next(minibatches(X, Y, 0)), ValueError,
     r"minibatches: batch_size must be a whole number >= 1, got 0"),
    (lambda: next(minibatches(X, Y[:3], 2)), ValueError, r"minibatches: X has 10 samples but y has 3"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT,
                         ids=[f"case{i}" for i in range(len(BAD_INPUT))])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_the_smallest_splittable_data_splits():
    X_train, X_test, y_train, y_test = train_test_split(X[:2], Y[:2], 0.5, rng=np.random.default_rng(0))
    assert len(X_train) == len(X_test) == len(y_train) == len(y_test) == 1
