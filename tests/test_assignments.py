"""The chapters' exercises are proper nbgrader assignments, the graded notebooks built from
them are quick and faithful to the chapters, and the student versions that `make assignments`
writes give nothing away.

The committed notebooks are the teacher's versions: solution regions, hidden tests and model
written answers are in them (and run under nbval). The graded notebook of a chapter is its
exercises behind a set-up cell (teacher/graded.py); with the model solutions it must run in
seconds and print what the exercises print at the end of the chapter. nbgrader's
generate_assignment must strip solutions, hidden tests and model answers; here every line of
them is looked for in the student versions. The chapters fold their solutions, hidden tests and
written answers for a learner reading alone (scripts/fold_solutions.py); the student versions
must show every cell unfolded.
"""
import time
from pathlib import Path

import nbformat
import pytest

from teacher_modules import load_teacher_module

pytestmark = pytest.mark.classroom      # make test-classroom (and CI), not make test

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
TEXT_STUB = "YOUR ANSWER HERE"


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def split_regions(source, begin, end):
    """(lines inside begin/end marker lines, lines outside them), marker lines left out."""
    inside, outside, within = [], [], False
    for line in source.splitlines():
        if begin in line:
            assert not within, f"nested {begin!r}"
            within = True
        elif end in line:
            assert within, f"{end!r} without {begin!r}"
            within = False
        else:
            (inside if within else outside).append(line)
    assert not within, f"{begin!r} without {end!r}"
    return inside, outside


def secret_and_public_lines(teacher):
    """Lines only the teacher's version may hold (solutions, hidden tests, model answers), and
    the lines both versions show."""
    secret, public = [], []
    for cell in teacher.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "markdown" and meta.get("solution"):
            secret += cell.source.splitlines()
            continue
        inside, outside = cell.source.splitlines(), []
        if cell.cell_type == "code" and meta.get("solution"):
            inside, outside = split_regions(cell.source, "BEGIN SOLUTION", "END SOLUTION")
            secret += inside
        elif cell.cell_type == "code" and meta.get("grade"):
            inside, outside = split_regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
            secret += inside
        else:
            outside = inside
        public += outside
    return secret, public


def student_text(notebook):
    """Everything a student's notebook shows: sources and any stored output text."""
    parts = []
    for cell in notebook.cells:
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts.append(str(output))
    return "\n".join(parts)


# ------------------------------------------------------------------ the teacher's versions

