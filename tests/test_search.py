"""nnlib.search: the searches that count loss evaluations (chapter 4).

Each search is compared with a plain reference loop written out here, on a tiny problem (a
2-2 softmax model on six points); the counts are checked against what each method must spend,
and every bad argument against its message.
"""
import math

import numpy as np
import pytest

from nnlib.activations import Softmax
from nnlib.gradcheck import numerical_gradient
from nnlib.layers import Dense
from nnlib.losses import CategoricalCrossentropy
from nnlib.model import Sequential
from nnlib.search import (CountedLoss, SearchResult, descend_to_target, hill_climbing,
                          numerical_gradients, random_search)

X = np.array([[0.0, 1.0], [0.5, 1.5], [1.0, 0.5], [1.0, -1.0], [-0.5, -1.0], [0.2, -0.3]])
Y = np.array([0, 0, 0, 1, 1, 1])
N_PARAMETERS = 2 * 2 + 2                      # Dense(2, 2): weights and biases


def tiny_model(seed=0):
    return Sequential([Dense(2, 2, rng=np.random.default_rng(seed)), Softmax()])


def counted(seed=0):
    return CountedLoss(tiny_model(seed), CategoricalCrossentropy(), X, Y)


def plain_loss(model):
    return CategoricalCrossentropy().calculate(model.forward(X), Y)


def backpropagation(loss):
    loss.model.backward(loss.loss.backward())
    return [gradient for _, gradient in loss.model.parameters()]


# --- plain references: the chapter's loops, with their own counters ----------------------------

def reference_random_search(model, rng, target, budget, scale=0.05):
    calls, best = 0, np.inf
    while calls < budget:
        for value, _ in model.parameters():
            value[...] = scale * rng.standard_normal(value.shape)
        calls += 1
        best = min(best, plain_loss(model))
        if best <= target:
            return calls, best
    return None, best


def reference_hill_climbing(model, rng, target, budget, step=0.05):
    calls, best, kept = 0, np.inf, model.snapshot()
    while calls < budget:
        for value, _ in model.parameters():
            value += step * rng.standard_normal(value.shape)
        calls += 1
        current = plain_loss(model)
        if current < best:
            best, kept = current, model.snapshot()
            if best <= target:
                return calls, best
        else:
            model.restore(kept)
    return None, best


def reference_descent(model, lr, target, budget, backprop):
    values = [value for value, _ in model.parameters()]
    loss_function = CategoricalCrossentropy()

    def f(_=None):
        return loss_function.calculate(model.forward(X), Y)

    cost_of_step = (0 if backprop else 2 * N_PARAMETERS) + 1
    calls, steps = 1, 0
    current = best = f()
    while current > target and calls + cost_of_step <= budget:
        if backprop:
            model.backward(loss_function.backward())
            gradients = [gradient for _, gradient in model.parameters()]
        else:
            gradients = [numerical_gradient(f, value) for value in values]
        for value, gradient in zip(values, gradients):
            value -= lr * gradient
        calls, steps = calls + cost_of_step, steps + 1
        current = f()
        best = min(best, current)
    return (calls if current <= target else None), best, steps


# --- CountedLoss -------------------------------------------------------------------------------

def test_counted_loss_is_the_models_loss_and_counts_every_call():
    loss = counted(3)
    assert loss.calls == 0
    expected = plain_loss(tiny_model(3))
    for call in range(1, 4):
        value = loss() if call % 2 else loss(np.zeros(3))       # the argument is ignored
        assert value == expected and isinstance(value, float)
        assert loss.calls == call


def test_numerical_gradients_match_backpropagation_and_cost_two_evaluations_per_element():
    loss = counted(1)
    loss()
    exact = backpropagation(loss)
    calls_before = loss.calls
    estimates = numerical_gradients(loss)
    assert loss.calls - calls_before == 2 * N_PARAMETERS
    assert [e.shape for e in estimates] == [(2, 2), (1, 2)]
    for estimate, gradient in zip(estimates, exact):
        np.testing.assert_allclose(estimate, gradient, rtol=1e-6, atol=1e-9)


