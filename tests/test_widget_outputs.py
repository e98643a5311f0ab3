"""Widgets read well where they cannot run: a stored notebook shows a picture, not a widget.

The chapters' interactive figures (nnlib.plotting.interactive_figure) carry a PNG of their figure
next to the live widget, and scripts/run_notebooks.py stores that picture in place of the widget
view, which without the widget state could render nowhere (nbconvert and GitHub would show the
widget's repr, ``VBox(children=(FloatLogSlider(...``, Jupyter Book an empty box).
"""
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_REPRS = ("VBox(", "HBox(", "FloatSlider(", "FloatLogSlider(", "IntSlider(", "Dropdown(",
                "Output(", "Image(")


def rich_outputs(notebook_path):
    """(cell index, output data) of every display_data and execute_result in the notebook."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            if "data" in output:
                yield index, output["data"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.name)
def test_no_stored_output_is_a_bare_widget(notebook):
    for index, data in rich_outputs(notebook):
        text = "".join(data.get("text/plain", ""))
        assert WIDGET_VIEW not in data, (
            f"{notebook.name}, cell {index}: a widget view is stored; show the widget with "
            "nnlib.plotting.interactive_figure and store the notebook with scripts/run_notebooks.py")
        assert not text.startswith(WIDGET_REPRS) or "image/png" in data, (
            f"{notebook.name}, cell {index}: the stored output is a widget's repr ({text[:40]}...), "
            "which a page without a kernel shows as raw text")


@pytest.mark.parametrize("chapter", ["03-hill-climbing", "04-numerical-gradient", "06-optimizers"])
def test_the_interactive_chapters_store_their_figure(chapter):
    from nnlib.plotting import INTERACTIVE_NOTE

    pictures = [data for _, data in rich_outputs(ROOT / "notebooks" / f"{chapter}.ipynb")
                if "".join(data.get("text/plain", "")) == INTERACTIVE_NOTE]
    assert pictures, f"{chapter}: no interactive figure stored"
    assert all("image/png" in data for data in pictures)
