"""nnlib.model: Sequential chains its layers, snapshots and restores them, and refuses bad input."""
import numpy as np
import pytest

from nnlib.activations import ReLU, Softmax
from nnlib.layers import Dense
from nnlib.model import Sequential


def small_model():
    """Dense(2, 3), ReLU, Dense(3, 3), Softmax with seeded weights: four parameter arrays."""
    rng = np.random.default_rng(0)
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


# ---- bad input -------------------------------------------------------------------------------

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


def test_model_backward_before_forward_names_the_last_layer():
    model = Sequential([Dense(2, 3, rng=np.random.default_rng(0)), ReLU(), Dense(3, 2)])
    with pytest.raises(RuntimeError, match=r"Dense\(3, 2\): backward\(\) was called before forward"):
        model.backward(np.ones((4, 2)))
