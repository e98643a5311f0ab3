"""nnlib.optimizers: each optimizer against steps worked out by hand, and the input it refuses."""
import math

import numpy as np
import pytest

from nnlib.layers import Dense
from nnlib.model import Sequential
from nnlib.optimizers import SGD, AdaGrad, Adam, RMSprop

# The reference steps below are written element by element in plain Python floats with ``math``,
# independently of nnlib's vectorised code, on a tiny array, for three or more steps with
# learning-rate decay.
START = [1.0, -2.0, 0.5]
# one gradient per step (3 steps), chosen by hand: signs change, one element is 0 once
GRADIENTS = [[0.2, -0.4, 1.0], [-0.1, 0.3, 0.0], [0.5, 0.5, -0.25], [0.05, -0.6, 0.2]]


class OneParameter:
    """A stand-in layer with one parameter whose gradient the test sets before each step."""

    def __init__(self, values):
        self.value = np.array(values, dtype=np.float64)
        self.gradient = None

    def parameters(self):
        return [(self.value, self.gradient)]


def run(optimizer, gradients=GRADIENTS, start=START):
    layer = OneParameter(start)
    rates = []
    for gradient in gradients:
        layer.gradient = np.array(gradient, dtype=np.float64)
        optimizer.step(layer)
        rates.append(optimizer.current_learning_rate)
    return layer.value, rates


def decayed(lr, decay, t):
    return lr * (1.0 / (1.0 + decay * t))


def test_decay_schedule_counts_iterations_from_zero():
    _, rates = run(SGD(learning_rate=0.5, decay=0.1))
    assert rates == [0.5, 0.5 / 1.1, 0.5 / 1.2, 0.5 / 1.3]
    # the first rate is not decayed, the fourth step uses decay * 3
    assert rates[3] == pytest.approx(0.38461538461538464, rel=1e-15)


def test_sgd_plain_by_hand():
    lr, decay = 0.5, 0.1
    got, _ = run(SGD(learning_rate=lr, decay=decay))
    expected = list(START)
    for t, gradient in enumerate(GRADIENTS):
        rate = decayed(lr, decay, t)
        expected = [w - rate * g for w, g in zip(expected, gradient)]
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=1e-15)
    # first element, written out: 1 - 0.5*0.2 - (0.5/1.1)*(-0.1) - (0.5/1.2)*0.5 - (0.5/1.3)*0.05
    assert got[0] == pytest.approx(1 - 0.1 + 0.5 / 11 - 0.25 / 1.2 - 0.025 / 1.3, rel=1e-14)


def test_sgd_momentum_by_hand():
    lr, decay, mu = 0.5, 0.1, 0.9
    got, _ = run(SGD(learning_rate=lr, decay=decay, momentum=mu))
    weights, velocity = list(START), [0.0] * 3
    for t, gradient in enumerate(GRADIENTS):
        rate = decayed(lr, decay, t)
        velocity = [mu * v - rate * g for v, g in zip(velocity, gradient)]
        weights = [w + v for w, v in zip(weights, velocity)]
    np.testing.assert_allclose(got, weights, rtol=1e-15, atol=1e-15)
    # two steps of the first element, fully by hand (no decay):
    # v1 = -0.5*0.2 = -0.1, w1 = 0.9; v2 = 0.9*(-0.1) - 0.5*(-0.1) = -0.04, w2 = 0.86
    got2, _ = run(SGD(learning_rate=0.5, momentum=0.9), gradients=GRADIENTS[:2])
    assert got2[0] == pytest.approx(0.86, rel=1e-15)


def test_sgd_nesterov_by_hand():
    lr, decay, mu = 0.5, 0.1, 0.9
    got, _ = run(SGD(learning_rate=lr, decay=decay, momentum=mu, nesterov=True))
    weights, velocity = list(START), [0.0] * 3
    for t, gradient in enumerate(GRADIENTS):
        rate = decayed(lr, decay, t)
        velocity = [mu * v - rate * g for v, g in zip(velocity, gradient)]
        weights = [w + mu * v - rate * g for w, v, g in zip(weights, velocity, gradient)]
    np.testing.assert_allclose(got, weights, rtol=1e-15, atol=1e-15)
    # first element, first step: v = -0.1, w = 1 + 0.9*(-0.1) - 0.5*0.2 = 0.81
    got1, _ = run(SGD(learning_rate=0.5, momentum=0.9, nesterov=True), gradients=GRADIENTS[:1])
    assert got1[0] == pytest.approx(0.81, rel=1e-15)


