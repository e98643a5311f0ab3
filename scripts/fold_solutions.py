"""Fold the exercises' solutions in the chapter notebooks, so that a learner sees each task and
its visible checks first, and the answers only when they ask for them.

    python scripts/fold_solutions.py notebooks/*.ipynb          (--check: change nothing, list what would change)

The chapter notebooks stay the teachers' complete nbgrader source; this only adds how each part
is shown (the folding contract; tests/test_folding.py checks it):

- a model solution (code cell, nbgrader ``solution: true``) is folded, input and output:
  ``metadata.jupyter = {source_hidden: true, outputs_hidden: true}`` for JupyterLab and
  Notebook 7, tags ``solution`` and ``hide-cell`` for a rendered page (Jupyter Book's toggle);
- the hidden tests of a test cell move into a graded, locked cell of their own right after it
  (grade_id and cell id ``exN-hidden-tests``), whose source is a one-line comment and the
  ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` block; its input is folded
  (``jupyter.source_hidden``, tags ``hidden-tests`` and ``hide-input``). The test cell keeps its
  id and the visible checks. The cell's points are shared equally between the two cells, so an
  exercise is worth what it was; in the student version nbgrader leaves only the comment in the
  new cell and puts the block back from its gradebook when it grades;
- a written answer (markdown cell, nbgrader ``solution: true``) is wrapped in
  ``<details><summary>Our answer (try yours first)</summary> ... </details>`` and tagged
  ``solution``.

Running it again changes nothing. It works on a notebook whose texts changed since it was last
folded: it reads only the nbgrader metadata and the hidden-tests markers. Cell ids are kept.
The student versions and the graded notebooks (teacher/graded.py) unfold all of this again.
"""
import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

SOLUTION_TAGS = ("solution", "hide-cell")
HIDDEN_TESTS_TAGS = ("hidden-tests", "hide-input")
ANSWER_TAGS = ("solution",)
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
SUMMARY = "<summary>Our answer (try yours first)</summary>"
DETAILS_OPEN = "<details>\n" + SUMMARY + "\n\n"
DETAILS_CLOSE = "\n\n</details>"
HIDDEN_COMMENT = "# {exercise}: further checks. They run when your work is graded."


class FoldError(ValueError):
    """The notebook cannot be folded without a decision only a person can make."""


def nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_solution_code(cell):
    return cell.cell_type == "code" and nbgrader(cell).get("solution", False)


def is_written_answer(cell):
    return cell.cell_type == "markdown" and nbgrader(cell).get("solution", False)


def is_test_cell(cell):
    meta = nbgrader(cell)
    return cell.cell_type == "code" and meta.get("grade", False) and not meta.get("solution", False)


def hidden_grade_id(test_grade_id):
    """"ex2-tests" -> "ex2-hidden-tests" (any other grade_id gets "-hidden" after it)."""
    if test_grade_id.endswith("-tests"):
        return test_grade_id[:-len("-tests")] + "-hidden-tests"
    return test_grade_id + "-hidden"


def is_hidden_tests_cell(cell):
    return is_test_cell(cell) and nbgrader(cell).get("grade_id", "").endswith("-hidden-tests")


def add_tags(cell, tags):
    present = cell.metadata.setdefault("tags", [])
    for tag in tags:
        if tag not in present:
            present.append(tag)


def fold_metadata(cell, source_hidden, outputs_hidden):
    jupyter = cell.metadata.setdefault("jupyter", {})
    jupyter["source_hidden"] = source_hidden
    if outputs_hidden:
        jupyter["outputs_hidden"] = True
    else:
        jupyter.pop("outputs_hidden", None)


def split_hidden(source, where):
    """(visible source, hidden block) of a test cell's source; the block is None if it has none.

    The block runs from the BEGIN line to the END line, both included. Only blank lines may
    follow it: code after the block would run after the hidden tests, and moving it would
    change what runs when.
    """
    lines = source.splitlines()
    begins = [i for i, line in enumerate(lines) if BEGIN_HIDDEN in line]
    ends = [i for i, line in enumerate(lines) if END_HIDDEN in line]
    if not begins and not ends:
        return source, None
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise FoldError(f"{where}: expected one {BEGIN_HIDDEN!r} ... {END_HIDDEN!r} block")
    begin, end = begins[0], ends[0]
    if any(line.strip() for line in lines[end + 1:]):
        raise FoldError(f"{where}: code after {END_HIDDEN!r}; put it before the hidden tests")
    visible = "\n".join(lines[:begin]).rstrip()
    if not visible:
        raise FoldError(f"{where}: a test cell with hidden tests only; give it visible checks first")
    return visible, "\n".join(lines[begin:end + 1])


def exercise_name(grade_id):
    match = re.match(r"ex(\d+)-", grade_id)
    return f"Exercise {match.group(1)}" if match else grade_id


