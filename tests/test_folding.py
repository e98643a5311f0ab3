"""The exercises don't give themselves away: the folding contract (scripts/fold_solutions.py).

In every chapter notebook a learner sees the tasks and the visible checks; model solutions,
hidden tests and our written answers are folded until the reader expands them. The notebooks
stay the teachers' complete nbgrader source, every exercise is worth the points its heading
states, and the graded notebooks built from them (teacher/graded.py, which become the student
versions) have nothing folded. Cheap: no kernel is started.
"""
import copy
import re
from pathlib import Path

import nbformat
import pytest

from teacher_modules import load_script, load_teacher_module

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
fold_solutions = load_script(ROOT / "scripts" / "fold_solutions.py", "fold_solutions")

FOLD_TAGS = {"solution", "hide-cell", "hidden-tests", "hide-input", "hide-output"}


def nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def jupyter(cell):
    return cell.metadata.get("jupyter", {})


def read(path):
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_model_solutions_are_folded(path):
    cells = [cell for cell in read(path).cells if fold_solutions.is_solution_code(cell)]
    assert cells, f"{path.name}: no solution cells"
    for cell in cells:
        where = f"{path.name}, cell {cell.get('id')}"
        assert jupyter(cell).get("source_hidden") is True and jupyter(cell).get("outputs_hidden") is True, \
            f"{where}: a model solution whose input or output is not folded (run scripts/fold_solutions.py)"
        assert {"solution", "hide-cell"} <= set(cell.metadata.get("tags", [])), where


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_hidden_tests_are_in_folded_cells_after_the_visible_checks(path):
    cells = read(path).cells
    hidden = 0
    for index, cell in enumerate(cells):
        if not fold_solutions.is_test_cell(cell):
            continue
        grade_id, where = nbgrader(cell)["grade_id"], f"{path.name}, cell {cell.get('id')}"
        assert cell.get("id") == grade_id, f"{where}: cell id and grade_id differ"
        if fold_solutions.is_hidden_tests_cell(cell):
            hidden += 1
            before = cells[index - 1]
            assert fold_solutions.is_test_cell(before) and \
                fold_solutions.hidden_grade_id(nbgrader(before)["grade_id"]) == grade_id, \
                f"{where}: a hidden-tests cell not right after its exercise's visible checks"
            lines = cell.source.splitlines()
            assert len(lines) >= 3 and lines[0].startswith("# ") and "graded" in lines[0], \
                f"{where}: the first line must be one comment saying the checks run at grading"
            assert lines[1] == fold_solutions.BEGIN_HIDDEN and lines[-1] == fold_solutions.END_HIDDEN, \
                f"{where}: the cell must hold the hidden-tests block and nothing else"
            assert sum(fold_solutions.BEGIN_HIDDEN in line for line in lines) == 1
            assert nbgrader(cell)["locked"] and nbgrader(cell)["points"] > 0, where
            assert jupyter(cell).get("source_hidden") is True and not jupyter(cell).get("outputs_hidden"), \
                f"{where}: hidden tests fold their input, not their output"
            assert {"hidden-tests", "hide-input"} <= set(cell.metadata.get("tags", [])), where
        else:
            assert "HIDDEN TESTS" not in cell.source, \
                f"{where}: hidden tests inside the visible checks (run scripts/fold_solutions.py)"
            assert not jupyter(cell).get("source_hidden") and not jupyter(cell).get("outputs_hidden"), \
                f"{where}: the visible checks must not be folded"
            assert not FOLD_TAGS & set(cell.metadata.get("tags", [])), where
    assert hidden, f"{path.name}: no hidden tests"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_written_answers_are_folded(path):
    cells = [cell for cell in read(path).cells if fold_solutions.is_written_answer(cell)]
    assert cells, f"{path.name}: no written answers"
    for cell in cells:
        where = f"{path.name}, cell {cell.get('id')}"
        assert cell.source.startswith(fold_solutions.DETAILS_OPEN), f"{where}: {cell.source[:80]!r}"
        assert cell.source.endswith(fold_solutions.DETAILS_CLOSE), where
        inner = cell.source[len(fold_solutions.DETAILS_OPEN):-len(fold_solutions.DETAILS_CLOSE)]
        assert inner.strip() and "<details>" not in inner, f"{where}: an empty or doubly wrapped answer"
        assert "solution" in cell.metadata.get("tags", []), where


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nothing_else_is_folded(path):
    for cell in read(path).cells:
        if fold_solutions.is_solution_code(cell) or fold_solutions.is_hidden_tests_cell(cell) \
                or fold_solutions.is_written_answer(cell):
            continue
        assert not jupyter(cell).get("source_hidden") and not jupyter(cell).get("outputs_hidden"), \
            f"{path.name}, cell {cell.get('id')}: folded, but it is neither a solution nor hidden tests"
        assert fold_solutions.SUMMARY not in cell.source, \
            f"{path.name}, cell {cell.get('id')}: folded like a written answer, but it is none"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_exercise_is_worth_the_points_its_heading_states(path):
    notebook = read(path)
    stated = {}
    for cell in notebook.cells:
        heading = re.match(r"### Exercise (\d+)\b.*\((\d+(?:\.\d+)?) points?\)", cell.source) \
            if cell.cell_type == "markdown" else None
        if heading:
            stated[int(heading.group(1))] = float(heading.group(2))
    assert stated, f"{path.name}: no exercise headings with points"
    graded = {}
    for cell in notebook.cells:
        if nbgrader(cell).get("grade"):
            number = int(re.match(r"ex(\d+)-", nbgrader(cell)["grade_id"]).group(1))
            graded[number] = graded.get(number, 0) + nbgrader(cell)["points"]
    assert graded == stated, f"{path.name}: points in the cells {graded}, in the headings {stated}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_folding_again_changes_nothing(path):
    notebook = read(path)
    again = fold_solutions.fold(copy.deepcopy(notebook), where=path.name)
    assert nbformat.writes(again) == nbformat.writes(notebook), \
        f"{path.name}: not folded, or folded differently (run scripts/fold_solutions.py {path})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_exercises_intro_says_how_to_open_what_is_folded(path):
    intro = next(cell for cell in read(path).cells if cell.get("id") == "exercises")
    text = intro.source.lower()
    for words in ("folded", "our answer", "hidden checks", "student version"):
        assert words in text, f"{path.name}: the exercises' intro does not mention {words!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_graded_notebook_has_nothing_folded(path):
    """The graded notebook becomes the student version: a student must see every cell."""
    notebook = load_teacher_module("graded").graded_notebook(path)
    for cell in notebook.cells:
        where = f"{path.name}, cell {cell.get('id')}"
        assert not jupyter(cell).get("source_hidden") and not jupyter(cell).get("outputs_hidden"), where
        assert not FOLD_TAGS & set(cell.metadata.get("tags", [])), where
        assert "<details>" not in cell.source and "</details>" not in cell.source, where
    chapter = read(path)
    answers = {cell.get("id"): cell for cell in chapter.cells if fold_solutions.is_written_answer(cell)}
    for cell in notebook.cells:
        if cell.get("id") in answers:                       # the model answer, unwrapped
            assert cell.source.strip() in answers[cell.get("id")].source


