"""Chapter 7's pieces: Linear, MeanSquaredError, MeanAbsoluteError, regression_accuracy, the
initialisers, and a book-faithful sine run checked against an independent re-implementation."""
import numpy as np
import pytest

from nnlib.activations import Linear, ReLU
from nnlib.gradcheck import check_layer, check_loss, numerical_gradient, relative_error
from nnlib.initializers import glorot_uniform, he_normal, small_normal
from nnlib.layers import Dense
from nnlib.losses import MeanAbsoluteError, MeanSquaredError
from nnlib.metrics import regression_accuracy
from nnlib.model import Sequential
from nnlib.optimizers import Adam

TOLERANCE = 1e-7


# ---- Linear ----------------------------------------------------------------------------------

def test_linear_is_the_identity_and_passes_gradients_through():
    inputs = np.array([[-2.0, 0.0, 3.5]])
    doutputs = np.array([[0.1, -0.2, 0.3]])
    layer = Linear()
    np.testing.assert_array_equal(layer.forward(inputs), inputs)
    dinputs = layer.backward(doutputs)
    np.testing.assert_array_equal(dinputs, doutputs)
    assert dinputs is not doutputs                      # a copy: callers may change it
    assert layer.parameters() == [] and layer.penalty() == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_linear_gradient_check(seed):
    inputs = np.random.default_rng(seed).standard_normal((4, 3))
    assert check_layer(Linear(), inputs)["inputs"] < TOLERANCE


def test_linear_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match="backward.*before forward"):
        Linear().backward(np.ones((2, 1)))


# ---- MeanSquaredError ------------------------------------------------------------------------

def test_mse_values_by_hand_average_over_outputs_then_samples():
    y_true = np.array([[0.0, 1.0], [2.0, 2.0]])
    y_pred = np.array([[1.0, 1.0], [0.0, 4.0]])
    loss = MeanSquaredError()
    np.testing.assert_allclose(loss.forward(y_pred, y_true), [0.5, 4.0])   # (1+0)/2, (4+4)/2
    assert loss.calculate(y_pred, y_true) == pytest.approx(2.25)


def test_mse_gradient_formula_by_hand():
    y_true = np.array([[0.0, 1.0], [2.0, 2.0]])
    y_pred = np.array([[1.0, 1.0], [0.0, 4.0]])
    # -2 (y - y_pred) / n_outputs / n_samples
    expected = np.array([[2.0, 0.0], [-4.0, 4.0]]) / 2 / 2
    np.testing.assert_allclose(MeanSquaredError().backward(y_pred, y_true), expected)


@pytest.mark.parametrize("shape", [(1, 1), (5, 1), (6, 3)])
def test_mse_gradient_check(shape):
    rng = np.random.default_rng(sum(shape))
    y_pred, y_true = rng.standard_normal(shape), rng.standard_normal(shape)
    assert check_loss(MeanSquaredError(), y_pred, y_true) < TOLERANCE


def test_mse_keeps_float32_and_rejects_1d_targets_with_a_hint():
    y_pred = np.zeros((3, 1), dtype=np.float32)
    y_true = np.ones((3, 1), dtype=np.float32)
    assert MeanSquaredError().backward(y_pred, y_true).dtype == np.float32
    with pytest.raises(ValueError, match=r"MeanSquaredError: y_true has shape \(3,\).*reshape"):
        MeanSquaredError().calculate(y_pred, np.ones(3))


# ---- MeanAbsoluteError -----------------------------------------------------------------------

def test_mae_values_and_gradient_by_hand():
    y_true = np.array([[0.0, 1.0], [2.0, 2.0]])
    y_pred = np.array([[1.0, 1.0], [0.0, 4.0]])
    loss = MeanAbsoluteError()
    np.testing.assert_allclose(loss.forward(y_pred, y_true), [0.5, 2.0])
    assert loss.calculate(y_pred, y_true) == pytest.approx(1.25)
    # -sign(y - y_pred) / n_outputs / n_samples; sign(0) = 0 where the prediction is exact
    np.testing.assert_allclose(loss.backward(y_pred, y_true), [[0.25, 0.0], [-0.25, 0.25]])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mae_gradient_check_away_from_the_kink(seed):
    rng = np.random.default_rng(seed)
    y_true = rng.standard_normal((5, 2))
    offsets = rng.uniform(0.1, 1.0, (5, 2)) * rng.choice([-1.0, 1.0], (5, 2))
    assert check_loss(MeanAbsoluteError(), y_true + offsets, y_true) < TOLERANCE


def test_mse_punishes_a_large_error_more_than_mae():
    y_true = np.zeros((2, 1))
    small, large = np.array([[0.5], [0.0]]), np.array([[2.0], [0.0]])
    mse, mae = MeanSquaredError(), MeanAbsoluteError()
    assert mse.calculate(large, y_true) / mse.calculate(small, y_true) == pytest.approx(16)
    assert mae.calculate(large, y_true) / mae.calculate(small, y_true) == pytest.approx(4)


# ---- regression_accuracy ---------------------------------------------------------------------

def test_regression_accuracy_counts_strictly_inside_the_tolerance():
    y_true = np.zeros((4, 1))
    y_pred = np.array([[0.0], [0.05], [0.1], [-0.2]])
    assert regression_accuracy(y_pred, y_true, precision=0.1) == 0.5     # 0.1 itself is out


def test_regression_accuracy_default_tolerance_on_sine_data():
    x = np.arange(1000).reshape(-1, 1) / 1000
    y = np.sin(2 * np.pi * x)
    precision = np.std(y) / 250
    assert precision == pytest.approx(np.sqrt(0.5) / 250, rel=1e-3)
    y_pred = y + np.where(np.arange(1000)[:, None] < 300, 0.5 * precision, 2 * precision)
    assert regression_accuracy(y_pred, y) == pytest.approx(0.3)


