"""Drawings of networks and computational graphs that the chapters show.

Like ``nnlib.plotting``, every function draws on the Axes it is given (or on a new figure's
Axes), gives it a title and returns it; none calls ``plt.show()`` or changes matplotlib's global
settings. The drawings show a model's structure (``draw_network``, chapter 2) and, in
``draw_computational_graph`` (chapter 5), one sample's forward values and backward gradients.
Introduced in chapter 2.
"""
import numbers

import matplotlib.pyplot as plt
import numpy as np
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


#: Colours of the numbers on a computational graph's edges: forward values above, gradients below.
FORWARD_COLOUR = "tab:green"
BACKWARD_COLOUR = "tab:red"

#: The arrays ``draw_computational_graph`` draws, with their shapes (k: inputs, m: neurons).
_GRAPH_ARRAYS = {
    "inputs": "(k,)",
    "weights": "(k, m)",
    "biases": "(m,)",
    "dense": "(m,)",
    "relu": "(m,)",
    "softmax": "(m,)",
}


def _graph_arrays(values, *, name):
    """``values`` (a dict) as float arrays of consistent shapes, or a ValueError that says why."""
    who = "draw_computational_graph"
    if not isinstance(values, dict):
        raise ValueError(f"{who}: {name} must be a dict of arrays, got {type(values).__name__}.")
    missing = [key for key in _GRAPH_ARRAYS if key not in values]
    if missing:
        raise ValueError(
            f"{who}: {name} has no {', '.join(repr(key) for key in missing)}; expected the keys "
            f"{', '.join(repr(key) for key in _GRAPH_ARRAYS)}."
        )
    arrays = {key: np.asarray(values[key], dtype=float) for key in _GRAPH_ARRAYS}
    weights = arrays["weights"]
    if weights.ndim != 2:
        raise ValueError(
            f"{who}: {name}['weights'] has shape {weights.shape}; expected (k, m), k inputs and "
            "m neurons."
        )
    k, m = weights.shape
    expected = {"inputs": (k,), "weights": (k, m), "biases": (m,), "dense": (m,), "relu": (m,),
                "softmax": (m,)}
    for key, shape in expected.items():
        if arrays[key].shape != shape:
            raise ValueError(
                f"{who}: {name}[{key!r}] has shape {arrays[key].shape}; expected {shape} "
                f"(shape {_GRAPH_ARRAYS[key]} with k = {k} inputs and m = {m} neurons, from the "
                "weights)."
            )
    return arrays


def _format(array, decimals):
    """A vector as ``[0.12, -3.4]``, a matrix as one such row per line."""
    array = np.atleast_1d(array) + 0.0                   # + 0.0 turns -0.0 into 0.0
    if array.ndim == 2:
        return "\n".join(_format(row, decimals) for row in array)
    return "[" + ", ".join(f"{value:.{decimals}f}" for value in array) + "]"


