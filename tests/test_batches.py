"""nnlib.batches: sample_batch, train_test_split and minibatches, and the data they refuse."""
import numpy as np
import pytest

from nnlib.batches import minibatches, sample_batch, train_test_split


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


# ---- bad input -------------------------------------------------------------------------------

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


@pytest.mark.parametrize("call", [
    lambda: sample_batch(np.ones((5, 2)), np.ones(4), 2),
    lambda: train_test_split(np.ones((5, 2)), np.ones(5), 1.5),
    lambda: list(minibatches(np.ones((5, 2)), np.ones(5), 0)),
])
def test_batching_bad_input(call):
    with pytest.raises(ValueError):
        call()


def test_the_smallest_splittable_data_splits():
    X_train, X_test, y_train, y_test = train_test_split(X[:2], Y[:2], 0.5, rng=np.random.default_rng(0))
    assert len(X_train) == len(X_test) == len(y_train) == len(y_test) == 1


@pytest.mark.parametrize("draw", [
    lambda rng: sample_batch(np.zeros((4, 2)), np.zeros(4), 2, rng=rng),
    lambda rng: train_test_split(np.zeros((4, 2)), np.zeros(4), rng=rng),
    lambda rng: list(minibatches(np.zeros((4, 2)), np.zeros(4), 2, rng=rng))])
def test_an_rng_that_is_not_a_generator_is_refused(draw):
    with pytest.raises(TypeError, match="rng must be a NumPy Generator.*got int, which has no"):
        draw(42)
