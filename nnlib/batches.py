"""Splitting data and drawing mini-batches.

Introduced in chapter 1 (``train_test_split``, ``sample_batch``); ``minibatches`` is used for
training from chapter 5 on.
"""
import numpy as np

from nnlib._validation import (check_not_empty, check_number, check_samples_match, check_whole,
                               random_source)


def sample_batch(X, y, batch_size, *, rng=None):
    """Draw a random mini-batch of ``batch_size`` samples (with replacement, as Saito does).

    Shapes: X (n, ...), y (n, ...) -> X_batch (batch_size, ...), y_batch (batch_size, ...).
    """
    check_samples_match(X, y, who="sample_batch", name_a="X", name_b="y")
    check_not_empty(X, who="sample_batch", name="X")
    batch_size = check_whole(batch_size, who="sample_batch", name="batch_size")
    mask = random_source(rng, who="sample_batch", draws="choice").choice(len(X), batch_size)
    return X[mask], y[mask]


def train_test_split(X, y, test_fraction=0.2, *, rng=None):
    """Shuffle the samples once and split them into a training and a test part.

    Shapes: X (n, ...), y (n, ...) -> X_train, X_test, y_train, y_test with
    ``round(n * test_fraction)`` test samples.
    """
    check_samples_match(X, y, who="train_test_split", name_a="X", name_b="y")
    check_number(test_fraction, who="train_test_split", name="test_fraction", low_open=True,
                 high=1.0)
    n_test = int(round(len(X) * test_fraction))
    if not 0 < n_test < len(X):
        raise ValueError(
            f"train_test_split: {len(X)} samples with test_fraction={test_fraction} leave "
            f"{n_test} for testing and {len(X) - n_test} for training; expected at least one "
            "sample on each side (more data, or a test_fraction nearer 0.5)."
        )
    order = random_source(rng, who="train_test_split", draws="permutation").permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def minibatches(X, y, batch_size, *, shuffle=True, rng=None):
    """Yield ``(X_batch, y_batch)`` pairs that cover the data once (one epoch).

    Shapes: X (n, ...), y (n, ...) -> batches of ``batch_size`` rows (the last may be smaller).
    With ``shuffle`` the order is a fresh permutation from ``rng`` (or ``np.random``).
    """
    check_samples_match(X, y, who="minibatches", name_a="X", name_b="y")
    batch_size = check_whole(batch_size, who="minibatches", name="batch_size")
    n = len(X)
    if shuffle:
        order = random_source(rng, who="minibatches", draws="permutation").permutation(n)
        for start in range(0, n, batch_size):
            index = order[start:start + batch_size]
            yield X[index], y[index]
    else:
        for start in range(0, n, batch_size):
            yield X[start:start + batch_size], y[start:start + batch_size]
