"""Drawings of networks and computational graphs that the chapters show.

Like ``nnlib.plotting``, every function draws on the Axes it is given (or on a new figure's
Axes), gives it a title and returns it; none calls ``plt.show()`` or changes matplotlib's global
settings. The drawings are pictures of a model's structure, not of its numbers.
Introduced in chapter 2.
"""
import numbers

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

#: Distance between two layers' columns, and between two neurons of a column (data units).
LAYER_GAP = 3.0
NEURON_GAP = 1.0
NEURON_RADIUS = 0.3


def _check_layer_sizes(layer_sizes):
    """``layer_sizes`` as a list of positive ints, at least two of them, or a ValueError."""
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise ValueError(
            f"draw_network: layer_sizes must be a list of neuron counts such as [2, 3, 3], "
            f"got {layer_sizes!r}."
        )
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"draw_network: layer_sizes must hold at least two sizes (the inputs and one layer "
            f"of neurons), got {sizes}."
        )
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise ValueError(
                f"draw_network: every layer size must be a whole number of at least 1, got "
                f"{size!r} in {sizes}."
            )
    return [int(size) for size in sizes]


def _check_labels(labels, count, *, name, what):
    """``labels`` as a list of ``count`` strings, or a ValueError naming ``name`` and ``what``."""
    if isinstance(labels, str) or not hasattr(labels, "__len__") or len(labels) != count:
        raise ValueError(
            f"draw_network: {name} must hold one entry per {what} ({count}), got {labels!r}."
        )
    return list(labels)


def _count(number, noun, plural=None):
    """``"1 neuron"``, ``"3 neurons"``: a number and its noun, in the plural unless it is 1."""
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


def _neuron_centres(layer_sizes):
    """(x, y) of every neuron, one list per layer; each column is centred on y = 0."""
    return [[(index * LAYER_GAP, ((size - 1) / 2 - row) * NEURON_GAP) for row in range(size)]
            for index, size in enumerate(layer_sizes)]


def draw_network(layer_sizes, *, activations=None, input_labels=None, output_labels=None,
                 ax=None, title=None):
    """Draw a fully connected network: one circle per neuron, one line per weight.

    ``layer_sizes`` lists the number of inputs and then the number of neurons of each dense
    layer, e.g. ``[2, 3, 3]`` for 2 inputs -> 3 neurons -> 3 neurons. ``activations`` names
    the activation after each dense layer (one entry per layer, ``None`` for none), e.g.
    ``["ReLU", "softmax"]``. ``input_labels`` and ``output_labels`` name the inputs (default
    ``x_0, x_1, ...``) and the outputs (default: none). Between two columns the drawing says
    how many weights and biases that layer holds. ``title`` defaults to the layer sizes.
    Meant for small networks (a dozen neurons per layer at most stays readable).
    Returns the Axes. Introduced in chapter 2.
    """
    sizes = _check_layer_sizes(layer_sizes)
    n_layers = len(sizes) - 1                                  # dense layers, inputs not counted
    if activations is None:
        activations = [None] * n_layers
    activations = _check_labels(activations, n_layers, name="activations",
                                what="dense layer (the inputs have none)")
    if input_labels is None:
        input_labels = [f"$x_{{{i}}}$" for i in range(sizes[0])]
    input_labels = _check_labels(input_labels, sizes[0], name="input_labels", what="input")
    if output_labels is not None:
        output_labels = _check_labels(output_labels, sizes[-1], name="output_labels",
                                      what="output neuron")
    if ax is None:
        _, ax = plt.subplots(figsize=(2.4 * len(sizes) + 1.5, 0.8 * max(sizes) + 2.2))

    centres = _neuron_centres(sizes)
    top = (max(sizes) - 1) / 2 * NEURON_GAP
    for layer, (inputs, outputs) in enumerate(zip(centres[:-1], centres[1:]), start=1):
        for x0, y0 in inputs:                                  # one line per weight
            for x1, y1 in outputs:
                ax.plot([x0, x1], [y0, y1], color="grey", linewidth=0.8, zorder=1)
        ax.text((inputs[0][0] + outputs[0][0]) / 2, top + 0.8,
                f"$W_{{{layer}}}$: {len(inputs)}×{len(outputs)} weights\n"
                f"$b_{{{layer}}}$: {_count(len(outputs), 'bias', 'biases')}",
                ha="center", va="bottom", fontsize="small")
    for index, column in enumerate(centres):                   # one circle per neuron
        colour = "white" if index == 0 else "tab:blue" if index < n_layers else "tab:orange"
        for x, y in column:
            ax.add_patch(Circle((x, y), NEURON_RADIUS, facecolor=colour, edgecolor="black",
                                zorder=2))
    for (x, y), label in zip(centres[0], input_labels):
        ax.text(x - NEURON_RADIUS - 0.15, y, label, ha="right", va="center")
    if output_labels is not None:
        for (x, y), label in zip(centres[-1], output_labels):
            ax.text(x + NEURON_RADIUS + 0.15, y, label, ha="left", va="center")

    bottom = -top - NEURON_RADIUS - 0.3
    ax.text(0, bottom, f"inputs\n{_count(sizes[0], 'feature')}", ha="center", va="top")
    for layer, activation in enumerate(activations, start=1):
        name = "output layer" if layer == n_layers else f"hidden layer {layer}"
        caption = f"{name}\n{_count(sizes[layer], 'neuron')}"
        if activation is not None:
            caption += f", {activation}"
        ax.text(layer * LAYER_GAP, bottom, caption, ha="center", va="top")

    margin = 1.6
    ax.set_xlim(-margin, n_layers * LAYER_GAP + margin)
    ax.set_ylim(bottom - 1.0, top + 1.7)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is None:
        title = "A network of dense layers: " + " → ".join(str(size) for size in sizes)
    ax.set_title(title)
    return ax
