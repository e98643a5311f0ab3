"""Drawings of networks and computational graphs that the chapters show.

Like ``nnlib.plotting``, every function draws on the Axes it is given (or on a new figure's
Axes), gives it a title and returns it; none calls ``plt.show()`` or changes matplotlib's global
settings.
Introduced in chapter 2 (``draw_computational_graph`` in chapter 5).
"""
import numbers

import matplotlib.pyplot as plt
import numpy as np

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