# ------------------------------------------------------------------ the script itself

def exercise_notebook(test_source, answer="Because.", points=3):
    """A small exercise: task, solution, test cell (with ``test_source``), written answer."""
    task = nbformat.v4.new_markdown_cell(f"### Exercise 1 — Something ({points + 1} points)")
    task.id = "ex1-task"
    solution = nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION")
    solution.id = "ex1-solution"
    solution.metadata["nbgrader"] = {"grade": False, "grade_id": "ex1-solution", "locked": False,
                                     "schema_version": 3, "solution": True, "task": False}
    solution.metadata["tags"] = ["nbval-ignore-output"]
    tests = nbformat.v4.new_code_cell(test_source)
    tests.id = "ex1-tests"
    tests.metadata["nbgrader"] = {"grade": True, "grade_id": "ex1-tests", "locked": True, "points": points,
                                  "schema_version": 3, "solution": False, "task": False}
    written = nbformat.v4.new_markdown_cell(answer)
    written.id = "ex1-answer"
    written.metadata["nbgrader"] = {"grade": True, "grade_id": "ex1-answer", "locked": False, "points": 1,
                                    "schema_version": 3, "solution": True, "task": False}
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [task, solution, tests, written]
    return notebook


TESTS = "assert f() == 1\n### BEGIN HIDDEN TESTS\nassert f() + 1 == 2\n\n### END HIDDEN TESTS\n"


