"""Searches that count loss evaluations: random search, hill climbing, gradient descent.

Chapter 4 compares three ways of learning by the one thing they all do, evaluating the loss.
``CountedLoss`` is a model's loss on fixed data as a function that counts its own calls; each
search spends at most ``budget`` of them trying to bring the loss to ``target`` or below, and
returns a ``SearchResult``: the evaluations it needed (None if the target was not reached), the
lowest loss it saw, and how many gradients it computed. Nothing is counted by formula.

- ``random_search`` draws every parameter afresh, ``scale * standard_normal`` (chapter 2);
- ``hill_climbing`` adds ``step * standard_normal`` to every parameter and keeps the change
  only if the loss went down (chapter 3);
- ``descend_to_target`` takes gradient steps, its gradient from a function the caller passes:
  ``numerical_gradients`` (chapter 4), or a backward pass (chapter 5).

The random draws come from ``rng`` (default: NumPy's global ``np.random``), parameter by
parameter in ``model.parameters()`` order. Introduced in chapter 4.
"""
import math
from typing import NamedTuple

import numpy as np

from nnlib._validation import (NAN_HINT, as_float_array, check_not_empty, check_number,
                               check_samples_match, check_whole, random_source)
from nnlib.gradcheck import numerical_gradient


class SearchResult(NamedTuple):
    """What a search returns. Introduced in chapter 4.

    evaluations : the loss evaluations made when the loss first was at or below the target,
        or None if it never was within the budget.
    lowest_loss : the lowest loss the search saw (a float).
    gradients : how many gradients it computed, one per step of gradient descent (0 for random
        search and hill climbing).
    """

    evaluations: int | None
    lowest_loss: float
    gradients: int


class CountedLoss:
    """The mean loss of ``model`` on ``(X, y)`` as a function that counts its calls.

    ``counted()`` runs ``model.forward(X)`` and ``loss.calculate(outputs, y)``, adds one to
    ``counted.calls`` and returns the loss as a float. It takes an optional argument and ignores
    it, so that ``numerical_gradient(counted, value)`` can pass the nudged parameter array
    (which *is* the model's, so the model sees the nudge). ``model`` is a ``Sequential``
    (anything with ``forward``, ``parameters``, ``snapshot`` and ``restore``); ``loss`` anything
    with ``calculate``. Shapes: X (n, n_features), y as the loss expects (n samples).
    Introduced in chapter 4.
    """

    def __init__(self, model, loss, X, y):
        who = "CountedLoss"
        for method in ("forward", "parameters", "snapshot", "restore"):
            if not callable(getattr(model, method, None)):
                raise TypeError(
                    f"{who}: model must be a Sequential (with forward, parameters, snapshot and "
                    f"restore); got {type(model).__name__}, which has no {method}()."
                )
        if not callable(getattr(loss, "calculate", None)):
            raise TypeError(
                f"{who}: loss must be a loss object with calculate(y_pred, y_true), such as "
                f"CategoricalCrossentropy(); got {type(loss).__name__}."
            )
        X = as_float_array(X, who=who, name="X", ndim=2)
        check_not_empty(X, who=who, name="X")
        check_samples_match(X, np.asarray(y), who=who, name_a="X", name_b="y")
        self.model, self.loss, self.X, self.y = model, loss, X, y
        self.calls = 0

    def __call__(self, _=None):
        self.calls += 1
        return float(self.loss.calculate(self.model.forward(self.X), self.y))


def random_search(loss, *, target, budget, scale=0.05, rng=None):
    """Draw every parameter afresh as ``scale * standard_normal`` until the loss reaches
    ``target`` or ``budget`` evaluations are spent.

    ``loss`` is a fresh ``CountedLoss``; its model keeps the last draw. Returns a
    ``SearchResult`` (gradients 0). Introduced in chapter 4.
    """
    who = "random_search"
    target, budget, rng = _check_search(loss, target, budget, rng, who=who)
    scale = check_number(scale, who=who, name="scale", low_open=True)
    values, best = [value for value, _ in loss.model.parameters()], math.inf
    while loss.calls < budget:
        for value in values:
            value[...] = scale * rng.standard_normal(value.shape)     # a fresh random model
        best = min(best, loss())
        if best <= target:
            return SearchResult(loss.calls, best, 0)
    return SearchResult(None, best, 0)


def hill_climbing(loss, *, target, budget, step=0.05, rng=None):
    """Add ``step * standard_normal`` to every parameter; keep the change if the loss went
    down, else go back. Stop when the loss reaches ``target`` or ``budget`` evaluations are spent.

    The first step is always kept (the lowest loss starts at infinity), as in the book.
    ``loss`` is a fresh ``CountedLoss``; its model ends at the best point found. Returns a
    ``SearchResult`` (gradients 0). Introduced in chapter 4.
    """
    who = "hill_climbing"
    target, budget, rng = _check_search(loss, target, budget, rng, who=who)
    step = check_number(step, who=who, name="step", low_open=True)
    model = loss.model
    values = [value for value, _ in model.parameters()]
    best, kept = math.inf, model.snapshot()
    while loss.calls < budget:
        for value in values:
            value += step * rng.standard_normal(value.shape)            # a small random step
        current = loss()
        if current < best:
            best, kept = current, model.snapshot()
            if best <= target:
                return SearchResult(loss.calls, best, 0)
        else:
            model.restore(kept)
    return SearchResult(None, best, 0)


