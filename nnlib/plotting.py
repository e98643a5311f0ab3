"""Figures the chapters draw again and again: decision regions, paths over a contour plot,
learning curves, and a figure that controls (sliders) redraw.

Every function draws on the Axes it is given (or on a new figure's Axes), sets a title and
axis labels, and returns the Axes. None of them calls ``plt.show()`` or changes matplotlib's
global settings; the notebook decides when a figure is shown.
Introduced in chapter 2.
"""
import base64
import io

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def _axes(ax):
    """The Axes to draw on: ``ax`` itself, or the Axes of a new figure."""
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _label(ax, *, title, xlabel, ylabel, legend):
    """Give ``ax`` its title and axis labels, and a legend when ``legend`` is true; return it."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend:
        ax.legend(loc="best", fontsize="small")
    return ax


def _predicted_classes(model_or_predict, points):
    """Class index per point from a model (``forward``) or a function of the points.

    Shapes: points (m, 2) -> classes (m,). The model or function may return scores of shape
    (m, n_classes), whose row-wise argmax is taken, or class indices of shape (m,).
    """
    if hasattr(model_or_predict, "forward"):
        outputs = model_or_predict.forward(points)
    elif callable(model_or_predict):
        outputs = model_or_predict(points)
    else:
        raise TypeError(
            "plot_decision_regions: expected a model with a forward() method or a function "
            f"mapping points (m, 2) to scores or classes, got {type(model_or_predict).__name__}."
        )
    outputs = np.asarray(outputs)
    if outputs.ndim == 2:
        return np.argmax(outputs, axis=1)                      # (m,)
    if outputs.shape == (len(points),):
        return outputs.astype(np.int64)
    raise ValueError(
        f"plot_decision_regions: the model returned shape {outputs.shape} for {len(points)} "
        f"points; expected scores ({len(points)}, n_classes) or classes ({len(points)},)."
    )


def plot_decision_regions(model_or_predict, X, y, *, ax=None, title="Decision regions",
                          resolution=200, margin=0.1, xlabel="$x_0$", ylabel="$x_1$"):
    """Colour the plane by the class a 2-D classifier predicts, and scatter the data on top.

    ``model_or_predict`` is a model with ``forward(points)`` (e.g. ``Sequential``) or a
    function; either maps points to class scores (argmax taken) or to class indices.
    Shapes: X (n, 2), y (n,) class indices. Returns the Axes. Introduced in chapter 2.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"plot_decision_regions: X has shape {X.shape}; expected (n_samples, 2), "
            "two features per sample, so the plane can be drawn."
        )
    if y.shape != (len(X),):
        raise ValueError(
            f"plot_decision_regions: y has shape {y.shape}; expected class indices of shape "
            f"({len(X)},)."
        )
    ax = _axes(ax)
    lows, highs = X.min(axis=0), X.max(axis=0)
    pad = margin * (highs - lows)
    grid0, grid1 = np.meshgrid(np.linspace(lows[0] - pad[0], highs[0] + pad[0], resolution),
                               np.linspace(lows[1] - pad[1], highs[1] + pad[1], resolution))
    points = np.column_stack([grid0.ravel(), grid1.ravel()])   # (resolution**2, 2)
    classes = _predicted_classes(model_or_predict, points).reshape(grid0.shape)
    n_classes = int(max(classes.max(), y.max())) + 1
    colours = [plt.get_cmap("tab10")(k % 10) for k in range(n_classes)]
    ax.contourf(grid0, grid1, classes, levels=np.arange(n_classes + 1) - 0.5,
                colors=colours, alpha=0.3)
    for k in range(n_classes):
        members = y == k
        if members.any():
            ax.scatter(X[members, 0], X[members, 1], s=12, color=colours[k],
                       edgecolors="black", linewidths=0.3, label=f"class {k}")
    return _label(ax, title=title, xlabel=xlabel, ylabel=ylabel, legend=True)


def _surface(f, grid0, grid1):
    """Values of ``f`` on a grid: one call on the stacked grid if ``f`` vectorises, else per point.

    Shapes: grid0, grid1 (H, W) -> values (H, W).
    """
    stacked = np.stack([grid0, grid1])                          # (2, H, W)
    try:
        values = np.asarray(f(stacked), dtype=np.float64)
    except (ValueError, TypeError, IndexError):
        values = None
    if values is None or values.shape != grid0.shape:
        values = np.array([f(point) for point in stacked.reshape(2, -1).T], dtype=np.float64)
        values = values.reshape(grid0.shape)
    return values


def plot_contour_paths(f, paths, *, xlim, ylim, ax=None, title="Paths over the loss surface",
                       levels=20, resolution=200, xlabel="$x_0$", ylabel="$x_1$"):
    """Draw contour lines of a function of two variables and trajectories on top of them.

    ``f`` maps a point ``x`` (``x[0]``, ``x[1]``) to a number; written with ``x[0]`` and
    ``x[1]`` it is evaluated on the whole grid at once. ``paths`` maps a label to the points
    visited, in order; each path's start is marked with a circle and its end with a cross.
    Shapes: each path (k, 2). Returns the Axes. Introduced in chapter 4.
    """
    ax = _axes(ax)
    grid0, grid1 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    contours = ax.contour(grid0, grid1, _surface(f, grid0, grid1), levels=levels,
                          colors="grey", linewidths=0.6)
    ax.clabel(contours, fontsize="x-small")
    for label, path in paths.items():
        path = np.asarray(path, dtype=np.float64)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(
                f"plot_contour_paths: path {label!r} has shape {path.shape}; expected (k, 2), "
                "one row per point visited."
            )
        (line,) = ax.plot(path[:, 0], path[:, 1], marker=".", markersize=4, label=label)
        ax.plot(*path[0], marker="o", color=line.get_color())
        ax.plot(*path[-1], marker="x", markersize=9, color=line.get_color())
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return _label(ax, title=title, xlabel=xlabel, ylabel=ylabel, legend=len(paths) > 1)