# --- the searches against their references -----------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("target", [0.5, 0.05])             # reached, and not within the budget
def test_random_search_equals_the_reference(seed, target):
    result = random_search(counted(seed), target=target, budget=300, scale=1.0,
                           rng=np.random.default_rng(100 + seed))
    expected = reference_random_search(tiny_model(seed), np.random.default_rng(100 + seed),
                                       target, 300, scale=1.0)
    assert isinstance(result, SearchResult)
    assert result == (*expected, 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("target", [0.3, 0.01])
def test_hill_climbing_equals_the_reference_and_ends_at_its_best_point(seed, target):
    loss = counted(seed)
    result = hill_climbing(loss, target=target, budget=400, step=0.2,
                           rng=np.random.default_rng(100 + seed))
    reference_model = tiny_model(seed)
    expected = reference_hill_climbing(reference_model, np.random.default_rng(100 + seed),
                                       target, 400, step=0.2)
    assert result == (*expected, 0)
    for (ours, _), (theirs, _) in zip(loss.model.parameters(), reference_model.parameters()):
        np.testing.assert_array_equal(ours, theirs)
    assert plain_loss(loss.model) == result.lowest_loss


def test_hill_climbing_keeps_its_first_step_as_the_book_does():
    result = hill_climbing(counted(0), target=1e-9, budget=1, step=5.0,
                           rng=np.random.default_rng(0))
    model = tiny_model(0)
    start = plain_loss(model)
    reference = reference_hill_climbing(model, np.random.default_rng(0), 1e-9, 1, step=5.0)
    assert result == (None, reference[1], 0) and result.lowest_loss > start    # worse, but kept


@pytest.mark.parametrize("backprop", [False, True])
@pytest.mark.parametrize("lr", [0.5, 3.0])
def test_descend_to_target_equals_the_reference(backprop, lr):
    loss = counted(2)
    gradient, per_gradient = ((backpropagation, 0) if backprop
                              else (numerical_gradients, 2 * N_PARAMETERS))
    result = descend_to_target(loss, gradient, evaluations_per_gradient=per_gradient, lr=lr,
                               target=0.25, budget=3_000)
    assert result == reference_descent(tiny_model(2), lr, 0.25, 3_000, backprop)
    assert result.evaluations is not None
    assert result.evaluations == loss.calls == 1 + result.gradients * (per_gradient + 1)


def test_numerical_and_backpropagated_descents_take_the_same_steps():
    common = {"lr": 1.0, "target": 0.25, "budget": 10_000}
    numerical = descend_to_target(counted(0), numerical_gradients,
                                  evaluations_per_gradient=2 * N_PARAMETERS, **common)
    backprop = descend_to_target(counted(0), backpropagation, evaluations_per_gradient=0,
                                 **common)
    assert numerical.gradients == backprop.gradients > 0
    assert backprop.evaluations == 1 + backprop.gradients
    assert numerical.evaluations == 1 + numerical.gradients * (2 * N_PARAMETERS + 1)


def test_descent_reports_the_lowest_loss_it_saw_not_the_last():
    def uphill(loss):                                  # the gradient's opposite: every step climbs
        return [-gradient for gradient in backpropagation(loss)]

    loss = counted(0)
    start = plain_loss(tiny_model(0))
    result = descend_to_target(loss, uphill, evaluations_per_gradient=0, lr=0.5, target=1e-6,
                               budget=5)
    assert result == (None, start, 4)
    assert plain_loss(loss.model) > start


def test_the_default_rng_is_numpys_global_stream():
    np.random.seed(5)
    result = random_search(counted(0), target=0.3, budget=50, scale=1.0)
    np.random.seed(5)
    assert result == (*reference_random_search(tiny_model(0), np.random, 0.3, 50, scale=1.0), 0)


# --- the budget ----------------------------------------------------------------------------------

@pytest.mark.parametrize("search", [random_search, hill_climbing])
@pytest.mark.parametrize("budget", [1, 7, 250])
def test_a_search_that_misses_the_target_spends_exactly_its_budget(search, budget):
    loss = counted(0)
    result = search(loss, target=1e-6, budget=budget, rng=np.random.default_rng(0))
    assert result.evaluations is None and loss.calls == budget


@pytest.mark.parametrize("budget", [1, 12, 13, 14, 40, 200])
def test_descent_never_starts_a_step_it_cannot_pay_for(budget):
    loss = counted(0)
    result = descend_to_target(loss, numerical_gradients, evaluations_per_gradient=12, lr=0.1,
                               target=1e-6, budget=budget)
    cost_of_step = 2 * N_PARAMETERS + 1
    assert result.evaluations is None
    assert loss.calls <= budget and budget - loss.calls < cost_of_step
    assert loss.calls == 1 + result.gradients * cost_of_step
    assert result.gradients == (budget - 1) // cost_of_step


def test_descent_that_starts_at_the_target_takes_no_step():
    loss = counted(0)
    start = plain_loss(tiny_model(0))
    result = descend_to_target(loss, numerical_gradients, evaluations_per_gradient=12, lr=0.1,
                               target=start, budget=100)
    assert result == (1, start, 0) and loss.calls == 1


# --- bad input -----------------------------------------------------------------------------------

BAD_SHARED = [
    ({"target": 0}, ValueError, r"target must be a finite number in \(0, inf\), got 0"),
    ({"target": -0.2}, ValueError, "target must be a finite number"),
    ({"target": math.nan}, ValueError, "target must be a finite number .* got nan"),
    ({"target": math.inf}, ValueError, "target must be a finite number"),
    ({"target": "0.2"}, TypeError, "target must be a number, got '0.2'"),
    ({"budget": 0}, ValueError, "budget must be a whole number >= 1, got 0"),
    ({"budget": 2.5}, ValueError, "budget must be a whole number >= 1, got 2.5"),
    ({"budget": math.inf}, ValueError, "budget must be a whole number"),
    ({"budget": True}, ValueError, "budget must be a whole number"),
]


@pytest.mark.parametrize("changes, error, message", BAD_SHARED)
@pytest.mark.parametrize("search", [random_search, hill_climbing, "descent"])
def test_every_search_refuses_a_bad_target_or_budget(search, changes, error, message):
    arguments = {"target": 0.2, "budget": 100, **changes}
    if search == "descent":
        with pytest.raises(error, match=f"descend_to_target: {message}"):
            descend_to_target(counted(), numerical_gradients, evaluations_per_gradient=12,
                              lr=0.1, **arguments)
    else:
        with pytest.raises(error, match=f"{search.__name__}: {message}"):
            search(counted(), **arguments)


@pytest.mark.parametrize("search", [random_search, hill_climbing])
def test_searches_refuse_something_other_than_a_counted_loss(search):
    with pytest.raises(TypeError, match=f"{search.__name__}: loss must be a CountedLoss.*got "
                                        "function"):
        search(lambda _=None: 1.0, target=0.2, budget=10)


def test_searches_refuse_a_counted_loss_that_has_counted_already():
    loss = counted()
    loss()
    with pytest.raises(ValueError, match="hill_climbing: the CountedLoss has counted 1 "
                                         r"evaluation\(s\) already; expected a fresh one"):
        hill_climbing(loss, target=0.2, budget=10)


@pytest.mark.parametrize("scale", [0, -0.05, math.nan])
def test_random_search_refuses_a_bad_scale(scale):
    with pytest.raises(ValueError, match="random_search: scale must be a finite number"):
        random_search(counted(), target=0.2, budget=10, scale=scale)


@pytest.mark.parametrize("step", [0, -1.0, math.inf])
def test_hill_climbing_refuses_a_bad_step(step):
    with pytest.raises(ValueError, match="hill_climbing: step must be a finite number"):
        hill_climbing(counted(), target=0.2, budget=10, step=step)


def test_searches_refuse_an_rng_that_is_not_a_generator():
    with pytest.raises(TypeError, match="random_search: rng must be a NumPy Generator.*got int"):
        random_search(counted(), target=0.2, budget=10, rng=42)


@pytest.mark.parametrize("lr", [0, -0.5, math.inf, math.nan])
def test_descent_refuses_a_bad_learning_rate(lr):
    with pytest.raises(ValueError, match=r"descend_to_target: lr must be a finite number in "
                                         r"\(0, inf\)"):
        descend_to_target(counted(), numerical_gradients, evaluations_per_gradient=12, lr=lr,
                          target=0.2, budget=100)


@pytest.mark.parametrize("per_gradient", [-1, 1.5, None])
def test_descent_refuses_a_bad_evaluations_per_gradient(per_gradient):
    with pytest.raises(ValueError, match="evaluations_per_gradient must be a whole number >= 0"):
        descend_to_target(counted(), numerical_gradients, evaluations_per_gradient=per_gradient,
                          lr=0.1, target=0.2, budget=100)


def test_descent_refuses_a_gradient_that_is_not_a_function():
    with pytest.raises(TypeError, match="descend_to_target: gradient must be a function"):
        descend_to_target(counted(), [np.zeros((2, 2))], evaluations_per_gradient=0, lr=0.1,
                          target=0.2, budget=100)


@pytest.mark.parametrize("gradient, per_gradient", [(numerical_gradients, 0),
                                                    (numerical_gradients, 10),
                                                    (backpropagation, 12)])
def test_descent_refuses_a_gradient_whose_cost_was_misstated(gradient, per_gradient):
    with pytest.raises(ValueError, match="descend_to_target: gradient evaluated the loss "
                                         rf"\d+ time\(s\), but evaluations_per_gradient is "
                                         f"{per_gradient}"):
        descend_to_target(counted(), gradient, evaluations_per_gradient=per_gradient, lr=0.1,
                          target=0.01, budget=1_000)


@pytest.mark.parametrize("gradient, error, message", [
    (lambda loss: [np.zeros((2, 2))], ValueError,
     r"gradient returned 1 array\(s\) but the model has 2"),
    (lambda loss: [np.zeros((2, 2)), np.zeros(2)], ValueError,
     r"gradient 1 has shape \(2,\) but parameter 1 has shape \(1, 2\)"),
    (lambda loss: (g for g in [np.zeros((2, 2)), np.zeros((1, 2))]), TypeError,
     "gradient returned generator; expected a list of arrays"),
])
def test_descent_refuses_gradients_that_do_not_fit_the_parameters(gradient, error, message):
    with pytest.raises(error, match=f"descend_to_target: {message}"):
        descend_to_target(counted(), gradient, evaluations_per_gradient=0, lr=0.1,
                          target=0.01, budget=100)


class SquaredOutputs:
    """A loss written the chapters' way, without nnlib's checks: the mean squared output."""

    def calculate(self, y_pred, y_true):
        return np.mean(y_pred ** 2)


def test_descent_stops_with_an_error_when_the_loss_stops_being_finite():
    model = Sequential([Dense(2, 2, rng=np.random.default_rng(0))])
    loss = CountedLoss(model, SquaredOutputs(), X, Y)
    with (pytest.raises(FloatingPointError, match="descend_to_target: the loss is nan after "
                                                  r"step 1 \(lr 1e\+300\)"),
          np.errstate(over="ignore", invalid="ignore")):
        descend_to_target(loss, lambda loss: [np.full((2, 2), 1e300), np.zeros((1, 2))],
                          evaluations_per_gradient=0, lr=1e300, target=1e-12, budget=100)


@pytest.mark.parametrize("model, loss, X_given, y_given, error, message", [
    ("a model", CategoricalCrossentropy(), X, Y, TypeError,
     "model must be a Sequential .* got str, which has no forward"),
    (Dense(2, 2), CategoricalCrossentropy(), X, Y, TypeError,
     "model must be a Sequential .* got Dense, which has no snapshot"),
    (tiny_model(), np.mean, X, Y, TypeError, "loss must be a loss object with calculate"),
    (tiny_model(), CategoricalCrossentropy(), X, Y[:4], ValueError,
     "X has 6 samples but y has 4"),
    (tiny_model(), CategoricalCrossentropy(), X[0], Y, ValueError, "X must be a 2-D array"),
    (tiny_model(), CategoricalCrossentropy(), X[:0], Y[:0], ValueError, "X has 0 samples"),
    (tiny_model(), CategoricalCrossentropy(), np.where(X > 1, np.nan, X), Y, ValueError,
     "X contains 1 NaN"),
    (tiny_model(), CategoricalCrossentropy(), X.astype(str), Y, TypeError,
     "X must hold numbers"),
])
def test_counted_loss_refuses_what_it_cannot_count(model, loss, X_given, y_given, error,
                                                   message):
    with pytest.raises(error, match=f"CountedLoss: {message}"):
        CountedLoss(model, loss, X_given, y_given)


def test_numerical_gradients_needs_a_counted_loss():
    with pytest.raises(TypeError, match="numerical_gradients: loss must be a CountedLoss"):
        numerical_gradients(lambda _=None: 0.0)