@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_carry_valid_nbgrader_metadata(path):
    from nbgrader.nbgraderformat import MetadataValidator

    notebook = nbformat.read(path, as_version=4)
    MetadataValidator().validate_nb(notebook)          # nbgrader's own schema check (version 3)
    graded = [cell for cell in notebook.cells if nbgrader_meta(cell)]
    assert graded, f"{path.name} has no nbgrader exercise cells"
    ids = [nbgrader_meta(cell)["grade_id"] for cell in graded]
    assert len(ids) == len(set(ids)), f"duplicate grade_ids in {path.name}"
    for cell in graded:
        meta = nbgrader_meta(cell)
        assert meta["schema_version"] == 3
        if meta["grade"] and cell.cell_type == "code":          # an autograded test cell
            assert meta["locked"] and not meta["solution"] and meta["points"] > 0, meta
        elif meta["solution"] and cell.cell_type == "code":     # a cell the student completes
            assert not meta["grade"] and not meta["locked"], meta
            inside, _ = split_regions(cell.source, "BEGIN SOLUTION", "END SOLUTION")
            assert inside, f"{meta['grade_id']}: a solution cell without a solution region"
        elif cell.cell_type == "markdown":                      # a written, hand-graded answer
            assert meta["solution"] and meta["grade"] and meta["points"] > 0, meta
        else:
            raise AssertionError(f"unexpected nbgrader cell {meta}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_two_to_four_exercises_each_autograded_at_the_end(path):
    notebook = nbformat.read(path, as_version=4)
    ids = [cell.get("id") for cell in notebook.cells]
    assert "exercises" in ids, f"{path.name}: no cell with id 'exercises' opening the exercises"
    start = ids.index("exercises")
    assert all(not nbgrader_meta(cell) for cell in notebook.cells[:start]), \
        "exercise cells must come after the chapter, at the end"
    headings = [cell for cell in notebook.cells[start:]
                if cell.cell_type == "markdown" and cell.source.startswith("### Exercise")]
    assert 2 <= len(headings) <= 4, f"{path.name}: {len(headings)} exercises"
    for number in range(1, len(headings) + 1):
        tests = [cell for cell in notebook.cells[start:]
                 if nbgrader_meta(cell).get("grade") and cell.cell_type == "code"
                 and nbgrader_meta(cell)["grade_id"].startswith(f"ex{number}-")]
        assert tests, f"{path.name}: exercise {number} has no autograded test cell"


# ------------------------------------------------------------------ the student versions

# ------------------------------------------------------------------ the graded notebooks

def stream_text(cell):
    return "".join(output.get("text", "") for output in cell.get("outputs", [])
                   if output.get("output_type") == "stream")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_graded_notebook_is_quick_and_prints_what_the_chapter_prints(path, tmp_path):
    """The set-up rebuilds what the exercises use: with the model solutions every cell runs,
    every test passes, and each exercise cell prints exactly its stored output in the chapter."""
    from nbclient import NotebookClient

    graded_tools = load_teacher_module("graded")
    notebook = graded_tools.graded_notebook(path)
    for name, source in graded_tools.extra_files(path.stem).items():
        (tmp_path / name).write_bytes(source.read_bytes())
    assert [cell.get("id") for cell in notebook.cells[:2]] == ["graded-header", "graded-setup"]
    assert nbgrader_meta(notebook.cells[1])["locked"]
    start = time.perf_counter()
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    seconds = time.perf_counter() - start
    chapter = {cell.get("id"): cell for cell in nbformat.read(path, as_version=4).cells}
    for cell in notebook.cells[2:]:
        if cell.cell_type == "code":
            assert stream_text(cell) == stream_text(chapter[cell.get("id")]), \
                f"{path.name}, cell {cell.get('id')}: the graded notebook prints something else than the chapter"
    assert seconds < 60, f"{path.name}: the graded notebook took {seconds:.0f} s"


@pytest.fixture(scope="module")
def student_versions(tmp_path_factory):
    course_tools = load_teacher_module("course")
    course = tmp_path_factory.mktemp("course")
    released = course_tools.generate(course, [path.stem for path in NOTEBOOKS])
    return {path.stem: path for path in released}


def graded_source(path, student_versions):
    """The teacher's graded notebook nbgrader generated the student version from."""
    release = student_versions[path.stem]
    return nbformat.read(release.parent.parent.parent / "source" / path.stem / f"{path.stem}.ipynb",
                         as_version=4)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_version_gives_no_solution_away(path, student_versions):
    teacher = nbformat.read(path, as_version=4)
    student = nbformat.read(student_versions[path.stem], as_version=4)
    text = student_text(student)
    for marker in MARKERS:
        assert marker not in text, f"{path.name}: {marker!r} left in the student version"

    secret, public = secret_and_public_lines(teacher)
    setup = graded_source(path, student_versions).cells[1].source.splitlines()    # chapter code
    shown = "\n".join(public + setup + list(CODE_STUB) + [TEXT_STUB])
    checked = [line.strip() for line in secret if line.strip() and line.strip() not in shown]
    assert len(checked) >= 20, f"{path.name}: only {len(checked)} solution lines to look for"
    leaked = [line for line in checked if line in text]
    assert not leaked, f"{path.name}: solution lines in the student version: {leaked[:5]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_version_has_stubs_and_tests_and_no_outputs(path, student_versions):
    teacher = graded_source(path, student_versions)
    student = nbformat.read(student_versions[path.stem], as_version=4)
    assert [cell.get("id") for cell in student.cells] == [cell.get("id") for cell in teacher.cells]
    chapter_ids = [cell.get("id") for cell in nbformat.read(path, as_version=4).cells]
    assert [cell.get("id") for cell in teacher.cells[2:]] == chapter_ids[chapter_ids.index("exercises"):]
    intro = next(cell for cell in student.cells if cell.get("id") == "exercises")
    assert "solution" not in intro.source.lower(), "the student's intro speaks of solutions it does not have"
    hidden_cells = 0
    for cell in student.cells:
        assert not cell.get("outputs"), f"{path.name}: stored output in the student version"
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            assert all(stub in cell.source for stub in CODE_STUB), meta["grade_id"]
        elif meta.get("solution"):
            assert cell.source == TEXT_STUB, meta["grade_id"]
        elif meta.get("grade") and meta["grade_id"].endswith("-hidden-tests"):
            # only the comment that says the checks run at grading is left
            hidden_cells += 1
            (line,) = cell.source.strip().splitlines()
            assert line.startswith("# ") and "graded" in line, f"{meta['grade_id']}: {cell.source!r}"
        elif meta.get("grade"):
            assert cell.source.strip() and "assert" in cell.source, \
                f"{meta['grade_id']}: the visible checks of a test cell are gone"
    assert hidden_cells == sum(nbgrader_meta(cell).get("grade_id", "").endswith("-hidden-tests")
                               for cell in teacher.cells) > 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_blank_submission_passes_no_test_cell(path, student_versions, tmp_path):
    """The student version handed back untouched, run as grading runs it (the teacher's test
    cells, hidden tests included, in a fresh kernel): every test cell fails, visible or hidden,
    so no exercise gives points for nothing."""
    from nbclient import NotebookClient

    graded_tools = load_teacher_module("graded")
    notebook = graded_source(path, student_versions)
    blank = {cell.get("id"): cell for cell in nbformat.read(student_versions[path.stem], as_version=4).cells}
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("solution"):
            cell.source = blank[cell.get("id")].source
    for name, source in graded_tools.extra_files(path.stem).items():
        (tmp_path / name).write_bytes(source.read_bytes())
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    tests = [cell for cell in notebook.cells if cell.cell_type == "code" and nbgrader_meta(cell).get("grade")]
    assert any(nbgrader_meta(cell)["grade_id"].endswith("-hidden-tests") for cell in tests)
    passed = [nbgrader_meta(cell)["grade_id"] for cell in tests
              if not any(output.output_type == "error" for output in cell.outputs)]
    assert not passed, f"{path.name}: test cells that a blank submission passes: {passed}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_version_has_nothing_folded(path, student_versions):
    """A student must see every cell to write in it: no folded input or output, no folding tags."""
    chapter = nbformat.read(path, as_version=4)
    assert any(cell.metadata.get("jupyter", {}).get("source_hidden") for cell in chapter.cells), \
        f"{path.name}: nothing folded in the chapter, so this test checks nothing"
    student = nbformat.read(student_versions[path.stem], as_version=4)
    for cell in student.cells:
        where = f"{path.name}, cell {cell.get('id')}"
        folding = cell.metadata.get("jupyter", {})
        assert not folding.get("source_hidden") and not folding.get("outputs_hidden"), where
        assert not {"hide-cell", "hide-input", "hide-output"} & set(cell.metadata.get("tags", [])), where
        assert "<details>" not in cell.source and "<summary>" not in cell.source, where
