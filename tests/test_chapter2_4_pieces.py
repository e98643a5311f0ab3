"""Unit tests of the pieces chapters 2-4 teach: Dense forward, ReLU, Softmax forward,
Sequential (forward, snapshot, restore) and numerical_gradient."""
import warnings

import numpy as np
import pytest

from nnlib.activations import ReLU, Softmax
from nnlib.gradcheck import numerical_gradient
from nnlib.layers import Dense
from nnlib.model import Sequential


# ---- Dense forward ---------------------------------------------------------------------------

def test_dense_forward_matches_a_hand_computed_value():
    layer = Dense(2, 3)
    layer.weights[...] = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    layer.biases[...] = [[0.5, 0.0, -0.5]]
    outputs = layer.forward(np.array([[1.0, 1.0], [0.5, -1.0]]))
    np.testing.assert_array_equal(outputs, [[5.5, 7.0, 8.5], [-3.0, -4.0, -5.0]])
    assert layer.output is outputs


def test_dense_starts_with_small_weights_and_zero_biases():
    layer = Dense(4, 5, rng=np.random.default_rng(0))
    assert layer.weights.shape == (4, 5) and layer.biases.shape == (1, 5)
    assert np.all(layer.biases == 0)
    assert 0 < np.abs(layer.weights).max() < 0.1            # 0.01 * randn


def test_dense_uses_the_global_generator_in_the_books_order():
    np.random.seed(0)
    expected = 0.01 * np.random.randn(2, 3)
    np.random.seed(0)
    np.testing.assert_array_equal(Dense(2, 3).weights, expected)


@pytest.mark.parametrize("shape", [(5, 3), (5,), (2, 5, 2)])
def test_dense_rejects_the_wrong_input_width_clearly(shape):
    with pytest.raises(ValueError, match=r"Dense\(2, 3\).*expected \(n_samples, 2\)"):
        Dense(2, 3).forward(np.ones(shape))


# ---- ReLU and Softmax --------------------------------------------------------------------------

def test_relu_zeroes_negatives_and_keeps_positives():
    outputs = ReLU().forward(np.array([[-2.0, 0.0, 0.5, 3.0], [1.0, -1e-9, 7.0, -7.0]]))
    np.testing.assert_array_equal(outputs, [[0.0, 0.0, 0.5, 3.0], [1.0, 0.0, 7.0, 0.0]])


def test_softmax_known_value_and_rows_sum_to_one():
    rng = np.random.default_rng(1)
    np.testing.assert_allclose(Softmax().forward(np.array([[0.0, np.log(2.0)]])), [[1 / 3, 2 / 3]])
    outputs = Softmax().forward(rng.standard_normal((20, 7)) * 5)
    np.testing.assert_allclose(outputs.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert np.all(outputs > 0)


def test_softmax_is_unchanged_by_a_shift_of_each_row():
    scores = np.random.default_rng(2).standard_normal((4, 3))
    shifts = np.array([[-100.0], [3.0], [0.0], [250.0]])
    np.testing.assert_allclose(Softmax().forward(scores + shifts), Softmax().forward(scores))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_survives_huge_inputs_without_nan_or_warning(dtype):
    scores = np.array([[1000.0, 999.0, -1000.0], [-1000.0, -1000.0, -1000.0],
                       [1000.0, -1000.0, 1000.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                     # any overflow warning fails the test
        with np.errstate(over="raise", invalid="raise", divide="raise"):   # underflow to 0 is fine
            outputs = Softmax().forward(scores)
    assert np.all(np.isfinite(outputs))
    np.testing.assert_allclose(outputs.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(outputs[1], 1 / 3, rtol=1e-6)
    np.testing.assert_allclose(outputs[2], [0.5, 0.0, 0.5], atol=1e-6)
    np.testing.assert_allclose(outputs[0, :2], [1 / (1 + np.exp(-1.0)), 1 / (1 + np.e)], rtol=1e-6)


# ---- Sequential ------------------------------------------------------------------------------

def small_model(seed=0):
    rng = np.random.default_rng(seed)
    return Sequential([Dense(2, 3, rng=rng), ReLU(), Dense(3, 3, rng=rng), Softmax()])


def test_sequential_forward_chains_the_layers():
    model = small_model()
    inputs = np.random.default_rng(3).standard_normal((6, 2))
    expected = inputs
    for layer in model.layers:
        expected = layer.forward(expected)
    np.testing.assert_array_equal(model.forward(inputs), expected)


def test_snapshot_holds_copies_not_references():
    model = small_model()
    snapshot = model.snapshot()
    assert len(snapshot) == 4
    for (value, _), saved in zip(model.parameters(), snapshot):
        assert saved is not value and not np.shares_memory(saved, value)
        np.testing.assert_array_equal(saved, value)
    before = [saved.copy() for saved in snapshot]
    for value, _ in model.parameters():
        value += 1.0
    for saved, old in zip(snapshot, before):
        np.testing.assert_array_equal(saved, old)


def test_restore_brings_back_the_outputs_bit_for_bit_in_place():
    model = small_model()
    inputs = np.random.default_rng(4).standard_normal((5, 2))
    outputs = model.forward(inputs).copy()
    arrays = [value for value, _ in model.parameters()]
    snapshot = model.snapshot()
    for value in arrays:
        value += np.random.default_rng(5).standard_normal(value.shape)
    model.restore(snapshot)
    np.testing.assert_array_equal(model.forward(inputs), outputs)
    assert all(a is b for a, (b, _) in zip(arrays, model.parameters()))   # same array objects


def test_restore_rejects_a_snapshot_of_another_model():
    model = small_model()
    with pytest.raises(ValueError, match="snapshot holds 2 arrays but the model has 4"):
        model.restore(model.snapshot()[:2])
    other = Sequential([Dense(3, 3), ReLU(), Dense(3, 3), Softmax()])
    with pytest.raises(ValueError, match=r"parameter 0 has shape \(2, 3\)"):
        model.restore(other.snapshot())


# ---- numerical_gradient ----------------------------------------------------------------------

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
    model = small_model()
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
