"""nnlib.gradcheck: numerical_gradient, and gradient checks of every layer, loss and regulariser."""
import numpy as np
import pytest

from nnlib.activations import Linear, ReLU, Sigmoid, Softmax
from nnlib.gradcheck import check_layer, check_loss, numerical_gradient, relative_error
from nnlib.initializers import glorot_uniform
from nnlib.layers import Dense, Dropout
from nnlib.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SoftmaxCrossentropy,
)
from nnlib.model import Sequential
from nnlib.regularizers import penalty, penalty_gradient, regularization_loss

# numerical_gradient is checked first against functions whose derivatives are known. Then each
# backward pass in nnlib is compared with central differences on random shapes and values (in
# float64), and a deliberately wrong backward must fail the same check.
TOLERANCE = 1e-6          # float64 central differences with h = 1e-6 land near 1e-9
SEEDS = range(4)          # four random shapes per check


def random_shape(seed):
    rng = np.random.default_rng(seed)
    return rng, int(rng.integers(1, 7)), int(rng.integers(1, 6)), int(rng.integers(1, 6))


def assert_all_small(errors):
    assert all(error < TOLERANCE for error in errors.values()), errors


class ReplayedDraws:
    """A random source that returns the same draws on every call: a fixed dropout mask."""

    def __init__(self, seed):
        self.seed = seed

    def binomial(self, n, p, size):
        return np.random.default_rng(self.seed).binomial(n, p, size=size)


# ---- numerical_gradient on functions with known derivatives ----------------------------------

M = np.array([[2.0, -1.0], [0.5, 3.0]])          # not symmetric: the gradient is x (M + M^T)
CASES = [
    ("bowl at (3, 4)", lambda x: x[0] ** 2 + x[1] ** 2, lambda x: 2 * x, np.array([3.0, 4.0])),
    ("1-D cubic", lambda x: np.sum(x ** 3 - 2 * x), lambda x: 3 * x ** 2 - 2,
     np.random.default_rng(6).standard_normal(7)),
    ("2-D sin", lambda x: np.sum(np.sin(x)), np.cos, np.random.default_rng(7).standard_normal((3, 4))),
    ("2-D quadratic form", lambda x: np.sum((x @ M) * x), lambda x: x @ (M + M.T),
     np.random.default_rng(8).standard_normal((3, 2))),
    ("3-D exp-weighted", lambda x: np.sum(np.exp(0.5 * x) * np.arange(24).reshape(2, 3, 4)),
     lambda x: 0.5 * np.exp(0.5 * x) * np.arange(24).reshape(2, 3, 4),
     np.random.default_rng(9).standard_normal((2, 3, 4))),
]


@pytest.mark.parametrize("name, f, exact, point", CASES,
                         ids=[c[0] for c in CASES])
def test_numerical_gradient_matches_known_derivatives(name, f, exact, point):
    point = point.copy()
    np.testing.assert_allclose(numerical_gradient(f, point), exact(point), rtol=1e-6, atol=1e-7)


def test_numerical_gradient_of_the_bowl_at_the_books_points():
    bowl = CASES[0][1]
    for point, expected in [([3.0, 4.0], [6.0, 8.0]), ([0.0, 2.0], [0.0, 4.0]), ([3.0, 0.0], [6.0, 0.0])]:
        np.testing.assert_allclose(numerical_gradient(bowl, np.array(point)), expected, atol=1e-9)


@pytest.mark.parametrize("name, f, exact, point", CASES, ids=[c[0] for c in CASES])
def test_numerical_gradient_leaves_its_input_bit_for_bit_unchanged(name, f, exact, point):
    point = point.copy()
    before = point.copy()
    gradient = numerical_gradient(f, point)
    assert gradient.shape == point.shape and gradient.dtype == np.float64
    assert np.array_equal(point, before) and point.tobytes() == before.tobytes()


