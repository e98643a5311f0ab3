"""nnlib.model: Sequential refuses what is not a layer, and snapshots that do not fit."""
import numpy as np
import pytest

from nnlib.activations import ReLU
from nnlib.layers import Dense
from nnlib.model import Sequential


def model():
    rng = np.random.default_rng(0)
    return Sequential([Dense(2, 3, rng=rng), ReLU(), Dense(3, 2, rng=rng)])


BAD_INPUT = [
    (lambda: Sequential([]), ValueError, r"Sequential: expected at least one layer, got none"),
    (lambda: Sequential([Dense(2, 3), ReLU]), TypeError,
     r"Sequential: layer 1 is <class 'nnlib.activations.ReLU'> \(a type\); expected a layer object "
     r"with forward\(\) and backward\(\), e.g. ReLU\(\) rather than ReLU"),
    (lambda: Sequential([Dense(2, 3), "relu"]), TypeError, r"Sequential: layer 1 is 'relu' \(a str\)"),
    (lambda: model().restore(model().snapshot()[:3]), ValueError,
     r"Sequential.restore: the snapshot holds 3 arrays but the model has 4 parameters"),
    (lambda: model().restore([np.zeros((3, 2))] + model().snapshot()[1:]), ValueError,
     r"Sequential.restore: parameter 0 has shape \(2, 3\) but the snapshot's array has shape \(3, 2\)"),
    (lambda: model().forward(np.ones((5, 3))), ValueError,
     r"Dense\(2, 3\): inputs have shape \(5, 3\); expected \(n_samples, 2\)"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT,
                         ids=[f"case{i}" for i in range(len(BAD_INPUT))])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_wrong_gradient_at_the_top_is_named_by_the_last_layer():
    m = model()
    m.forward(np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"Dense\(3, 2\): backward got a gradient of shape \(1, 2\)"):
        m.backward(np.ones((1, 2)))