def test_nesterov_equals_sutskever_lookahead_form():
    """On f(w) = sum(a * w**2 / 2), nnlib's Nesterov iterates are the look-ahead points
    theta + mu * v of Sutskever et al.'s form, which evaluates the gradient there."""
    a = np.array([0.1, 2.0, 5.0])
    lr, decay, mu = 0.05, 0.01, 0.8
    layer = OneParameter(START)
    optimizer = SGD(learning_rate=lr, decay=decay, momentum=mu, nesterov=True)
    theta, v = np.array(START), np.zeros(3)
    for t in range(25):
        layer.gradient = a * layer.value
        optimizer.step(layer)
        rate = decayed(lr, decay, t)
        v = mu * v - rate * a * (theta + mu * v)      # gradient at the look-ahead point
        theta = theta + v
        np.testing.assert_allclose(layer.value, theta + mu * v, rtol=1e-12, atol=1e-14)


def test_adagrad_by_hand():
    lr, decay, eps = 0.5, 0.1, 1e-7
    got, _ = run(AdaGrad(learning_rate=lr, decay=decay))
    weights, cache = list(START), [0.0] * 3
    for t, gradient in enumerate(GRADIENTS):
        rate = decayed(lr, decay, t)
        cache = [c + g * g for c, g in zip(cache, gradient)]
        weights = [w - rate * g / (math.sqrt(c) + eps) for w, g, c in zip(weights, gradient, cache)]
    np.testing.assert_allclose(got, weights, rtol=1e-15, atol=1e-15)
    # first step moves every element with a nonzero gradient by (almost exactly) -lr * sign(g)
    got1, _ = run(AdaGrad(learning_rate=0.5), gradients=GRADIENTS[:1])
    np.testing.assert_allclose(got1, [0.5, -1.5, 0.0], atol=1e-6)


def test_rmsprop_by_hand():
    lr, decay, rho, eps = 0.02, 0.1, 0.9, 1e-7
    got, _ = run(RMSprop(learning_rate=lr, decay=decay, rho=rho))
    weights, cache = list(START), [0.0] * 3
    for t, gradient in enumerate(GRADIENTS):
        rate = decayed(lr, decay, t)
        cache = [rho * c + (1 - rho) * g * g for c, g in zip(cache, gradient)]
        weights = [w - rate * g / (math.sqrt(c) + eps) for w, g, c in zip(weights, gradient, cache)]
    np.testing.assert_allclose(got, weights, rtol=1e-15, atol=1e-15)
    # first step: cache = 0.1 * g**2, so the move is -lr * g / (sqrt(0.1) * |g|) = -lr * sign(g) / sqrt(0.1)
    got1, _ = run(RMSprop(learning_rate=0.02), gradients=GRADIENTS[:1])
    assert got1[0] == pytest.approx(1 - 0.02 / math.sqrt(0.1), rel=1e-6)


def test_rmsprop_defaults():
    optimizer = RMSprop()
    assert (optimizer.learning_rate, optimizer.rho, optimizer.epsilon) == (0.001, 0.9, 1e-7)


def test_adam_by_hand():
    lr, decay, b1, b2, eps = 0.05, 0.1, 0.9, 0.999, 1e-7
    got, _ = run(Adam(learning_rate=lr, decay=decay))
    weights, m, v = list(START), [0.0] * 3, [0.0] * 3
    for t, gradient in enumerate(GRADIENTS):
        rate = decayed(lr, decay, t)
        m = [b1 * mi + (1 - b1) * g for mi, g in zip(m, gradient)]
        v = [b2 * vi + (1 - b2) * g * g for vi, g in zip(v, gradient)]
        m_hat = [mi / (1 - b1 ** (t + 1)) for mi in m]
        v_hat = [vi / (1 - b2 ** (t + 1)) for vi in v]
        weights = [w - rate * mh / (math.sqrt(vh) + eps) for w, mh, vh in zip(weights, m_hat, v_hat)]
    np.testing.assert_allclose(got, weights, rtol=1e-15, atol=1e-15)
    # after bias correction the first step is -lr * g / (|g| + eps): about lr in every direction
    got1, _ = run(Adam(learning_rate=0.05), gradients=GRADIENTS[:1])
    np.testing.assert_allclose(got1, [0.95, -1.95, 0.45], atol=1e-6)


def test_adam_defaults():
    optimizer = Adam()
    assert (optimizer.learning_rate, optimizer.decay, optimizer.beta_1, optimizer.beta_2,
            optimizer.epsilon) == (0.001, 0.0, 0.9, 0.999, 1e-7)


