"""nnlib.layers: the Layer contract that every layer and activation keeps; Dense and Dropout."""
import numpy as np
import pytest

from nnlib.activations import Linear, ReLU, Sigmoid, Softmax
from nnlib.layers import Dense, Dropout, Layer

NAN = float("nan")


class Doubler(Layer):
    # a layer written the chapters' way: forward and backward only
    def forward(self, inputs, *, training=False):
        self.inputs = inputs
        self.output = 2 * inputs
        return self.output

    def backward(self, doutputs):
        self._require_forward("inputs", doutputs)
        return 2 * doutputs


def test_a_layer_needs_only_forward_and_backward():
    layer = Doubler()
    assert repr(layer) == "Doubler()"
    assert layer.inputs is None and layer.output is None
    assert layer.parameters() == [] and layer.penalty() == 0.0
    with pytest.raises(RuntimeError, match=r"Doubler\(\): backward\(\) was called before forward"):
        layer.backward(np.ones((2, 2)))
    layer.forward(np.ones((2, 2)))
    np.testing.assert_array_equal(layer.backward(np.ones((2, 2))), np.full((2, 2), 2.0))
    with pytest.raises(ValueError, match=r"Doubler\(\): backward got a gradient of shape \(1, 2\)"):
        layer.backward(np.ones((1, 2)))


def test_layers_do_not_share_their_state():
    a, b = Doubler(), Doubler()
    a.forward(np.ones((1, 1)))
    assert b.inputs is None and b.output is None


# ---- the contract of Layer: every layer and activation keeps it ------------------------------

EVERY_LAYER = [
    lambda: Dense(3, 2, rng=np.random.default_rng(0)),
    lambda: Dropout(0.5),
    lambda: ReLU(),
    lambda: Sigmoid(),
    lambda: Softmax(),
    lambda: Linear(),
]


@pytest.mark.parametrize("make", EVERY_LAYER, ids=lambda m: repr(m()))
def test_backward_before_forward(make):
    layer = make()
    with pytest.raises(RuntimeError, match=r"backward\(\) was called before forward\(\)"):
        layer.backward(np.ones((4, 2)))


@pytest.mark.parametrize("make", EVERY_LAYER, ids=lambda m: repr(m()))
def test_the_message_names_the_layer(make):
    layer = make()
    with pytest.raises(RuntimeError) as error:
        layer.backward(np.ones((4, 2)))
    assert repr(layer) in str(error.value)


@pytest.mark.parametrize("make", EVERY_LAYER, ids=lambda m: repr(m()))
def test_backward_does_not_change_doutputs(make):
    layer = make()
    inputs = np.random.default_rng(1).standard_normal((4, 3))
    outputs = layer.forward(inputs, training=True)
    doutputs = np.random.default_rng(2).standard_normal(outputs.shape)
    kept = doutputs.copy()
    layer.backward(doutputs)
    np.testing.assert_array_equal(doutputs, kept)


# ---- Dense -----------------------------------------------------------------------------------

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


# ---- bad input -------------------------------------------------------------------------------

def forwarded(layer, n=4):
    n_inputs = layer.weights.shape[0] if isinstance(layer, Dense) else 3
    layer.forward(np.random.default_rng(0).standard_normal((n, n_inputs)), training=True)
    return layer


BAD_INPUT = [
    # (what is called, exception, the message it must give)
    (lambda: Dense(0, 3), ValueError, r"Dense: n_inputs must be a whole number >= 1, got 0"),
    (lambda: Dense(2.5, 3), ValueError, r"Dense: n_inputs must be a whole number >= 1, got 2.5"),
    (lambda: Dense("2", 3), ValueError, r"Dense: n_inputs must be a whole number >= 1, got '2'"),
    (lambda: Dense(2, True), ValueError, r"Dense: n_neurons must be a whole number >= 1, got True"),
    (lambda: Dense(2, -3), ValueError, r"Dense: n_neurons must be a whole number >= 1, got -3"),
    (lambda: Dense(2, 3, weight_l2=-1e-4), ValueError,
     r"Dense: weight_l2 must be a finite number in \[0, inf\), got -0.0001"),
    (lambda: Dense(2, 3, bias_l1=NAN), ValueError, r"Dense: bias_l1 must be a finite number"),
    (lambda: Dense(2, 3, weight_l1="0.1"), TypeError, r"Dense: weight_l1 must be a number, got '0.1'"),
    (lambda: Dense(2, 3).forward(np.ones((4, 3))), ValueError,
     r"Dense\(2, 3\): inputs have shape \(4, 3\); expected \(n_samples, 2\)"),
    (lambda: Dense(2, 3).forward(np.ones(2)), ValueError,
     r"Dense\(2, 3\): inputs have shape \(2,\); expected \(n_samples, 2\)"),
    (lambda: forwarded(Dense(3, 2)).backward(np.ones((4, 3))), ValueError,
     r"Dense\(3, 2\): backward got a gradient of shape \(4, 3\) but the last forward's outputs "
     r"have shape \(4, 2\)"),
    (lambda: forwarded(Dense(3, 2)).backward(np.ones((1, 2))), ValueError,
     r"Dense\(3, 2\): backward got a gradient of shape \(1, 2\)"),
    (lambda: forwarded(Dense(3, 2)).backward(np.ones(2)), ValueError,
     r"Dense\(3, 2\): backward got a gradient of shape \(2,\)"),
    (lambda: Dropout(1.0), ValueError, r"Dropout: rate \(the fraction dropped\) must be a finite "
                                       r"number in \[0, 1\), got 1.0"),
    (lambda: Dropout(-0.1), ValueError, r"Dropout: rate .* got -0.1"),
    (lambda: Dropout(NAN), ValueError, r"Dropout: rate .* got nan"),
    (lambda: Dropout("0.5"), TypeError, r"Dropout: rate \(the fraction dropped\) must be a number"),
    (lambda: forwarded(Dropout(0.5)).backward(np.ones((1, 3))), ValueError,
     r"Dropout\(0.5\): backward got a gradient of shape \(1, 3\) but the last forward's outputs "
     r"have shape \(4, 3\)"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT,
                         ids=[f"case{i}" for i in range(len(BAD_INPUT))])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_refused_gradient_leaves_no_wrong_parameter_gradient_behind():
    layer = forwarded(Dense(3, 2, rng=np.random.default_rng(1)))
    with pytest.raises(ValueError):
        layer.backward(np.ones((4, 3)))
    assert layer.dweights is None and layer.dbiases is None


def test_dropout_is_off_at_inference_and_inverted_in_training():
    inputs = np.arange(1.0, 13.0).reshape(3, 4)
    layer = Dropout(0.5, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(layer.forward(inputs), inputs)
    np.testing.assert_array_equal(layer.backward(np.ones((3, 4))), np.ones((3, 4)))
    out = layer.forward(inputs, training=True)
    kept = layer.mask != 0
    np.testing.assert_array_equal(out[kept], 2 * inputs[kept])
    np.testing.assert_array_equal(out[~kept], 0)
    np.testing.assert_array_equal(layer.backward(np.ones((3, 4))), layer.mask)
    # inverted dropout keeps the mean: over many draws the output averages the input
    big = np.ones((2000, 50))
    assert abs(Dropout(0.3, rng=np.random.default_rng(1)).forward(big, training=True).mean() - 1) < 0.01


def test_dropout_refuses_an_rng_that_is_not_a_generator():
    with pytest.raises(TypeError, match="Dropout: rng must be a NumPy Generator.*got str"):
        Dropout(0.5, rng="seed 0")
