"""Numerical gradients and gradient checking.

``numerical_gradient`` estimates a gradient by central differences (chapter 4);
``relative_error``, ``check_layer`` and ``check_loss`` compare it with a backward pass (chapter 5).
"""
import numpy as np

from nnlib._validation import check_number


def numerical_gradient(f, x, h=1e-4):
    """Central-difference gradient of the scalar function ``f`` at ``x``.

    For each element ``x[i]``: ``(f(x with x[i]+h) - f(x with x[i]-h)) / (2h)``. ``x`` is
    changed in place while ``f`` is evaluated (so ``f`` may read it through another reference,
    such as a layer's weights) and every element is restored exactly afterwards.
    Shapes: x any shape, float64 -> gradient of the same shape, float64.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"numerical_gradient: x must be a NumPy array, got {type(x).__name__}.")
    if x.dtype != np.float64:
        hint = (" An integer array cannot hold x + h: each nudged value is truncated to a whole "
                "number (3 + 1e-4 to 3, 3 - 1e-4 to 2), so f is evaluated one whole unit apart "
                "(or twice at the same point, at 0) while the difference is still divided by "
                "2h: the gradient comes out thousands of times too large, or 0, without an error."
                if x.dtype.kind in "iub" else
                " In float32, x + h loses most of h's digits and the estimate is poor.")
        raise TypeError(
            f"numerical_gradient: x has dtype {x.dtype}; expected float64.{hint} "
            "Convert first, e.g. x = x.astype(np.float64)."
        )
    check_number(h, who="numerical_gradient", name="h", low_open=True)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        f_plus = _scalar(f(x))
        x[index] = original - h
        f_minus = _scalar(f(x))
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def _scalar(value):
    """``value`` unchanged if it is one number, else a clear error (f must return a scalar)."""
    if np.ndim(value) != 0:
        raise ValueError(
            f"numerical_gradient: f returned an array of shape {np.shape(value)}; expected one "
            "number (a scalar loss), e.g. the mean or sum of what it computes."
        )
    return value


def relative_error(a, b):
    """``||a - b|| / (||a|| + ||b||)``, 0 when both are zero. Shapes: a and b alike -> float."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error: a has shape {a.shape} but b has shape {b.shape}.")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def check_layer(layer, inputs, *, rng=None, h=1e-6, training=False):
    """Compare a layer's backward pass with numerical gradients, in float64.

    The scalar checked is ``sum(forward(inputs) * g) + layer.penalty()`` for a fixed random
    ``g``, whose gradient w.r.t. the outputs is ``g``; the penalty term (0 without
    regularisation) is there because ``backward`` adds the penalty's gradient to the parameter
    gradients. Returns ``{"inputs": err, "weights": err, ...}`` relative errors.
    With ``training=True`` the forward passes run in training mode; a layer that draws random
    numbers then (Dropout) must draw the same ones on every call, e.g. from a generator that
    replays one seed. Shapes: inputs (n, k) float64; the layer's parameters must be float64 too.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    inputs = np.array(inputs, dtype=np.float64)
    g = rng.standard_normal(layer.forward(inputs, training=training).shape)

    def scalar(_):
        return np.sum(layer.forward(inputs, training=training) * g) + layer.penalty()

    layer.forward(inputs, training=training)
    errors = {"inputs": relative_error(layer.backward(g), numerical_gradient(scalar, inputs, h))}
    analytic = [grad.copy() for _, grad in layer.parameters()]
    for name, (value, _), grad in zip(layer.parameter_names, layer.parameters(), analytic):
        errors[name] = relative_error(grad, numerical_gradient(scalar, value, h))
    return errors


def check_loss(loss, y_pred, y_true, *, h=1e-6):
    """Compare ``loss.backward`` with the numerical gradient of ``loss.calculate``.

    ``backward`` gets the loss's ``predictions`` (the probabilities, for
    ``SoftmaxCrossentropy``); the gradient is w.r.t. ``y_pred`` for every loss.
    Shapes: y_pred (n, k) float64, y_true as the loss expects. Returns the relative error.
    """
    y_pred = np.array(y_pred, dtype=np.float64)
    loss.calculate(y_pred, y_true)
    analytic = loss.backward(loss.predictions, y_true)
    numeric = numerical_gradient(lambda p: loss.calculate(p, y_true), y_pred, h)
    return relative_error(analytic, numeric)