def new_hidden_cell(test_cell, block, points):
    grade_id = hidden_grade_id(nbgrader(test_cell)["grade_id"])
    source = HIDDEN_COMMENT.format(exercise=exercise_name(grade_id)) + "\n" + block
    cell = nbformat.v4.new_code_cell(source)
    cell.id = grade_id
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
                                 "schema_version": 3, "solution": False, "task": False}
    return cell


def half(points):
    """Half of a cell's points: an int where that is exact, else a float."""
    halved = points / 2
    return int(halved) if float(halved).is_integer() else halved


def split_test_cells(notebook, where):
    """Move every test cell's hidden-tests block into a new cell right after it. Returns the
    number of cells split."""
    grade_ids = {nbgrader(cell).get("grade_id") for cell in notebook.cells}
    cells, split = [], 0
    for cell in notebook.cells:
        cells.append(cell)
        if not is_test_cell(cell) or is_hidden_tests_cell(cell):
            continue
        grade_id = nbgrader(cell)["grade_id"]
        visible, block = split_hidden(cell.source, f"{where}, cell {grade_id}")
        if block is None:
            continue
        hidden_id = hidden_grade_id(grade_id)
        if hidden_id in grade_ids:
            raise FoldError(f"{where}: cell {grade_id} holds hidden tests and {hidden_id} exists too "
                            f"(a merge of an old and a new version?): keep one set of hidden tests, "
                            f"in {hidden_id}, and run this again")
        points = nbgrader(cell)["points"]
        cell.source = visible
        cell.metadata["nbgrader"]["points"] = half(points)
        cells.append(new_hidden_cell(cell, block, points - half(points)))
        split += 1
    notebook.cells = cells
    return split


def wrap_answer(source):
    """A written answer inside <details>, unless it is in one already."""
    text = source.strip()
    if text.startswith("<details>") and text.endswith("</details>"):
        return source
    return DETAILS_OPEN + text + DETAILS_CLOSE


def fold(notebook, where="notebook"):
    """Apply the folding contract to ``notebook`` in place. Returns the notebook."""
    split_test_cells(notebook, where)
    for cell in notebook.cells:
        if is_solution_code(cell):
            fold_metadata(cell, source_hidden=True, outputs_hidden=True)
            add_tags(cell, SOLUTION_TAGS)
        elif is_hidden_tests_cell(cell):
            fold_metadata(cell, source_hidden=True, outputs_hidden=False)
            add_tags(cell, HIDDEN_TESTS_TAGS)
        elif is_written_answer(cell):
            cell.source = wrap_answer(cell.source)
            add_tags(cell, ANSWER_TAGS)
    return notebook


#: Every tag that folding adds, and a written answer's <details> wrapper (whatever its summary).
FOLD_TAGS = SOLUTION_TAGS + HIDDEN_TESTS_TAGS
ANSWER_WRAPPER = re.compile(r"\A\s*<details>\s*<summary>.*?</summary>\s*(.*?)\s*</details>\s*\Z", re.DOTALL)


def unfold(cell):
    """The inverse of ``fold`` for one cell: no hidden input or output, no folding tags, a
    written answer without its <details> wrapper. Changes ``cell`` and returns it.

    teacher/graded.py unfolds the exercises this way: a student must see every cell of the
    version handed out."""
    jupyter = cell.metadata.get("jupyter", {})
    for key in ("source_hidden", "outputs_hidden"):
        jupyter.pop(key, None)
    if "jupyter" in cell.metadata and not jupyter:
        del cell.metadata["jupyter"]
    if "tags" in cell.metadata:
        cell.metadata["tags"] = [tag for tag in cell.metadata["tags"] if tag not in FOLD_TAGS]
        if not cell.metadata["tags"]:
            del cell.metadata["tags"]
    wrapped = ANSWER_WRAPPER.match(cell.source) if cell.cell_type == "markdown" else None
    if wrapped:
        cell.source = wrapped.group(1)
    return cell


def fold_file(path, check=False):
    """Fold the notebook at ``path``; True if it changed (with check, nothing is written)."""
    before = nbformat.read(path, as_version=4)
    after = fold(copy.deepcopy(before), where=str(path))
    changed = nbformat.writes(after) != nbformat.writes(before)
    if changed and not check:
        nbformat.write(after, path)
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a notebook is not folded yet")
    args = parser.parse_args(argv)
    unfolded = []
    for path in args.notebooks:
        try:
            changed = fold_file(path, check=args.check)
        except FoldError as error:
            print(f"fold_solutions.py: {error}", file=sys.stderr)
            return 2
        if changed:
            unfolded.append(path)
            print(f"{path}: {'not folded yet' if args.check else 'folded'}")
    if not unfolded:
        print("every notebook is folded already")
    return 1 if args.check and unfolded else 0


if __name__ == "__main__":
    sys.exit(main())