@pytest.mark.parametrize("make", [
    lambda: SGD(0.1), lambda: SGD(0.1, momentum=0.5), lambda: AdaGrad(0.1),
    lambda: RMSprop(0.01), lambda: Adam(0.01),
])
def test_float32_parameters_stay_float32(make):
    """The book's runs are float32 throughout: python-float hyper-parameters keep them so."""
    layer = OneParameter(START)
    layer.value = layer.value.astype(np.float32)
    optimizer = make()
    for gradient in GRADIENTS:
        layer.gradient = np.array(gradient, dtype=np.float32)
        optimizer.step(layer)
    assert layer.value.dtype == np.float32
    for state in optimizer._states.values():
        assert all(array.dtype == np.float32 for array in state[1].values())


def test_adam_float32_matches_book_expression_order():
    """The same float32 operations in the book's order give bit-identical parameters."""
    rng = np.random.default_rng(3)
    value = rng.standard_normal((4, 3)).astype(np.float32)
    gradients = [rng.standard_normal((4, 3)).astype(np.float32) for _ in range(5)]
    layer = OneParameter(value)
    layer.value = value.copy()
    optimizer = Adam(learning_rate=0.05, decay=5e-7)
    reference = value.copy()
    m, v = np.zeros_like(value), np.zeros_like(value)
    for t, gradient in enumerate(gradients):
        layer.gradient = gradient
        optimizer.step(layer)
        rate = 0.05 * (1. / (1. + 5e-7 * t))
        m = 0.9 * m + (1 - 0.9) * gradient
        m_hat = m / (1 - 0.9 ** (t + 1))
        v = 0.999 * v + (1 - 0.999) * gradient**2
        v_hat = v / (1 - 0.999 ** (t + 1))
        reference += -rate * m_hat / (np.sqrt(v_hat) + 1e-7)
    np.testing.assert_array_equal(layer.value, reference)


def test_step_updates_every_parameter_of_a_model_in_place_and_keeps_state_per_parameter():
    rng = np.random.default_rng(0)
    model = Sequential([Dense(3, 4, rng=rng), Dense(4, 2, rng=rng)])
    arrays = [value for value, _ in model.parameters()]
    before = [value.copy() for value in arrays]
    model.forward(rng.standard_normal((5, 3)))
    model.backward(rng.standard_normal((5, 2)))
    optimizer = SGD(learning_rate=0.1, momentum=0.9)
    optimizer.step(model)
    for array, (value, gradient), old in zip(arrays, model.parameters(), before):
        assert value is array                                       # updated in place
        np.testing.assert_allclose(value, old - 0.1 * gradient)
    assert optimizer.iterations == 1
    assert len(optimizer._states) == 4
    # a list of layers works the same way
    optimizer.step(model.layers)
    assert optimizer.iterations == 2 and len(optimizer._states) == 4


def test_state_of_exposes_the_cache():
    layer = OneParameter(START)
    optimizer = AdaGrad(1.0)
    layer.gradient = np.array(GRADIENTS[0])
    optimizer.step(layer)
    np.testing.assert_allclose(optimizer.state_of(layer.value)["cache"], np.square(GRADIENTS[0]))


# ---- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [SGD, AdaGrad, RMSprop, Adam])
def test_step_before_backward_says_so(cls):
    model = Sequential([Dense(2, 3, rng=np.random.default_rng(0))])
    with pytest.raises(RuntimeError, match=r"call backward\(\) before step\(\)"):
        cls(0.1).step(model)


def test_step_before_backward():
    model = Sequential([Dense(2, 3, rng=np.random.default_rng(0))])
    model.forward(np.ones((4, 2)))
    with pytest.raises(RuntimeError, match=r"Adam.step: parameter 0 \(shape \(2, 3\)\) has no "
                                           r"gradient yet; call backward\(\) before step\(\)"):
        Adam().step(model)


def test_negative_learning_rate():
    with pytest.raises(ValueError, match=r"SGD: learning_rate must be a finite number in "
                                         r"\[0, inf\), got -0.5"):
        SGD(learning_rate=-0.5)


@pytest.mark.parametrize("cls", [SGD, AdaGrad, RMSprop, Adam])
@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
def test_bad_learning_rate(cls, bad):
    with pytest.raises(ValueError, match=rf"{cls.__name__}: learning_rate must be a finite number"):
        cls(learning_rate=bad)


@pytest.mark.parametrize("cls", [SGD, AdaGrad, RMSprop, Adam])
@pytest.mark.parametrize("bad", [-1e-3, float("nan"), float("inf")])
def test_bad_decay(cls, bad):
    with pytest.raises(ValueError, match=rf"{cls.__name__}: decay must be a finite number"):
        cls(learning_rate=0.1, decay=bad)