def test_numerical_gradient_sees_parameters_through_the_model():
    rng = np.random.default_rng(0)
    model = Sequential([Dense(2, 3, rng=rng), ReLU(), Dense(3, 3, rng=rng), Softmax()])
    inputs = np.random.default_rng(10).standard_normal((4, 2))
    weights = model.layers[2].weights
    gradient = numerical_gradient(lambda _: float(model.forward(inputs)[:, 0].sum()), weights)
    assert gradient.shape == weights.shape and np.any(gradient != 0)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
def test_numerical_gradient_refuses_integer_arrays(dtype):
    with pytest.raises(TypeError, match=f"x has dtype {np.dtype(dtype)}; expected float64.*integer"):
        numerical_gradient(lambda x: float(np.sum(x)), np.array([3, 4]).astype(dtype))


def test_numerical_gradient_refuses_float32_and_non_arrays():
    with pytest.raises(TypeError, match="float32; expected float64"):
        numerical_gradient(lambda x: float(np.sum(x)), np.array([3.0, 4.0], dtype=np.float32))
    with pytest.raises(TypeError, match="must be a NumPy array, got list"):
        numerical_gradient(lambda x: float(np.sum(x)), [3.0, 4.0])


# ---- layers and activations ------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_dense(seed):
    rng, n, n_in, n_out = random_shape(seed)
    layer = Dense(n_in, n_out, rng=rng)
    layer.biases[...] = rng.standard_normal(layer.biases.shape)     # nonzero biases as well
    errors = check_layer(layer, rng.standard_normal((n, n_in)))
    assert set(errors) == {"inputs", "weights", "biases"}
    assert_all_small(errors)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("coefficients", [
    {"weight_l1": 0.3}, {"weight_l2": 0.2}, {"bias_l1": 0.4}, {"bias_l2": 0.5},
    {"weight_l1": 0.1, "weight_l2": 0.2, "bias_l1": 0.3, "bias_l2": 0.4},
])
def test_dense_with_regularisation(seed, coefficients):
    rng, n, n_in, n_out = random_shape(seed)
    layer = Dense(n_in, n_out, rng=rng, **coefficients)
    layer.weights[...] = rng.standard_normal(layer.weights.shape)   # away from L1's kink at 0
    layer.biases[...] = rng.standard_normal(layer.biases.shape)
    assert layer.penalty() > 0
    assert_all_small(check_layer(layer, rng.standard_normal((n, n_in))))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("make", [ReLU, Sigmoid, Softmax, Linear], ids=lambda c: c.__name__)
def test_activation(seed, make):
    rng, n, k, _ = random_shape(seed)
    k = max(k, 2) if make is Softmax else k
    inputs = 2 * rng.standard_normal((n, k))
    inputs[np.abs(inputs) < 1e-3] = 0.5          # ReLU has no derivative at 0: stay clear of it
    errors = check_layer(make(), inputs)
    assert set(errors) == {"inputs"}
    assert_all_small(errors)


@pytest.mark.parametrize("seed", SEEDS)
def test_dropout_in_training_with_a_fixed_mask(seed):
    rng, n, k, _ = random_shape(seed)
    layer = Dropout(0.4, rng=ReplayedDraws(seed))
    inputs = rng.standard_normal((n, k))
    assert_all_small(check_layer(layer, inputs, training=True))
    # the mask really is in use: scaled by 1 / (1 - rate) where kept, 0 where dropped
    assert set(np.unique(layer.mask)) <= {0.0, 1 / 0.6}


@pytest.mark.parametrize("seed", SEEDS)
def test_a_whole_model(seed):
    rng, n, n_in, hidden = random_shape(seed)
    model = Sequential([Dense(n_in, hidden + 2, rng=rng, weight_l2=0.01), Sigmoid(),
                        Dense(hidden + 2, 3, rng=rng, bias_l1=0.01)])
    for value, _ in model.parameters():
        value[...] = rng.standard_normal(value.shape)
    X, y = rng.standard_normal((n, n_in)), rng.integers(0, 3, n)
    loss = SoftmaxCrossentropy()

    def total_loss(_):
        return loss.calculate(model.forward(X), y) + regularization_loss(model.layers)

    total_loss(None)
    model.backward(loss.backward(loss.output, y))
    analytic = [grad.copy() for _, grad in model.parameters()]
    for (value, _), grad in zip(model.parameters(), analytic):
        assert relative_error(grad, numerical_gradient(total_loss, value, 1e-6)) < TOLERANCE


