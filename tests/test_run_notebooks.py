"""scripts/run_notebooks.py stores outputs that a re-run does not rewrite needlessly."""
import copy

import nbformat

from teacher_modules import ROOT, load_script

run_notebooks = load_script(ROOT / "scripts" / "run_notebooks.py", "run_notebooks")


def executed_notebook(model_id):
    """A notebook as nbclient leaves it: timing metadata, widget state, a widget view."""
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("slider", id="cell-with-widget")
    cell.metadata["execution"] = {"iopub.execute_input": "2026-11-23T12:00:00Z"}
    cell.metadata["tags"] = ["keep-me"]
    cell.outputs = [nbformat.v4.new_output(
        "display_data",
        data={run_notebooks.WIDGET_VIEW: {"model_id": model_id, "version_major": 2,
                                          "version_minor": 0},
              "text/plain": "IntSlider(value=3)"},
    )]
    notebook.cells.append(cell)
    notebook.metadata["widgets"] = {"state": {model_id: {}}}
    return notebook


def test_clean_strips_volatile_metadata_and_keeps_tags_and_outputs():
    notebook = run_notebooks.clean(executed_notebook("a" * 32))
    cell = notebook.cells[0]
    assert "widgets" not in notebook.metadata
    assert "execution" not in cell.metadata
    assert cell.metadata["tags"] == ["keep-me"]
    assert cell.outputs[0]["data"]["text/plain"] == "IntSlider(value=3)"


def test_two_runs_with_different_widget_ids_store_the_same_notebook():
    first = run_notebooks.clean(executed_notebook("0123456789abcdef" * 2))
    second = run_notebooks.clean(executed_notebook("fedcba9876543210" * 2))
    assert nbformat.writes(first) == nbformat.writes(second)
    view = first.cells[0].outputs[0]["data"][run_notebooks.WIDGET_VIEW]
    assert view["model_id"] != "0123456789abcdef" * 2 and len(view["model_id"]) == 32


def test_widget_views_in_different_cells_get_different_ids():
    notebook = executed_notebook("a" * 32)
    other = copy.deepcopy(notebook.cells[0])
    other.id = "another-cell"
    notebook.cells.append(other)
    cleaned = run_notebooks.clean(notebook)
    ids = [cell.outputs[0]["data"][run_notebooks.WIDGET_VIEW]["model_id"] for cell in cleaned.cells]
    assert ids[0] != ids[1]


def test_a_widget_view_that_comes_with_its_picture_is_stored_as_the_picture():
    notebook = executed_notebook("a" * 32)
    data = notebook.cells[0].outputs[0]["data"]
    data["image/png"], data["text/plain"] = "iVBORw0KGgo=", "An interactive figure"
    stored = run_notebooks.clean(notebook).cells[0].outputs[0]["data"]
    assert stored == {"image/png": "iVBORw0KGgo=", "text/plain": "An interactive figure"}


def test_printed_text_cut_into_pieces_is_stored_as_one_output_per_stream():
    notebook = executed_notebook("a" * 32)
    notebook.cells[0].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="epoch: 1\n"),
        nbformat.v4.new_output("stream", name="stdout", text="epoch: 2\n"),
        nbformat.v4.new_output("stream", name="stderr", text="a warning\n"),
        nbformat.v4.new_output("stream", name="stdout", text="done\n"),
        nbformat.v4.new_output("stream", name="stdout", text="really\n"),
    ]
    outputs = run_notebooks.clean(notebook).cells[0].outputs
    assert [(output.name, output.text) for output in outputs] == [
        ("stdout", "epoch: 1\nepoch: 2\n"), ("stderr", "a warning\n"), ("stdout", "done\nreally\n"),
    ]