def numerical_gradients(loss):
    """The central-difference gradient of ``loss`` w.r.t. every parameter of its model.

    Costs two evaluations per parameter element (``2 * 21 = 42`` for the 2-3-3 model), each
    counted by ``loss``. Shapes: a list of arrays shaped like ``loss.model.parameters()``'s
    values (float64). Introduced in chapter 4.
    """
    if not isinstance(loss, CountedLoss):
        raise TypeError(f"numerical_gradients: loss must be a CountedLoss, got "
                        f"{type(loss).__name__}.")
    return [numerical_gradient(loss, value) for value, _ in loss.model.parameters()]


def descend_to_target(loss, gradient, *, evaluations_per_gradient, lr, target, budget):
    """Gradient descent, ``value -= lr * gradient``, until the loss reaches ``target`` or the
    next step would spend more than ``budget`` evaluations.

    ``gradient(loss)`` returns the gradient of the loss just evaluated w.r.t. every parameter
    of ``loss.model`` (a list like ``numerical_gradients``'); it must evaluate ``loss`` exactly
    ``evaluations_per_gradient`` times (``2 * n_parameters`` for ``numerical_gradients``, 0 for
    a backward pass), which is checked. A step costs those evaluations plus one for the new
    loss; the starting loss costs one more. ``loss`` is a fresh ``CountedLoss``. Returns a
    ``SearchResult`` whose ``gradients`` is the number of steps taken. Introduced in chapter 4.
    """
    who = "descend_to_target"
    target, budget, _ = _check_search(loss, target, budget, None, who=who)
    if not callable(gradient):
        raise TypeError(f"{who}: gradient must be a function gradient(loss) -> list of arrays, "
                        f"such as numerical_gradients; got {type(gradient).__name__}.")
    evaluations_per_gradient = check_whole(evaluations_per_gradient, who=who,
                                           name="evaluations_per_gradient", minimum=0)
    lr = check_number(lr, who=who, name="lr", low_open=True)
    values = [value for value, _ in loss.model.parameters()]
    cost_of_step = evaluations_per_gradient + 1
    current = best = loss()
    steps = 0
    while current > target and loss.calls + cost_of_step <= budget:
        calls_before = loss.calls
        gradients = gradient(loss)
        _check_gradients(gradients, values, loss.calls - calls_before, evaluations_per_gradient)
        for value, value_gradient in zip(values, gradients):
            value -= lr * value_gradient
        steps += 1
        current = loss()
        if not math.isfinite(current):
            raise FloatingPointError(
                f"{who}: the loss is {current} after step {steps} (lr {lr:g}); expected a finite "
                f"loss ({NAN_HINT})."
            )
        best = min(best, current)
    return SearchResult(loss.calls if current <= target else None, best, steps)


def _check_search(loss, target, budget, rng, *, who):
    """The arguments every search shares, checked: ``(target, budget, rng)``, the rng
    defaulting to NumPy's global ``np.random``."""
    if not isinstance(loss, CountedLoss):
        raise TypeError(
            f"{who}: loss must be a CountedLoss(model, loss, X, y), which counts its "
            f"evaluations; got {type(loss).__name__}."
        )
    if loss.calls != 0:
        raise ValueError(
            f"{who}: the CountedLoss has counted {loss.calls} evaluation(s) already; expected a "
            "fresh one (calls 0), so that the count and the budget are the search's own."
        )
    target = check_number(target, who=who, name="target", low_open=True)
    budget = check_whole(budget, who=who, name="budget", minimum=1)
    return target, budget, random_source(rng, who=who, draws="standard_normal")


def _check_gradients(gradients, values, evaluations, evaluations_per_gradient):
    """Raise unless computing ``gradients`` took exactly ``evaluations_per_gradient`` loss
    evaluations and it is a list holding one array per parameter, shaped like it."""
    who = "descend_to_target"
    if evaluations != evaluations_per_gradient:
        raise ValueError(
            f"{who}: gradient evaluated the loss {evaluations} time(s), but "
            f"evaluations_per_gradient is {evaluations_per_gradient}; expected them to agree "
            "(2 per parameter element for numerical_gradients, 0 for a backward pass), so "
            "that the budget counts every evaluation."
        )
    if not isinstance(gradients, (list, tuple)):
        raise TypeError(f"{who}: gradient returned {type(gradients).__name__}; expected a list "
                        "of arrays, one per parameter of the model.")
    if len(gradients) != len(values):
        raise ValueError(f"{who}: gradient returned {len(gradients)} array(s) but the model has "
                         f"{len(values)} parameters; expected one gradient per parameter.")
    for index, (value_gradient, value) in enumerate(zip(gradients, values)):
        if np.shape(value_gradient) != value.shape:
            raise ValueError(
                f"{who}: gradient {index} has shape {np.shape(value_gradient)} but parameter "
                f"{index} has shape {value.shape}; expected them equal."
            )