def test_whole_regression_network_gradient_check():
    rng = np.random.default_rng(5)
    model = Sequential([Dense(1, 8, init=glorot_uniform, rng=rng), ReLU(),
                        Dense(8, 1, init=glorot_uniform, rng=rng), Linear()])
    X = rng.uniform(0.05, 1, (6, 1))
    y = np.sin(2 * np.pi * X)
    loss = MeanSquaredError()

    model.backward(loss.backward(model.forward(X), y))
    for layer in (model.layers[0], model.layers[2]):
        for value, gradient in layer.parameters():
            numeric = numerical_gradient(lambda _: loss.calculate(model.forward(X), y), value, 1e-6)
            assert relative_error(gradient, numeric) < 1e-6


# ---- losses ----------------------------------------------------------------------------------

def _probabilities(rng, n, k):
    scores = rng.standard_normal((n, k))
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("seed", SEEDS)
def test_categorical_crossentropy(seed):
    rng, n, k, _ = random_shape(seed)
    k = max(k, 2)
    y_pred, labels = _probabilities(rng, n, k), rng.integers(0, k, n)
    assert check_loss(CategoricalCrossentropy(), y_pred, labels) < TOLERANCE
    assert check_loss(CategoricalCrossentropy(), y_pred, np.eye(k)[labels]) < TOLERANCE


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_crossentropy_gradient_is_wrt_the_logits(seed):
    rng, n, k, _ = random_shape(seed)
    k = max(k, 2)
    logits, labels = 3 * rng.standard_normal((n, k)), rng.integers(0, k, n)
    assert check_loss(SoftmaxCrossentropy(), logits, labels) < TOLERANCE
    assert check_loss(SoftmaxCrossentropy(), logits, np.eye(k)[labels]) < TOLERANCE


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_crossentropy_equals_softmax_then_crossentropy(seed):
    rng, n, k, _ = random_shape(seed)
    k = max(k, 2)
    logits, labels = rng.standard_normal((n, k)), rng.integers(0, k, n)
    combined = SoftmaxCrossentropy()
    combined.forward(logits, labels)
    softmax, loss = Softmax(), CategoricalCrossentropy()
    chained = softmax.backward(loss.backward(softmax.forward(logits), labels))
    np.testing.assert_allclose(combined.backward(combined.output, labels), chained, atol=1e-15)


@pytest.mark.parametrize("seed", SEEDS)
def test_binary_crossentropy(seed):
    rng, n, k, _ = random_shape(seed)
    y_pred = 1 / (1 + np.exp(-rng.standard_normal((n, k))))
    assert check_loss(BinaryCrossentropy(), y_pred, rng.integers(0, 2, (n, k))) < TOLERANCE


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("make", [MeanSquaredError, MeanAbsoluteError], ids=lambda c: c.__name__)
def test_regression_losses(seed, make):
    rng, n, k, _ = random_shape(seed)
    assert check_loss(make(), rng.standard_normal((n, k)), rng.standard_normal((n, k))) < TOLERANCE


# ---- regularisers ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("l1, l2", [(0.3, 0.0), (0.0, 0.7), (0.2, 0.05)])
def test_penalty_gradient(seed, l1, l2):
    rng, a, b, _ = random_shape(seed)
    values = rng.standard_normal((a, b))
    numeric = numerical_gradient(lambda v: penalty(v, l1, l2), values, 1e-6)
    assert relative_error(penalty_gradient(values, l1, l2), numeric) < TOLERANCE


# ---- the check catches a wrong backward ------------------------------------------------------

class TransposedWeightGradient(Dense):
    """A Dense layer with a classic bug: dweights from ``doutputs.T @ inputs`` (the transpose),
    reshaped to fit the weights so that nothing fails loudly."""

    def backward(self, doutputs):
        dinputs = super().backward(doutputs)
        self.dweights = np.dot(doutputs.T, self.inputs).reshape(self.weights.shape)
        return dinputs


