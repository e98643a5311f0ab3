"""Tests of nnlib.plotting: every function draws, labels and returns its Axes (Agg backend)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnlib.activations import ReLU, Softmax  # noqa: E402
from nnlib.layers import Dense  # noqa: E402
from nnlib.model import Sequential  # noqa: E402
from nnlib.plotting import plot_contour_paths, plot_curves, plot_decision_regions  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def three_clouds():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 20)
    X = np.column_stack([y / 2 + 0.1 * rng.standard_normal(60), 0.1 * rng.standard_normal(60)])
    return X, y


def assert_labelled(ax, title):
    assert isinstance(ax, matplotlib.axes.Axes)
    assert ax.get_title() == title
    assert ax.get_xlabel() and ax.get_ylabel()


def test_decision_regions_of_a_model():
    X, y = three_clouds()
    rng = np.random.default_rng(1)
    model = Sequential([Dense(2, 3, rng=rng), ReLU(), Dense(3, 3, rng=rng), Softmax()])
    ax = plot_decision_regions(model, X, y, title="regions")
    assert_labelled(ax, "regions")
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["class 0", "class 1",
                                                                         "class 2"]


def test_decision_regions_of_a_function_on_given_axes():
    X, y = three_clouds()
    _, given = plt.subplots()
    calls = []

    def nearest_centre(points):                       # returns class indices (m,)
        calls.append(points.shape)
        return np.rint(np.clip(points[:, 0] * 2, 0, 2)).astype(int)

    ax = plot_decision_regions(nearest_centre, X, y, ax=given, title="by hand", resolution=50)
    assert ax is given
    assert calls == [(2500, 2)]
    assert_labelled(ax, "by hand")


def test_decision_regions_reject_bad_input():
    X, y = three_clouds()
    with pytest.raises(ValueError, match=r"X has shape \(60, 3\); expected \(n_samples, 2\)"):
        plot_decision_regions(lambda p: p, np.ones((60, 3)), y)
    with pytest.raises(ValueError, match=r"y has shape \(59,\)"):
        plot_decision_regions(lambda p: p, X, y[:-1])
    with pytest.raises(TypeError, match="expected a model with a forward"):
        plot_decision_regions("not a model", X, y)


def test_contour_paths_draws_every_path_and_marks_its_ends():
    def bowl(x):
        return x[0] ** 2 + x[1] ** 2

    paths = {"a": np.array([[-3.0, 4.0], [-2.4, 3.2], [0.0, 0.0]]), "b": [[1.0, 1.0], [2.0, 2.0]]}
    ax = plot_contour_paths(bowl, paths, xlim=(-4, 4), ylim=(-5, 5), title="paths")
    assert_labelled(ax, "paths")
    assert ax.get_xlim() == (-4, 4) and ax.get_ylim() == (-5, 5)
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["a", "b"]
    path_lines = [line for line in ax.get_lines() if line.get_label() in paths]
    np.testing.assert_array_equal(path_lines[0].get_xydata(), paths["a"])
    assert len(ax.get_lines()) == 3 * len(paths)          # each path, its start and its end


def test_contour_paths_accepts_a_function_of_one_point_only():
    def one_point_only(x):
        x = np.asarray(x)
        if x.shape != (2,):
            raise ValueError("one point at a time")
        return float(x @ x)

    ax = plot_contour_paths(one_point_only, {"p": np.zeros((1, 2))}, xlim=(-1, 1), ylim=(-1, 1),
                            resolution=20, title="pointwise")
    assert_labelled(ax, "pointwise")
    assert ax.get_legend() is None                        # one path: no legend


def test_contour_paths_reject_a_path_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"path 'bad' has shape \(3,\); expected \(k, 2\)"):
        plot_contour_paths(lambda x: x[0] + x[1], {"bad": [1.0, 2.0, 3.0]}, xlim=(0, 1),
                           ylim=(0, 1))


def test_curves_from_arrays_and_pairs_with_log_axes():
    curves = {"loss": np.array([3.0, 2.0, 1.5]), "other": (np.array([1, 10, 100]), np.ones(3))}
    ax = plot_curves(curves, xlabel="step", ylabel="loss", title="curves", logx=True, logy=True)
    assert_labelled(ax, "curves")
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    lines = ax.get_lines()
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])     # counted from 1
    np.testing.assert_array_equal(lines[1].get_xdata(), [1, 10, 100])
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["loss", "other"]


def test_a_single_curve_has_no_legend_and_linear_axes():
    _, given = plt.subplots()
    ax = plot_curves({"only": [1.0, 0.5]}, xlabel="x", ylabel="y", title="one", ax=given)
    assert ax is given and ax.get_legend() is None
    assert ax.get_xscale() == "linear" and ax.get_yscale() == "linear"


def test_curves_reject_mismatched_pairs():
    with pytest.raises(ValueError, match="curve 'bad' has x of shape \\(2,\\) and y of shape \\(3,\\)"):
        plot_curves({"bad": (np.arange(2), np.arange(3))}, xlabel="x", ylabel="y", title="t")


def test_plotting_never_shows(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plt.show() was called"))
    X, y = three_clouds()
    plot_decision_regions(lambda p: np.zeros(len(p), dtype=int), X, y, resolution=10)
    plot_contour_paths(lambda x: x[0] * x[1], {"p": np.zeros((2, 2))}, xlim=(0, 1), ylim=(0, 1))
    plot_curves({"c": [1, 2]}, xlabel="x", ylabel="y", title="t")


# --- interactive_figure ------------------------------------------------------------------------

def _decode(png_base64):
    import base64

    return base64.b64decode(png_base64)


def _line_at(slope):
    _, ax = plt.subplots()
    ax.plot([0, 1], [0, slope])
    ax.set_title(f"slope {slope}")
    return ax


def test_interactive_figure_carries_the_widget_the_picture_and_a_note():
    import ipywidgets as widgets

    from nnlib.plotting import INTERACTIVE_NOTE, interactive_figure

    slider = widgets.FloatSlider(value=2.0, min=0.0, max=5.0)
    shown = interactive_figure(_line_at, slope=slider)
    bundle = shown._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == shown.widget.model_id
    assert bundle["text/plain"] == INTERACTIVE_NOTE
    png = _decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG") and png == shown.png
    # the live widget shows the same picture, under the controls
    (picture,) = shown.output.outputs
    assert _decode(picture["data"]["image/png"]) == png
    assert slider in shown.widget.children[0].children
    assert plt.get_fignums() == []                 # drawn, saved and closed: not shown twice


def test_moving_a_control_replaces_the_picture_with_the_new_figure():
    import ipywidgets as widgets

    from nnlib.plotting import interactive_figure

    calls = []

    def draw(slope, label):
        calls.append((slope, label))
        return _line_at(slope).figure                # a Figure works as well as an Axes

    slider, text = widgets.FloatSlider(value=1.0), widgets.Text(value="a")
    shown = interactive_figure(draw, slope=slider, label=text)
    first = shown.png
    slider.value = 3.0
    text.value = "b"
    assert calls == [(1.0, "a"), (3.0, "a"), (3.0, "b")]
    assert shown.png != first
    assert len(shown.output.outputs) == 1          # replaced, not appended
    assert _decode(shown.output.outputs[0]["data"]["image/png"]) == shown.png
    assert _decode(shown._repr_mimebundle_()["image/png"]) == shown.png


def test_interactive_figure_needs_a_control():
    from nnlib.plotting import interactive_figure

    with pytest.raises(ValueError, match="interactive_figure: no controls given"):
        interactive_figure(_line_at)