def test_the_script_splits_folds_and_wraps():
    notebook = fold_solutions.fold(exercise_notebook(TESTS))
    assert [cell.get("id") for cell in notebook.cells] == \
        ["ex1-task", "ex1-solution", "ex1-tests", "ex1-hidden-tests", "ex1-answer"]
    _, solution, tests, hidden, answer = notebook.cells
    assert solution.metadata.jupyter == {"source_hidden": True, "outputs_hidden": True}
    assert solution.metadata.tags == ["nbval-ignore-output", "solution", "hide-cell"]
    assert tests.source == "assert f() == 1" and tests.metadata.nbgrader.points == 1.5
    assert hidden.source == ("# Exercise 1: further checks. They run when your work is graded.\n"
                             "### BEGIN HIDDEN TESTS\nassert f() + 1 == 2\n\n### END HIDDEN TESTS")
    assert hidden.metadata.nbgrader == {"grade": True, "grade_id": "ex1-hidden-tests", "locked": True,
                                        "points": 1.5, "schema_version": 3, "solution": False, "task": False}
    assert hidden.metadata.jupyter == {"source_hidden": True}
    assert hidden.metadata.tags == ["hidden-tests", "hide-input"]
    assert answer.source == "<details>\n<summary>Our answer (try yours first)</summary>\n\nBecause.\n\n</details>"
    from nbgrader.nbgraderformat import MetadataValidator

    MetadataValidator().validate_nb(notebook)
    nbformat.validate(notebook)


def test_the_script_is_idempotent_and_follows_changed_texts():
    once = fold_solutions.fold(exercise_notebook(TESTS, points=2))
    twice = fold_solutions.fold(copy.deepcopy(once))
    assert nbformat.writes(twice) == nbformat.writes(once)
    assert [cell.metadata.nbgrader.get("points") for cell in once.cells[2:4]] == [1, 1]
    # another hand rewrites a written answer without the wrapper, and a visible check
    once.cells[4].source = "A better answer."
    once.cells[2].source = "assert f() == 1, 'f() should return 1'"
    again = fold_solutions.fold(copy.deepcopy(once))
    assert again.cells[4].source == fold_solutions.DETAILS_OPEN + "A better answer." + fold_solutions.DETAILS_CLOSE
    assert again.cells[2].source == once.cells[2].source and len(again.cells) == 5


def test_the_script_refuses_what_it_cannot_decide():
    after = exercise_notebook(TESTS + "print('done')\n")
    with pytest.raises(fold_solutions.FoldError, match="code after"):
        fold_solutions.fold(after)
    only_hidden = exercise_notebook("### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS")
    with pytest.raises(fold_solutions.FoldError, match="hidden tests only"):
        fold_solutions.fold(only_hidden)
    merged = fold_solutions.fold(exercise_notebook(TESTS))
    merged.cells[2].source = TESTS                  # an old combined cell merged beside the new one
    with pytest.raises(fold_solutions.FoldError, match="exists too"):
        fold_solutions.fold(merged)