class HalvedWeightGradient(Dense):
    """A Dense layer that forgets a factor: dweights scaled by 1/2."""

    def backward(self, doutputs):
        dinputs = super().backward(doutputs)
        self.dweights = self.dweights / 2
        return dinputs


class ReLUWithoutMask(ReLU):
    """A ReLU whose backward forgets to zero the gradient where the input was negative."""

    def backward(self, doutputs):
        return doutputs.copy()


@pytest.mark.parametrize("make", [TransposedWeightGradient, HalvedWeightGradient],
                         ids=lambda c: c.__name__)
def test_a_wrong_weight_gradient_is_caught(make):
    rng = np.random.default_rng(5)
    layer = make(3, 4, rng=rng)
    errors = check_layer(layer, rng.standard_normal((6, 3)))
    assert errors["inputs"] < TOLERANCE and errors["biases"] < TOLERANCE
    assert errors["weights"] > 0.1


def test_a_wrong_activation_backward_is_caught():
    rng = np.random.default_rng(6)
    assert check_layer(ReLUWithoutMask(), rng.standard_normal((5, 4)))["inputs"] > 0.1


def test_check_layer_restores_the_parameters():
    rng = np.random.default_rng(7)
    layer = Dense(3, 2, rng=rng)
    before = layer.weights.copy()
    check_layer(layer, rng.standard_normal((4, 3)))
    np.testing.assert_array_equal(layer.weights, before)


def test_numerical_gradient_refuses_float32():
    with pytest.raises(TypeError, match="expected float64"):
        numerical_gradient(np.sum, np.zeros(3, dtype=np.float32))


def test_numerical_gradient_refuses_integers_and_says_what_they_would_do():
    # what the message describes: the same central difference on an integer array truncates
    # 3 + h to 3 and 3 - h to 2, and gives (9 - 4) / 2e-4 = 25000 instead of 6
    point, h = np.array([3, 4]), 1e-4
    plus, minus = point.copy(), point.copy()
    plus[0], minus[0] = point[0] + h, point[0] - h
    assert (plus[0], minus[0]) == (3, 2)
    assert np.isclose((_square_sum(plus) - _square_sum(minus)) / (2 * h), 25_000)
    with pytest.raises(TypeError, match=r"x has dtype int64; expected float64\. An integer array "
                                        r"cannot hold x \+ h: each nudged value is truncated to a "
                                        r"whole number \(3 \+ 1e-4 to 3, 3 - 1e-4 to 2\).*thousands "
                                        r"of times too large, or 0"):
        numerical_gradient(_square_sum, point)


# --- bad input ---------------------------------------------------------------------------------

def _square_sum(x):
    return float(np.sum(x ** 2))


@pytest.mark.parametrize("call, error, message", [
    (lambda: numerical_gradient(_square_sum, np.ones(3), h=0), ValueError,
     r"numerical_gradient: h must be a finite number in \(0, inf\), got 0"),
    (lambda: numerical_gradient(_square_sum, np.ones(3), h=float("nan")), ValueError,
     r"numerical_gradient: h must be a finite number in \(0, inf\), got nan"),
    (lambda: numerical_gradient(_square_sum, np.ones(3), h=-1e-4), ValueError, r"got -0.0001"),
    (lambda: numerical_gradient(lambda x: x ** 2, np.ones(3)), ValueError,
     r"numerical_gradient: f returned an array of shape \(3,\); expected one number"),
    (lambda: numerical_gradient(_square_sum, [1.0, 2.0]), TypeError,
     r"numerical_gradient: x must be a NumPy array, got list"),
    (lambda: relative_error(np.ones(3), np.ones(4)), ValueError,
     r"relative_error: a has shape \(3,\) but b has shape \(4,\)"),
], ids=["h-zero", "h-nan", "h-negative", "f-array", "x-list", "relative-shapes"])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