def test_regression_accuracy_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"regression_accuracy: y_pred has shape \(3, 1\) but "
                                         r"y_true has shape \(3,\)"):
        regression_accuracy(np.zeros((3, 1)), np.zeros(3))


# ---- initialisers ----------------------------------------------------------------------------

def test_glorot_uniform_limit_and_spread():
    weights = glorot_uniform((300, 200), rng=np.random.default_rng(0))
    limit = np.sqrt(6 / 500)
    assert weights.shape == (300, 200)
    assert np.abs(weights).max() <= limit and np.abs(weights).max() > 0.99 * limit
    assert weights.std() == pytest.approx(np.sqrt(2 / 500), rel=0.02)   # variance limit**2 / 3


def test_he_normal_spread():
    weights = he_normal((400, 300), rng=np.random.default_rng(0))
    assert weights.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert abs(weights.mean()) < 0.1 * weights.std()


@pytest.mark.parametrize("init", [small_normal, glorot_uniform, he_normal],
                         ids=lambda f: f.__name__)
def test_initialisers_are_reproducible_and_use_the_global_generator_by_default(init):
    a = init((5, 4), rng=np.random.default_rng(3))
    b = init((5, 4), rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    state = np.random.get_state()
    try:
        np.random.seed(11)
        first = init((5, 4))
        np.random.seed(11)
        np.testing.assert_array_equal(init((5, 4)), first)
    finally:
        np.random.set_state(state)


def test_he_keeps_the_spread_of_a_deep_relu_stack_and_small_weights_lose_it():
    def spread_after(init, depth=10):
        rng = np.random.default_rng(1)
        signal = rng.standard_normal((2000, 64))
        for _ in range(depth):
            signal = np.maximum(0, signal @ init((64, 64), rng=rng))
        return signal.std()

    assert 0.3 < spread_after(he_normal) < 2
    assert spread_after(lambda s, rng: small_normal(s, rng=rng, scale=0.01)) < 1e-10


# ---- a regression network: gradients and the book's arithmetic --------------------------------

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


@pytest.fixture
def book_numpy():
    """nnfs.init() for one test, with NumPy's functions and random state restored afterwards."""
    nnfs = pytest.importorskip("nnfs")
    saved = [(np, "dot", np.dot), (np, "zeros", np.zeros), (np, "eye", np.eye),
             (np.random, "randn", np.random.randn)]
    state = np.random.get_state()
    nnfs.init()
    yield
    for module, name, function in saved:
        setattr(module, name, function)
    np.random.set_state(state)


def _book_style_run(X, y, epochs):
    """An independent re-implementation of the book's regression loop (Dense-ReLU-Dense-ReLU-
    Dense, MSE, Adam(0.005, decay=1e-3), book's operation order, state on the layer objects)."""

    class Layer:
        def __init__(self, n_in, n_out):
            self.w = 0.01 * np.random.randn(n_in, n_out)
            self.b = np.zeros((1, n_out))

    layers = [Layer(1, 64), Layer(64, 64), Layer(64, 1)]
    lr0, decay, b1, b2, eps = 0.005, 1e-3, 0.9, 0.999, 1e-7
    for layer in layers:
        layer.mw, layer.cw = np.zeros_like(layer.w), np.zeros_like(layer.w)
        layer.mb, layer.cb = np.zeros_like(layer.b), np.zeros_like(layer.b)
    for t in range(epochs):
        inputs, pre = [], []
        out = X
        for i, layer in enumerate(layers):
            inputs.append(out)
            out = np.dot(out, layer.w) + layer.b
            pre.append(out)
            if i < 2:
                out = np.maximum(0, out)
        d = -2 * (y - out) / 1
        d = d / len(out)
        lr = lr0 * (1. / (1. + decay * t))
        for i in (2, 1, 0):
            layer = layers[i]
            if i < 2:
                d = d.copy()
                d[pre[i] <= 0] = 0
            dw, db = np.dot(inputs[i].T, d), np.sum(d, axis=0, keepdims=True)
            d = np.dot(d, layer.w.T)
            layer.dw, layer.db = dw, db
        for layer in layers:
            for p, g, m, c in (("w", "dw", "mw", "cw"), ("b", "db", "mb", "cb")):
                setattr(layer, m, b1 * getattr(layer, m) + (1 - b1) * getattr(layer, g))
                m_hat = getattr(layer, m) / (1 - b1 ** (t + 1))
                setattr(layer, c, b2 * getattr(layer, c) + (1 - b2) * getattr(layer, g) ** 2)
                c_hat = getattr(layer, c) / (1 - b2 ** (t + 1))
                getattr(layer, p)[...] += -lr * m_hat / (np.sqrt(c_hat) + eps)
    return layers


def test_sine_run_with_nnlib_is_bit_identical_to_the_book_arithmetic(book_numpy):
    from nnfs.datasets import sine_data

    X, y = sine_data()
    np.random.seed(0)
    reference = _book_style_run(X, y, epochs=150)

    np.random.seed(0)
    model = Sequential([Dense(1, 64), ReLU(), Dense(64, 64), ReLU(), Dense(64, 1), Linear()])
    optimizer, loss = Adam(learning_rate=0.005, decay=1e-3), MeanSquaredError()
    for _ in range(150):
        predictions = model.forward(X, training=True)
        model.backward(loss.backward(predictions, y))
        optimizer.step(model)

    for ours, theirs in zip(model.layers[::2], reference):
        assert ours.weights.dtype == np.float32
        np.testing.assert_array_equal(ours.weights, theirs.w)
        np.testing.assert_array_equal(ours.biases, theirs.b)
