"""nnlib.activations: a gradient of the wrong shape is refused, never broadcast."""
import numpy as np
import pytest

from nnlib.activations import Linear, ReLU, Sigmoid, Softmax


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


def test_relu_masks_where_the_input_was_not_positive():
    relu = ReLU()
    relu.forward(np.array([[-1.0, 0.0, 2.0]]))
    np.testing.assert_array_equal(relu.backward(np.array([[5.0, 6.0, 7.0]])), [[0.0, 0.0, 7.0]])
