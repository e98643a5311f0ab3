"""Execute notebooks in place, each in a fresh kernel, and store clean, reproducible JSON.

Used by ``make run``: ``python scripts/run_notebooks.py notebooks/*.ipynb``. Outputs are kept;
volatile metadata (execution timestamps, widget state) is stripped, a widget view that comes
with a picture of itself (nnlib.plotting.interactive_figure) is stored as that picture, the
random ids of other widget views are replaced by ids derived from the cell, and printed text that arrived in several
pieces is joined, so that a re-run changes the file only where a result changed. Notebooks run in the order given (chapter order).
Run with NNLIB_PROGRESS=0 (the Makefile does), so no progress bar lands in a stored output.
"""
import argparse
import os
import sys
import time
import uuid
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled")
VOLATILE_NOTEBOOK_METADATA = ("widgets",)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def join_streams(outputs):
    """``outputs`` with each run of consecutive stdout (or stderr) outputs joined into one."""
    joined = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (output.output_type == "stream" and previous is not None
                and previous.output_type == "stream" and previous.name == output.name):
            previous.text += output.text
        else:
            joined.append(output)
    return joined


def clean(notebook):
    """Drop metadata that changes on every run, store widgets as their pictures or give their
    views stable ids, and join split streams; keep outputs and tags.

    With the widget state not stored, a widget view points at nothing: a page rendered from the
    stored notebook (Jupyter Book, JupyterLab before the cells run) would show an empty box or
    an error where the widget was. Where the output also holds a picture of the widget's figure
    (``image/png``), the view is dropped, so every renderer shows the picture; running the cell
    brings the live widget back. Other views keep a stable id (from the cell's id) instead of
    the random ``model_id``, so re-runs do not rewrite it. How a
    cell's printed text is cut into stream outputs depends on when the kernel flushed it, so
    consecutive outputs of the same stream are joined into one (nbval compares them joined).
    """
    for key in VOLATILE_NOTEBOOK_METADATA:
        notebook.metadata.pop(key, None)
    for cell in notebook.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if "outputs" in cell:
            cell.outputs = join_streams(cell.outputs)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data and "image/png" in data:
                del data[WIDGET_VIEW]
        views = [output["data"][WIDGET_VIEW] for output in cell.get("outputs", [])
                 if WIDGET_VIEW in output.get("data", {})]
        for number, view in enumerate(views):
            view["model_id"] = uuid.uuid5(uuid.NAMESPACE_URL, f"{cell.id}/{number}").hex
    return notebook


def run(path, timeout):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=False,
    )
    client.execute()
    nbformat.write(clean(notebook), path)


def main(argv=None):
    # Kernels must use matplotlib's inline backend, or figures would be missing from the outputs.
    os.environ.pop("MPLBACKEND", None)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    for path in sorted(args.notebooks):
        start = time.perf_counter()
        print(f"running {path} ...", flush=True)
        try:
            run(path, args.timeout)
        except CellExecutionError as error:
            print(f"{path}: a cell failed; the notebook was not rewritten.\n{error}", file=sys.stderr)
            return 1
        print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
