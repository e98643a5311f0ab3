"""L1 and L2 penalties on a layer's weights and biases: their loss terms and gradients.

A Dense layer holds its own coefficients (``weight_l1``, ``weight_l2``, ``bias_l1``,
``bias_l2``); its ``backward`` adds ``penalty_gradient`` to the data gradient.
Introduced in chapter 5.
"""
import numpy as np


def penalty(values, l1=0.0, l2=0.0):
    """``l1 * sum(|values|) + l2 * sum(values ** 2)``. Shapes: any array -> scalar."""
    total = 0.0
    if l1:
        total += l1 * np.sum(np.abs(values))
    if l2:
        total += l2 * np.sum(values * values)
    return total


def penalty_gradient(values, l1=0.0, l2=0.0):
    """Gradient of ``penalty`` w.r.t. ``values``: ``l1 * sign(values) + 2 * l2 * values``.

    At exactly 0, where |x| has no derivative, the L1 part uses +1 as the book does, so that
    book-faithful runs keep its numbers. Shapes: same as ``values``.
    """
    gradient = np.zeros_like(values)
    if l1:
        gradient += l1 * np.where(values < 0, -1, 1)
    if l2:
        gradient += 2 * l2 * values
    return gradient


def regularization_loss(layers):
    """Sum of ``layer.penalty()`` over ``layers`` (layers without parameters add 0)."""
    return sum(layer.penalty() for layer in layers)
