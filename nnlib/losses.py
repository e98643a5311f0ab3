"""Loss functions: how wrong a model's outputs are, and (from chapter 5) their gradients.

Every loss class has ``forward(y_pred, y_true)`` -> per-sample losses of shape (n,),
``calculate(y_pred, y_true)`` -> their mean (a float), and ``backward(y_pred, y_true)`` ->
the gradient of that mean with respect to ``y_pred``, the same shape as ``y_pred``.
Introduced in chapter 1; backward passes in chapter 5; regression losses in chapter 7.
"""
import numpy as np

from nnlib._validation import (
    as_float_array,
    check_probabilities,
    check_samples_match,
    class_indices,
)

#: The book's clipping bound: predictions are kept in [CLIP, 1 - CLIP] before taking a log.
CLIP = 1e-7


def sum_squared_error(y, t):
    """Saito's sum of squared errors, ``0.5 * sum((y - t) ** 2)``.

    Shapes: y and t the same shape (a one-hot ``t``), result a scalar. Introduced in chapter 1.
    """
    y = as_float_array(y, who="sum_squared_error", name="y")
    t = as_float_array(t, who="sum_squared_error", name="t")
    if y.shape != t.shape:
        raise ValueError(
            f"sum_squared_error: y has shape {y.shape} but t has shape {t.shape}; "
            "expected t to be one-hot labels of the same shape as y."
        )
    return 0.5 * np.sum((y - t) ** 2)


def cross_entropy_error(y, t, delta=CLIP):
    """Saito's cross-entropy, ``-sum(t * log(y + delta))``, averaged over a batch.

    Shapes: y (n_classes,) or (n, n_classes); t one-hot of the same shape, or class indices
    of shape () or (n,). Result a scalar. Introduced in chapter 1.
    """
    y = as_float_array(y, who="cross_entropy_error", name="y")
    if y.ndim == 1:
        y = y.reshape(1, -1)
        t = np.reshape(t, (1, -1)) if np.ndim(t) == 1 else np.reshape(t, (1,))
    y = check_probabilities(y, who="cross_entropy_error")
    labels = class_indices(t, y, who="cross_entropy_error")
    return -np.sum(np.log(y[np.arange(len(y)), labels] + delta)) / len(y)


class Loss:
    """Common part of all losses: ``calculate`` is the mean of the per-sample ``forward``."""

    def calculate(self, y_pred, y_true):
        """Mean loss over the batch (a float of the predictions' dtype)."""
        return np.mean(self.forward(y_pred, y_true))


class CategoricalCrossentropy(Loss):
    """Categorical cross-entropy ``-log(p[true class])``, predictions clipped to [1e-7, 1 - 1e-7].

    Shapes: y_pred (n, n_classes) probabilities; y_true class indices (n,) or one-hot
    (n, n_classes); forward -> (n,). Introduced in chapter 1 (backward in chapter 5).
    """

    def forward(self, y_pred, y_true):
        y_pred = check_probabilities(y_pred, who=type(self).__name__)
        labels = class_indices(y_true, y_pred, who=type(self).__name__)
        clipped = np.clip(y_pred, CLIP, 1 - CLIP)
        correct_confidences = clipped[np.arange(len(clipped)), labels]   # (n,)
        return -np.log(correct_confidences)

    def backward(self, y_pred, y_true):
        """Gradient of the mean loss w.r.t. y_pred: ``-one_hot / y_pred / n``. Shape (n, n_classes)."""
        y_pred = check_probabilities(y_pred, who=type(self).__name__)
        labels = class_indices(y_true, y_pred, who=type(self).__name__)
        n = len(y_pred)
        dinputs = np.zeros_like(y_pred)
        rows = np.arange(n)
        dinputs[rows, labels] = -1.0 / np.clip(y_pred[rows, labels], CLIP, 1 - CLIP) / n
        return dinputs


