"""Loss functions: how wrong a model's outputs are, and (from chapter 5) their gradients.

Every loss class follows one contract, so a caller never needs to know which loss it holds:

- ``forward(y_pred, y_true)`` returns the per-sample losses, shape (n,), and keeps what
  ``backward`` needs: ``predictions`` (the predictions it judged, in the form a metric takes)
  and ``y_true``;
- ``calculate(y_pred, y_true)`` returns their mean (a float);
- ``backward(loss.predictions, y_true)``, or ``backward()`` with what ``forward`` kept, returns the gradient of that mean with respect to what ``forward`` was given,
  the same shape, computed from what ``forward`` kept.

``backward``'s argument is always the loss's ``predictions``: for every loss its own input, for
the combined ``SoftmaxCrossentropy`` the probabilities it computed (its ``output``, the book's
interface). So a caller writes ``loss.backward(loss.predictions, y_true)`` for any loss.
Introduced in chapter 1; backward passes and MAE in chapter 5; MSE in chapter 7.
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
    y = check_probabilities(y, who="cross_entropy_error", rows_sum_to_one=True)
    labels = class_indices(t, y, who="cross_entropy_error")
    return -np.sum(np.log(y[np.arange(len(y)), labels] + delta)) / len(y)


class Loss:
    """Common part of all losses: ``calculate`` is the mean of the per-sample ``forward``, and
    ``backward`` checks its arguments (unless they are the ones ``forward`` kept, and checked)
    before ``_gradient``. A subclass implements ``_check(y_pred, y_true)``, returning the
    checked predictions and targets, ``forward`` (which calls ``_keep``) and ``_gradient``.
    """

    predictions = None   # what the last forward judged, (n, k)
    y_true = None        # the targets the last forward was given
    _checked = None      # (predictions, targets) as _check returned them

    def __repr__(self):
        return f"{type(self).__name__}()"

    def calculate(self, y_pred, y_true):
        """Mean loss over the batch (a float of the predictions' dtype).

        Afterwards ``predictions`` and ``y_true`` hold what ``backward`` needs, also for a loss
        whose ``forward`` keeps nothing (one written the chapters' way): its ``y_pred``.
        """
        self.predictions = None
        losses = self.forward(y_pred, y_true)       # (n,)
        if self.predictions is None:
            self.predictions, self.y_true, self._checked = y_pred, y_true, None
        return np.mean(losses)

    def backward(self, y_pred=None, y_true=None):
        """Gradient of the mean loss w.r.t. what ``forward`` was given; shape of ``predictions``.

        Without arguments it uses what the last ``forward`` kept; with both, the ``predictions``
        and targets given (see the module docstring).
        """
        who = type(self).__name__
        if y_pred is None and y_true is None:
            if self.predictions is None:
                raise RuntimeError(
                    f"{who}: backward() was called before forward(); run forward(y_pred, y_true) "
                    "first, or pass both y_pred and y_true to backward."
                )
            y_pred, y_true = self.predictions, self.y_true
        elif y_pred is None or y_true is None:
            missing = "y_pred" if y_pred is None else "y_true"
            raise TypeError(
                f"{who}.backward: got no {missing}; expected both y_pred and y_true, or neither "
                "(then the ones the last forward kept are used)."
            )
        if self._checked is not None and y_pred is self.predictions and y_true is self.y_true:
            return self._gradient(*self._checked)           # forward checked these already
        return self._gradient(*self._check(y_pred, y_true))

    def _keep(self, predictions, y_true, checked):
        self.predictions, self.y_true, self._checked = predictions, y_true, checked


def _crossentropy(probabilities, labels):
    """``-log(p[true class])`` with p clipped to [CLIP, 1 - CLIP]. Shapes: (n, k), (n,) -> (n,)."""
    clipped = np.clip(probabilities, CLIP, 1 - CLIP)
    correct_confidences = clipped[np.arange(len(clipped)), labels]   # (n,)
    return -np.log(correct_confidences)


class CategoricalCrossentropy(Loss):
    """Categorical cross-entropy ``-log(p[true class])``, predictions clipped to [1e-7, 1 - 1e-7].

    Shapes: y_pred (n, n_classes) probabilities, each row summing to 1; y_true class indices
    (n,) or one-hot (n, n_classes); forward -> (n,). Introduced in chapter 1 (backward in
    chapter 5).
    """

    def _check(self, y_pred, y_true):
        y_pred = check_probabilities(y_pred, who=type(self).__name__, rows_sum_to_one=True)
        return y_pred, class_indices(y_true, y_pred, who=type(self).__name__)

    def forward(self, y_pred, y_true):
        y_pred, labels = checked = self._check(y_pred, y_true)
        self._keep(y_pred, y_true, checked)
        return _crossentropy(y_pred, labels)

    def _gradient(self, y_pred, labels):
        """Gradient of the mean loss w.r.t. y_pred: ``-one_hot / y_pred / n``. Shape (n, n_classes)."""
        n = len(y_pred)
        dinputs = np.zeros_like(y_pred)
        rows = np.arange(n)
        dinputs[rows, labels] = -1.0 / np.clip(y_pred[rows, labels], CLIP, 1 - CLIP) / n
        return dinputs


class SoftmaxCrossentropy(Loss):
    """Softmax followed by categorical cross-entropy, with the short combined gradient.

    ``forward(logits, y_true)`` keeps the probabilities in ``predictions`` (and, the book's
    name, ``output``); ``backward()`` returns ``(probabilities - one_hot) / n``, the gradient
    w.r.t. the logits. ``backward(probabilities, y_true)`` is the book's explicit form.
    Shapes: logits (n, n_classes); forward -> (n,). Introduced in chapter 5.
    """

    def __init__(self):
        from nnlib.activations import Softmax

        self.activation = Softmax()
        self.output = None

    def _check(self, y_pred, y_true):
        y_pred = check_probabilities(y_pred, who=type(self).__name__, rows_sum_to_one=True)
        return y_pred, class_indices(y_true, y_pred, who=type(self).__name__)

    def forward(self, logits, y_true):
        logits = as_float_array(logits, who=type(self).__name__, name="logits", ndim=2)
        self.output = self.activation.forward(logits)                   # (n, n_classes)
        labels = class_indices(y_true, self.output, who=type(self).__name__)
        self._keep(self.output, y_true, (self.output, labels))
        return _crossentropy(self.output, labels)

    def _gradient(self, y_pred, labels):
        """Gradient of the mean loss w.r.t. the logits, from the probabilities. Shape (n, n_classes)."""
        n = len(y_pred)
        dinputs = y_pred.copy()
        dinputs[np.arange(n), labels] -= 1
        dinputs /= n
        return dinputs


class BinaryCrossentropy(Loss):
    """Binary cross-entropy for independent sigmoid outputs, predictions clipped like above.

    Shapes: y_pred (n, n_outputs) probabilities in [0, 1] and y_true (n, n_outputs) targets
    in [0, 1] (usually 0 or 1); forward -> (n,). Introduced in chapter 5.
    """

    def _check(self, y_pred, y_true):
        return _binary_pair(y_pred, y_true, who=type(self).__name__)

    def forward(self, y_pred, y_true):
        y_pred, targets = checked = self._check(y_pred, y_true)
        self._keep(y_pred, y_true, checked)
        clipped = np.clip(y_pred, CLIP, 1 - CLIP)
        losses = -(targets * np.log(clipped) + (1 - targets) * np.log(1 - clipped))
        return np.mean(losses, axis=-1)

    def _gradient(self, y_pred, y_true):
        """``-(y_true / y_pred - (1 - y_true) / (1 - y_pred)) / n_outputs / n``, y_pred clipped."""
        n, outputs = y_pred.shape
        clipped = np.clip(y_pred, CLIP, 1 - CLIP)
        return -(y_true / clipped - (1 - y_true) / (1 - clipped)) / outputs / n


class MeanSquaredError(Loss):
    """Mean squared error, averaged over outputs for each sample.

    Shapes: y_pred and y_true (n, n_outputs); forward -> (n,). Introduced in chapter 7.
    """

    def _check(self, y_pred, y_true):
        return _regression_pair(y_pred, y_true, who=type(self).__name__)

    def forward(self, y_pred, y_true):
        y_pred, targets = checked = self._check(y_pred, y_true)
        self._keep(y_pred, y_true, checked)
        return np.mean((targets - y_pred) ** 2, axis=-1)

    def _gradient(self, y_pred, y_true):
        """``-2 (y_true - y_pred) / n_outputs / n``. Shape (n, n_outputs)."""
        n, outputs = y_pred.shape
        return -2 * (y_true - y_pred) / outputs / n


class MeanAbsoluteError(Loss):
    """Mean absolute error, averaged over outputs for each sample.

    Shapes: y_pred and y_true (n, n_outputs); forward -> (n,). Introduced in chapter 5 (an
    exercise); regression uses it in chapter 7.
    """

    def _check(self, y_pred, y_true):
        return _regression_pair(y_pred, y_true, who=type(self).__name__)

    def forward(self, y_pred, y_true):
        y_pred, targets = checked = self._check(y_pred, y_true)
        self._keep(y_pred, y_true, checked)
        return np.mean(np.abs(targets - y_pred), axis=-1)

    def _gradient(self, y_pred, y_true):
        """``-sign(y_true - y_pred) / n_outputs / n``. Shape (n, n_outputs)."""
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


def _binary_pair(y_pred, y_true, *, who):
    """``_regression_pair``, and both predictions and targets in [0, 1]."""
    y_pred, y_true = _regression_pair(y_pred, y_true, who=who)
    check_probabilities(y_pred, who=who)
    if y_true.size and (y_true.min() < 0 or y_true.max() > 1):
        raise ValueError(
            f"{who}: y_true holds values from {y_true.min():.4g} to {y_true.max():.4g}; "
            "expected targets in [0, 1] (0 or 1 for a yes/no label)."
        )
    return y_pred, y_true