def plot_curves(curves, *, xlabel, ylabel, title, logx=False, logy=False, ax=None):
    """Plot one or more curves (losses, accuracies, ...) on shared axes.

    ``curves`` maps a label to either a 1-D array of y values, plotted against 1, 2, ..., n
    (step or epoch numbers counted from 1), or a pair ``(x, y)`` of equal-length arrays.
    A legend is drawn when there is more than one curve. Returns the Axes.
    Introduced in chapter 2.
    """
    ax = _axes(ax)
    for label, curve in curves.items():
        if isinstance(curve, tuple) and len(curve) == 2:
            x, values = (np.asarray(part) for part in curve)
        else:
            values = np.asarray(curve)
            x = np.arange(1, len(values) + 1)
        if values.ndim != 1 or x.shape != values.shape:
            raise ValueError(
                f"plot_curves: curve {label!r} has x of shape {x.shape} and y of shape "
                f"{values.shape}; expected a 1-D array or an (x, y) pair of equal-length 1-D arrays."
            )
        ax.plot(x, values, label=label)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    return _label(ax, title=title, xlabel=xlabel, ylabel=ylabel, legend=len(curves) > 1)


def plot_image_grid(images, *, title, titles=None, ncols=5, cmap="Greys", cell_size=1.5):
    """Show small images in a grid, one per cell, with an optional caption above each.

    ``images`` are square pictures, either as (n, rows, cols) or flattened (n, rows * cols);
    ``titles`` holds one caption per image. Pixel axes carry no ticks (they mean nothing
    here). Returns the Figure. Shapes: images (n, rows, cols) or (n, rows * cols).
    Introduced in chapter 8.
    """
    images = np.asarray(images)
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(
                f"plot_image_grid: images have shape {images.shape}; flattened images must have "
                "a square number of pixels (784 = 28 * 28), or pass them as (n, rows, cols)."
            )
        images = images.reshape(len(images), side, side)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(
            f"plot_image_grid: images have shape {images.shape}; expected (n, rows, cols) or "
            "(n, rows * cols) with n >= 1."
        )
    if titles is not None and len(titles) != len(images):
        raise ValueError(
            f"plot_image_grid: got {len(titles)} titles for {len(images)} images; expected one "
            "title per image."
        )
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(cell_size * ncols, cell_size * nrows + 0.5),
                             squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if index >= len(images):
            ax.set_axis_off()
            continue
        ax.imshow(images[index], cmap=cmap)
        if titles is not None:
            ax.set_title(titles[index], fontsize="small")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


#: What a page that cannot run widgets shows as text, when it cannot show the picture either.
INTERACTIVE_NOTE = ("An interactive figure, shown at its starting values: run the notebook in "
                    "Jupyter to move its controls.")


def _figure_png(drawn):
    """PNG bytes of a figure, given as a Figure or one of its Axes; the figure is then closed
    (so the notebook does not show it a second time)."""
    figure = drawn if isinstance(drawn, Figure) else drawn.figure
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


class InteractiveFigure:
    """Controls above a figure that is redrawn whenever a control changes.

    Displayed by a notebook, its output carries three views of itself: the live widget (where
    a kernel runs it), the PNG of the figure as it was drawn when displayed (what a page that
    cannot run widgets shows: nbconvert's HTML, GitHub, a stored notebook opened without
    running it) and a one-line note as text. Made by ``interactive_figure``.
    Introduced in chapter 3.
    """

    def __init__(self, draw, controls, note=INTERACTIVE_NOTE):
        import ipywidgets as widgets                 # only notebooks with controls need it

        self.draw, self.controls, self.note = draw, dict(controls), note
        self.output = widgets.Output()               # shows the latest picture
        self.widget = widgets.VBox([widgets.HBox(list(self.controls.values())), self.output])
        self.redraw()
        for control in self.controls.values():
            control.observe(self.redraw, names="value")

    def redraw(self, change=None):
        """Draw the figure for the controls' current values and show it in place of the last."""
        values = {name: control.value for name, control in self.controls.items()}
        self.png = _figure_png(self.draw(**values))
        picture = {"image/png": base64.b64encode(self.png).decode("ascii"),
                   "text/plain": f"<figure for {values}>"}
        self.output.outputs = ({"output_type": "display_data", "data": picture, "metadata": {}},)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_()     # the live widget's view
        bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        bundle["text/plain"] = self.note
        return bundle


def interactive_figure(draw, *, note=INTERACTIVE_NOTE, **controls):
    """A figure that widgets redraw, which still reads well where widgets cannot run.

    ``draw(**values)`` draws one figure on a new figure for the controls' values and returns
    its Axes or Figure (it does not call ``plt.show()``); each keyword names one of draw's
    arguments and gives the ipywidgets control that sets it, e.g.
    ``interactive_figure(draw_climb, step=widgets.FloatLogSlider(value=0.05))``. Returns an
    ``InteractiveFigure``: the last expression of a cell, it shows the controls above the
    figure, and on a page without a kernel the figure at the controls' starting values.
    Introduced in chapter 3.
    """
    if not controls:
        raise ValueError("interactive_figure: no controls given; expected at least one, as a "
                         "keyword naming an argument of draw, e.g. step=FloatSlider(...).")
    return InteractiveFigure(draw, controls, note)
