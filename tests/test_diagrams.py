"""Tests of nnlib.diagrams: the network drawing has one circle per neuron, one line per weight
between the right neurons, its labels and title, and refuses bad input clearly (Agg backend)."""
import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from nnlib.diagrams import draw_network  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def circles(ax):
    return [patch for patch in ax.patches if isinstance(patch, Circle)]


def texts(ax):
    return [text.get_text() for text in ax.texts]


def columns(ax):
    """The neurons' centres, grouped by layer (equal x), left to right, each top to bottom."""
    centres = sorted((circle.center for circle in circles(ax)), key=lambda c: (c[0], -c[1]))
    return [list(group) for _, group in itertools.groupby(centres, key=lambda c: c[0])]


@pytest.mark.parametrize("sizes", [[2, 3, 3], [1, 1], [4, 6, 5, 2]])
def test_one_circle_per_neuron_in_one_column_per_layer(sizes):
    ax = draw_network(sizes)
    assert len(circles(ax)) == sum(sizes)
    assert [len(column) for column in columns(ax)] == sizes


@pytest.mark.parametrize("sizes", [[2, 3, 3], [1, 1], [4, 6, 5, 2]])
def test_one_line_per_weight_joining_every_neuron_to_every_neuron_of_the_next_layer(sizes):
    ax = draw_network(sizes)
    assert len(ax.lines) == sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    drawn = set()
    for line in ax.lines:
        (x0, x1), (y0, y1) = line.get_xdata(), line.get_ydata()
        drawn.add(((x0, y0), (x1, y1)))
    cols = columns(ax)
    expected = {(start, end) for left, right in zip(cols[:-1], cols[1:])
                for start in left for end in right}
    assert drawn == expected


def test_labels_name_inputs_weights_layers_activations_and_outputs():
    ax = draw_network([2, 3, 3], activations=["ReLU", "softmax"],
                      output_labels=["class 0", "class 1", "class 2"], title="The model")
    assert ax.get_title() == "The model"
    labels = texts(ax)
    assert {"$x_{0}$", "$x_{1}$", "class 0", "class 1", "class 2"} <= set(labels)
    assert "$W_{1}$: 2×3 weights\n$b_{1}$: 3 biases" in labels
    assert "$W_{2}$: 3×3 weights\n$b_{2}$: 3 biases" in labels
    assert "inputs\n2 features" in labels
    assert "hidden layer 1\n3 neurons, ReLU" in labels
    assert "output layer\n3 neurons, softmax" in labels


def test_defaults_title_from_the_sizes_and_no_output_labels_or_activations():
    ax = draw_network([3, 1])
    assert ax.get_title() == "A network of dense layers: 3 → 1"
    assert texts(ax) == ["$W_{1}$: 3×1 weights\n$b_{1}$: 1 bias", "$x_{0}$", "$x_{1}$",
                         "$x_{2}$", "inputs\n3 features", "output layer\n1 neuron"]


def test_draws_on_the_given_axes_without_a_new_figure():
    fig, given = plt.subplots()
    figures = plt.get_fignums()
    ax = draw_network([2, 2], ax=given, input_labels=["a", "b"])
    assert ax is given
    assert plt.get_fignums() == figures
    assert {"a", "b"} <= set(texts(ax))
    assert not ax.axison                                 # a drawing, not a plot: no axes


@pytest.mark.parametrize("sizes, message", [
    ([2], r"at least two sizes .*got \[2\]"),
    ([], r"at least two sizes"),
    ([2, 0, 3], r"whole number of at least 1, got 0 in \[2, 0, 3\]"),
    ([2, 2.5], r"whole number of at least 1, got 2.5"),
    ([2, True], r"whole number of at least 1, got True"),
    ("233", r"a list of neuron counts"),
    (3, r"a list of neuron counts"),
])
def test_bad_layer_sizes_are_refused_with_a_clear_message(sizes, message):
    with pytest.raises(ValueError, match="draw_network: .*" + message):
        draw_network(sizes)


@pytest.mark.parametrize("keyword, value, message", [
    ("activations", ["ReLU"], r"activations must hold one entry per dense layer .*\(2\)"),
    ("activations", "ReLU", r"activations must hold one entry per dense layer"),
    ("input_labels", ["a", "b", "c"], r"input_labels must hold one entry per input \(2\)"),
    ("output_labels", ["only one"], r"output_labels must hold one entry per output neuron \(3\)"),
])
def test_labels_of_the_wrong_length_are_refused(keyword, value, message):
    with pytest.raises(ValueError, match="draw_network: .*" + message):
        draw_network([2, 3, 3], **{keyword: value})
