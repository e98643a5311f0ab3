"""Tests of nnlib.diagrams.draw_computational_graph (Agg backend)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnlib.diagrams import BACKWARD_COLOUR, FORWARD_COLOUR, draw_computational_graph  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def one_sample():
    """Forward values and gradients of a 2-input, 3-neuron example, computed here by hand."""
    x = np.array([1.0, -2.0])
    W = np.array([[0.5, -1.0, 0.2], [0.3, 0.4, -0.6]])
    b = np.array([0.3, 0.2, -0.3])
    z = x @ W + b
    a = np.maximum(0.0, z)
    p = np.exp(a) / np.exp(a).sum()
    label = 0
    dp = np.where(np.arange(3) == label, -1 / p[label], 0.0)
    da = p - np.eye(3)[label]
    dz = da * (z > 0)
    forward = {"inputs": x, "weights": W, "biases": b, "dense": z, "relu": a, "softmax": p,
               "label": label, "loss": -np.log(p[label])}
    backward = {"inputs": W @ dz, "weights": np.outer(x, dz), "biases": dz, "dense": dz,
                "relu": da, "softmax": dp}
    return forward, backward


def texts(ax, colour=None):
    return [t.get_text() for t in ax.texts
            if colour is None or matplotlib.colors.same_color(t.get_color(), colour)]


def test_draws_every_operation_and_returns_the_titled_axes():
    ax = draw_computational_graph(*one_sample(), title="one sample")
    assert isinstance(ax, matplotlib.axes.Axes)
    assert ax.get_title() == "one sample"
    assert len(ax.patches) == 4                                     # four operations
    labels = " ".join(texts(ax))
    for operation in ("dot\n+ bias", "ReLU", "softmax", "cross-\nentropy"):
        assert operation in labels


def test_forward_values_above_and_gradients_below_the_edges():
    forward, backward = one_sample()
    ax = draw_computational_graph(forward, backward)
    forward_texts, backward_texts = texts(ax, FORWARD_COLOUR), texts(ax, BACKWARD_COLOUR)
    assert "z = [0.20, -1.60, 1.10]" in forward_texts
    assert "x = [1.00, -2.00]" in forward_texts
    assert "W = \n[0.50, -1.00, 0.20]\n[0.30, 0.40, -0.60]" in forward_texts
    assert f"L = {forward['loss']:.2f}" in forward_texts and "y = 0" in forward_texts
    # ReLU blocked the middle neuron (z < 0): its gradient is drawn as 0.00, never as -0.00
    assert f"[{backward['dense'][0]:.2f}, 0.00, {backward['dense'][2]:.2f}]" in backward_texts
    assert not any("-0.00" in text for text in backward_texts)
    assert "1.00" in backward_texts                                 # dL/dL
    for text in ax.texts:         # forward values above an edge (or beside a vertical one), gradients below
        if text.get_text() in forward_texts:
            assert text.get_va() in ("bottom", "center")
        elif text.get_text() in backward_texts:
            assert text.get_va() == "top"


def test_decimals_sets_the_precision():
    ax = draw_computational_graph(*one_sample(), decimals=3)
    assert "z = [0.200, -1.600, 1.100]" in texts(ax, FORWARD_COLOUR)


def test_draws_on_the_axes_it_is_given():
    _, ax = plt.subplots()
    assert draw_computational_graph(*one_sample(), ax=ax) is ax


@pytest.mark.parametrize("change, message", [
    (lambda f, b: f.pop("relu"), r"forward has no 'relu'"),
    (lambda f, b: b.pop("weights"), r"backward has no 'weights'"),
    (lambda f, b: f.update(biases=np.zeros(2)), r"forward\['biases'\] has shape \(2,\); expected \(3,\)"),
    (lambda f, b: b.update(inputs=np.zeros(3)), r"backward\['inputs'\] has shape \(3,\); expected \(2,\)"),
    (lambda f, b: f.update(weights=np.zeros(3)), r"forward\['weights'\] has shape \(3,\); expected \(k, m\)"),
    (lambda f, b: f.update(label=3), r"forward\['label'\] is 3; expected a class index"),
    (lambda f, b: f.pop("loss"), r"forward has no 'loss'"),
])
def test_bad_input_is_a_clear_value_error(change, message):
    forward, backward = one_sample()
    change(forward, backward)
    with pytest.raises(ValueError, match=r"draw_computational_graph: " + message):
        draw_computational_graph(forward, backward)


def test_not_a_dict_is_a_clear_value_error():
    with pytest.raises(ValueError, match="forward must be a dict of arrays, got list"):
        draw_computational_graph([1, 2], one_sample()[1])
