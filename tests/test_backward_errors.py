"""Bad input to the backward pass and the optimizers gets a clear error, not a silent wrong answer."""
import numpy as np
import pytest

from nnlib.activations import Linear, ReLU, Sigmoid, Softmax
from nnlib.layers import Dense, Dropout
from nnlib.losses import CategoricalCrossentropy, SoftmaxCrossentropy
from nnlib.model import Sequential
from nnlib.optimizers import SGD, Adam

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


def test_model_backward_before_forward_names_the_last_layer():
    model = Sequential([Dense(2, 3, rng=np.random.default_rng(0)), ReLU(), Dense(3, 2)])
    with pytest.raises(RuntimeError, match=r"Dense\(3, 2\): backward\(\) was called before forward"):
        model.backward(np.ones((4, 2)))


@pytest.mark.parametrize("make", EVERY_LAYER, ids=lambda m: repr(m()))
def test_backward_does_not_change_doutputs(make):
    layer = make()
    inputs = np.random.default_rng(1).standard_normal((4, 3))
    outputs = layer.forward(inputs, training=True)
    doutputs = np.random.default_rng(2).standard_normal(outputs.shape)
    kept = doutputs.copy()
    layer.backward(doutputs)
    np.testing.assert_array_equal(doutputs, kept)


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


def test_losses_reject_logits_where_probabilities_are_expected():
    logits = np.array([[2.0, -1.0, 0.5]])
    with pytest.raises(ValueError, match="did you pass raw scores instead of softmax outputs"):
        CategoricalCrossentropy().backward(logits, np.array([0]))
    with pytest.raises(ValueError, match="did you pass raw scores"):
        SoftmaxCrossentropy().backward(logits, np.array([0]))


def test_loss_backward_label_shape_mismatch():
    probabilities = np.full((2, 3), 1 / 3)
    with pytest.raises(ValueError, match=r"y_true has shape \(3,\) but y_pred has shape \(2, 3\)"):
        SoftmaxCrossentropy().backward(probabilities, np.array([0, 1, 2]))
