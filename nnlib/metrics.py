"""Metrics that are easy to read but not used for learning: accuracy, regression accuracy.

Introduced in chapter 1 (``accuracy``); ``regression_accuracy`` in chapter 7.
"""
import numpy as np

from nnlib._validation import as_float_array, check_number, class_indices


def accuracy(y_pred, y_true):
    """Fraction of samples whose predicted class (argmax of a row) is the true class.

    Shapes: y_pred (n, n_classes) scores or probabilities; y_true class indices (n,) or
    one-hot (n, n_classes). Returns a float in [0, 1].
    """
    y_pred = as_float_array(y_pred, who="accuracy", name="y_pred", ndim=2)
    labels = class_indices(y_true, y_pred, who="accuracy")
    predictions = np.argmax(y_pred, axis=1)
    return np.mean(predictions == labels)


def regression_accuracy(y_pred, y_true, precision=None):
    """Fraction of predictions within ``precision`` of the target (default ``std(y_true) / 250``).

    Shapes: y_pred and y_true (n, n_outputs). Returns a float in [0, 1].
    """
    y_pred = as_float_array(y_pred, who="regression_accuracy", name="y_pred")
    y_true = as_float_array(y_true, who="regression_accuracy", name="y_true")
    if y_pred.shape != y_true.shape:
        raise ValueError(
            f"regression_accuracy: y_pred has shape {y_pred.shape} but y_true has shape "
            f"{y_true.shape}; expected the same shape."
        )
    if precision is None:
        precision = np.std(y_true) / 250
    else:
        check_number(precision, who="regression_accuracy", name="precision", low_open=True)
    return np.mean(np.absolute(y_pred - y_true) < precision)