def test_learning_rate_must_be_a_number():
    with pytest.raises(TypeError, match="SGD: learning_rate must be a number"):
        SGD(learning_rate="0.1")


@pytest.mark.parametrize("make, message", [
    (lambda: SGD(0.1, momentum=1.0), "momentum"),
    (lambda: SGD(0.1, momentum=-0.5), "momentum"),
    (lambda: SGD(0.1, nesterov=True), "nesterov"),
    (lambda: RMSprop(rho=1.5), "rho"),
    (lambda: Adam(beta_1=1.0), "beta_1"),
    (lambda: Adam(beta_2=-0.1), "beta_2"),
    (lambda: Adam(epsilon=0.0), "epsilon"),
])
def test_bad_hyper_parameters(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_gradient_shape_mismatch():
    layer = OneParameter(START)
    layer.gradient = np.zeros((3, 1))
    with pytest.raises(ValueError, match=r"parameter 0 has shape \(3,\) but its gradient has shape \(3, 1\)"):
        Adam().step(layer)


def test_not_a_model():
    with pytest.raises(TypeError, match="expected a model, a layer or a list of layers"):
        SGD(0.1).step(42)
    with pytest.raises(TypeError, match="every item must be a layer"):
        SGD(0.1).step([np.zeros(3)])


def test_a_failed_check_changes_nothing():
    """Checks run before any update: a bad second parameter leaves the first untouched."""
    first, second = OneParameter(START), OneParameter(START)
    first.gradient = np.ones(3)
    optimizer = SGD(0.1)
    with pytest.raises(RuntimeError):
        optimizer.step([first, second])
    np.testing.assert_array_equal(first.value, START)
    assert optimizer.iterations == 0


@pytest.mark.parametrize("optimizer, expected", [
    (SGD(0.5, momentum=0.9, nesterov=True),
     "SGD(learning_rate=0.5, decay=0.0, momentum=0.9, nesterov=True)"),
    (AdaGrad(1.0, epsilon=1e-6), "AdaGrad(learning_rate=1.0, decay=0.0, epsilon=1e-06)"),
    (RMSprop(0.02, decay=1e-5, rho=0.999),
     "RMSprop(learning_rate=0.02, decay=1e-05, rho=0.999, epsilon=1e-07)"),
    (Adam(0.05, decay=5e-7),
     "Adam(learning_rate=0.05, decay=5e-07, beta_1=0.9, beta_2=0.999, epsilon=1e-07)"),
])
def test_repr_shows_every_hyper_parameter(optimizer, expected):
    assert repr(optimizer) == expected


@pytest.mark.parametrize("cls", [SGD, AdaGrad, RMSprop, Adam])
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_a_non_finite_gradient_is_refused_before_anything_changes(cls, bad):
    # one bad number in the last parameter's gradient: every parameter stays as it was
    rng = np.random.default_rng(0)
    model = Sequential([Dense(3, 4, rng=rng), Dense(4, 2, rng=rng)])
    model.forward(rng.standard_normal((5, 3)))
    model.backward(rng.standard_normal((5, 2)))
    model.layers[1].dbiases[0, 1] = bad
    before = model.snapshot()
    optimizer = cls(0.1)
    with pytest.raises(ValueError, match=rf"{cls.__name__}.step: the gradient of parameter 3 "
                                         r"\(shape \(1, 2\)\) contains 1 NaN or infinite value\(s\), "
                                         r"first at index \(0, 1\); expected finite numbers \(no "
                                         r"parameter was changed; "):
        optimizer.step(model)
    for value, kept in zip(model.snapshot(), before):
        np.testing.assert_array_equal(value, kept)
    assert optimizer.iterations == 0


@pytest.mark.parametrize("make, error, message", [
    (lambda: AdaGrad(epsilon=-1e-7), ValueError,
     r"AdaGrad: epsilon must be a finite number in \(0, inf\), got -1e-07"),
    (lambda: RMSprop(rho=float("nan")), ValueError, r"RMSprop: rho must be a finite number in \[0, 1\)"),
    (lambda: SGD(0.1, decay="1e-3"), TypeError, r"SGD: decay must be a number, got '1e-3'"),
    (lambda: Adam(learning_rate=None), TypeError, r"Adam: learning_rate must be a number, got None"),
    (lambda: SGD(0.1, momentum=True), TypeError, r"SGD: momentum must be a number, got True"),
], ids=["adagrad-eps", "rmsprop-rho-nan", "decay-str", "lr-none", "momentum-bool"])
def test_more_bad_hyper_parameters(make, error, message):
    with pytest.raises(error, match=message):
        make()