class SoftmaxCrossentropy(Loss):
    """Softmax followed by categorical cross-entropy, with the short combined gradient.

    ``forward(logits, y_true)`` stores the probabilities in ``self.output``; ``backward`` takes
    those probabilities (as the book does) and returns ``(probabilities - one_hot) / n``, the
    gradient w.r.t. the logits. Shapes: logits (n, n_classes); forward -> (n,).
    Introduced in chapter 5.
    """

    def __init__(self):
        from nnlib.activations import Softmax

        self.activation = Softmax()
        self.loss = CategoricalCrossentropy()
        self.output = None

    def forward(self, logits, y_true):
        self.output = self.activation.forward(logits)
        return self.loss.forward(self.output, y_true)

    def backward(self, y_pred, y_true):
        """Gradient of the mean loss w.r.t. the logits. Shape (n, n_classes)."""
        y_pred = check_probabilities(y_pred, who=type(self).__name__)
        labels = class_indices(y_true, y_pred, who=type(self).__name__)
        n = len(y_pred)
        dinputs = y_pred.copy()
        dinputs[np.arange(n), labels] -= 1
        dinputs /= n
        return dinputs


class BinaryCrossentropy(Loss):
    """Binary cross-entropy for independent sigmoid outputs, predictions clipped like above.

    Shapes: y_pred and y_true (n, n_outputs) with targets 0 or 1; forward -> (n,).
    Introduced in chapter 5.
    """

    def forward(self, y_pred, y_true):
        y_pred, y_true = _regression_pair(y_pred, y_true, who=type(self).__name__)
        clipped = np.clip(y_pred, CLIP, 1 - CLIP)
        losses = -(y_true * np.log(clipped) + (1 - y_true) * np.log(1 - clipped))
        return np.mean(losses, axis=-1)

    def backward(self, y_pred, y_true):
        y_pred, y_true = _regression_pair(y_pred, y_true, who=type(self).__name__)
        n, outputs = y_pred.shape
        clipped = np.clip(y_pred, CLIP, 1 - CLIP)
        return -(y_true / clipped - (1 - y_true) / (1 - clipped)) / outputs / n


class MeanSquaredError(Loss):
    """Mean squared error, averaged over outputs for each sample.

    Shapes: y_pred and y_true (n, n_outputs); forward -> (n,). Introduced in chapter 7.
    """

    def forward(self, y_pred, y_true):
        y_pred, y_true = _regression_pair(y_pred, y_true, who=type(self).__name__)
        return np.mean((y_true - y_pred) ** 2, axis=-1)

    def backward(self, y_pred, y_true):
        """``-2 (y_true - y_pred) / n_outputs / n``. Shape (n, n_outputs)."""
        y_pred, y_true = _regression_pair(y_pred, y_true, who=type(self).__name__)
        n, outputs = y_pred.shape
        return -2 * (y_true - y_pred) / outputs / n


class MeanAbsoluteError(Loss):
    """Mean absolute error, averaged over outputs for each sample.

    Shapes: y_pred and y_true (n, n_outputs); forward -> (n,). Introduced in chapter 7.
    """

    def forward(self, y_pred, y_true):
        y_pred, y_true = _regression_pair(y_pred, y_true, who=type(self).__name__)
        return np.mean(np.abs(y_true - y_pred), axis=-1)

    def backward(self, y_pred, y_true):
        """``-sign(y_true - y_pred) / n_outputs / n``. Shape (n, n_outputs)."""
        y_pred, y_true = _regression_pair(y_pred, y_true, who=type(self).__name__)
        n, outputs = y_pred.shape
        return -np.sign(y_true - y_pred) / outputs / n


def _regression_pair(y_pred, y_true, *, who):
    """Check that predictions and targets are finite 2-D arrays of the same shape."""
    y_pred = as_float_array(y_pred, who=who, name="y_pred", ndim=2)
    y_true = as_float_array(y_true, who=who, name="y_true")
    if y_true.shape != y_pred.shape:
        check_samples_match(y_pred, y_true, who=who, name_a="y_pred", name_b="y_true")
        raise ValueError(
            f"{who}: y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; "
            f"expected targets of shape {y_pred.shape} (reshape 1-D targets with "
            "y.reshape(-1, 1))."
        )
    return y_pred, y_true