def draw_computational_graph(forward, backward, *, ax=None, decimals=2,
                             title="Computational graph of one sample"):
    """Draw one sample's path through Dense -> ReLU -> softmax -> cross-entropy.

    Operations are circles, the arrays that flow between them are labelled edges: each edge
    carries the array's forward value above it (green) and the gradient of the loss with respect
    to that array below it (red), in the style of Stanford's CS231n notes.

    ``forward`` holds what the forward pass computed, for k inputs and m neurons:
    ``inputs`` (k,), ``weights`` (k, m), ``biases`` (m,), ``dense`` = inputs @ weights + biases
    (m,), ``relu`` (m,), ``softmax`` (m,), ``label`` (the true class, an int in [0, m)) and
    ``loss`` (a number). ``backward`` holds the gradients of the loss with respect to the
    first six of these, under the same keys and with the same shapes. The function only draws;
    it computes nothing, so the numbers shown are exactly the ones given.
    Returns the Axes. Introduced in chapter 5.
    """
    who = "draw_computational_graph"
    values = _graph_arrays(forward, name="forward")
    gradients = _graph_arrays(backward, name="backward")
    n_neurons = values["weights"].shape[1]
    for key in ("label", "loss"):
        if key not in forward:
            raise ValueError(f"{who}: forward has no {key!r}; expected the true class and the loss.")
    label = forward["label"]
    if isinstance(label, bool) or not isinstance(label, numbers.Integral) or not 0 <= label < n_neurons:
        raise ValueError(
            f"{who}: forward['label'] is {label!r}; expected a class index, a whole number in "
            f"[0, {n_neurons})."
        )
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral) or decimals < 0:
        raise ValueError(f"{who}: decimals is {decimals!r}; expected a whole number >= 0.")
    loss = float(forward["loss"])

    if ax is None:
        _, ax = plt.subplots(figsize=(16, 4.5))
    # operations (circles) and the leaves and the result (plain text), at (x, y) in data units
    operations = {"dense": ((7.0, 0.0), "dot\n+ bias"), "relu": ((13.0, 0.0), "ReLU"),
                  "softmax": ((19.0, 0.0), "softmax"), "loss": ((25.0, 0.0), "cross-\nentropy")}
    leaves = {"inputs": ((0.0, 3.0), "inputs $x$"), "weights": ((0.0, 0.0), "weights $W$"),
              "biases": ((0.0, -3.0), "biases $b$"), "label": ((25.0, -3.0), "true class $y$"),
              "result": ((29.0, 0.0), "loss $L$")}
    radius = 0.8
    for (x, y), text in operations.values():
        ax.add_patch(plt.Circle((x, y), radius, facecolor="whitesmoke", edgecolor="black"))
        ax.text(x, y, text, ha="center", va="center", fontsize=9)
    for name, ((x, y), text) in leaves.items():
        ax.text(x, y, text, ha="right" if x == 0 else "center", va="center", fontsize=10,
                fontweight="bold")

    def edge(start, end, name, forward_text, backward_text, *, start_gap=0.0, via=None):
        # an arrow from start to end (through the corner via, if given); the texts sit at the
        # middle of its first segment, above and below it, or right of it if it is vertical
        corner = end if via is None else via
        (x0, y0), (x1, y1) = start, end
        (xc, yc) = corner
        length = np.hypot(xc - x0, yc - y0)
        x0, y0 = x0 + (xc - x0) / length * start_gap, y0 + (yc - y0) / length * start_gap
        if via is not None:
            ax.plot([x0, xc], [y0, yc], color="black", linewidth=1)
            x0, y0 = xc, yc
        length = np.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        ax.annotate("", xy=(x1 - ux * radius, y1 - uy * radius), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "->", "color": "black"})
        xm, ym = (start[0] + xc) / 2, (start[1] + yc) / 2
        if "\n" in forward_text:                      # a matrix: its name on a line of its own
            forward_text = "\n" + forward_text
        if start[0] == xc:                            # vertical: the text to the right
            ax.text(xm + 0.3, ym, f"{name} = {forward_text}", ha="left", va="center",
                    fontsize=9, color=FORWARD_COLOUR)
            return
        ax.text(xm, ym + 0.15, f"{name} = {forward_text}", ha="center", va="bottom",
                fontsize=9, color=FORWARD_COLOUR, linespacing=1.1)
        if backward_text:
            ax.text(xm, ym - 0.15, backward_text, ha="center", va="top", fontsize=9,
                    color=BACKWARD_COLOUR, linespacing=1.1)

    def both(key):
        return _format(values[key], decimals), _format(gradients[key], decimals)

    dense_at, relu_at = operations["dense"][0], operations["relu"][0]
    softmax_at, loss_at = operations["softmax"][0], operations["loss"][0]
    corner_x = dense_at[0] - 1.5
    edge(leaves["inputs"][0], dense_at, "x", *both("inputs"), start_gap=0.3,
         via=(corner_x, leaves["inputs"][0][1]))
    edge(leaves["weights"][0], dense_at, "W", *both("weights"), start_gap=0.3)
    edge(leaves["biases"][0], dense_at, "b", *both("biases"), start_gap=0.3,
         via=(corner_x, leaves["biases"][0][1]))
    edge(dense_at, relu_at, "z", *both("dense"), start_gap=radius)
    edge(relu_at, softmax_at, "a", *both("relu"), start_gap=radius)
    edge(softmax_at, loss_at, "p", *both("softmax"), start_gap=radius)
    edge(leaves["label"][0], loss_at, "y", str(int(label)), "", start_gap=0.35)
    edge(loss_at, (leaves["result"][0][0] - 0.2, 0.0), "L", f"{loss:.{decimals}f}",
         f"{1.0:.{decimals}f}", start_gap=radius)

    ax.set_xlim(-2.5, 30.5)
    ax.set_ylim(-3.5, 3.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
    ax.plot([], [], color=FORWARD_COLOUR, label="forward value (above an edge)")
    ax.plot([], [], color=BACKWARD_COLOUR, label="gradient of the loss (below an edge)")
    ax.legend(loc="upper right", fontsize="small", frameon=False)
    return ax
