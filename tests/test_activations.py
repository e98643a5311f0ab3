"""nnlib.activations: ReLU, Softmax, Sigmoid and Linear, forward and backward, and bad input."""
import warnings

import numpy as np
import pytest

from nnlib.activations import Linear, ReLU, Sigmoid, Softmax
from nnlib.gradcheck import check_layer

TOLERANCE = 1e-7          # largest relative error allowed in a float64 gradient check


# ---- ReLU and Softmax ------------------------------------------------------------------------

def test_relu_zeroes_negatives_and_keeps_positives():
    outputs = ReLU().forward(np.array([[-2.0, 0.0, 0.5, 3.0], [1.0, -1e-9, 7.0, -7.0]]))
    np.testing.assert_array_equal(outputs, [[0.0, 0.0, 0.5, 3.0], [1.0, 0.0, 7.0, 0.0]])


def test_relu_masks_where_the_input_was_not_positive():
    relu = ReLU()
    relu.forward(np.array([[-1.0, 0.0, 2.0]]))
    np.testing.assert_array_equal(relu.backward(np.array([[5.0, 6.0, 7.0]])), [[0.0, 0.0, 7.0]])


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


# ---- bad input and repr ----------------------------------------------------------------------

def forwarded(layer):
    layer.forward(np.random.default_rng(0).standard_normal((4, 3)))
    return layer


@pytest.mark.parametrize("make", [ReLU, Softmax, Sigmoid, Linear], ids=lambda m: m.__name__)
@pytest.mark.parametrize("shape", [(1, 3), (4, 1), (4,), (3, 4), (4, 3, 1)], ids=str)
def test_backward_refuses_a_gradient_that_would_broadcast(make, shape):
    layer = forwarded(make())
    with pytest.raises(ValueError, match=rf"{make.__name__}\(\): backward got a gradient of shape "
                                         rf"{re_shape(shape)} but the last forward's outputs have "
                                         r"shape \(4, 3\)"):
        layer.backward(np.ones(shape))


def re_shape(shape):
    return str(tuple(shape)).replace("(", r"\(").replace(")", r"\)")


@pytest.mark.parametrize("inputs", [np.ones(3), np.ones((2, 3, 4)), np.float64(1.0)],
                         ids=["1-D", "3-D", "scalar"])
def test_softmax_wants_one_row_per_sample(inputs):
    with pytest.raises(ValueError, match=r"Softmax: inputs have shape .*; expected \(n_samples, "
                                         r"n_classes\)"):
        Softmax().forward(inputs)


def test_activations_repr_is_their_class_name():
    assert [repr(m()) for m in (ReLU, Softmax, Sigmoid, Linear)] == [
        "ReLU()", "Softmax()", "Sigmoid()", "Linear()"]
