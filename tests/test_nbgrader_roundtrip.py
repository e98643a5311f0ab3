"""The whole nbgrader round trip for one chapter, in a temporary course directory:
generate the student version, hand in three submissions, autograde them, read the grade table.

- the teacher's solutions typed into the student version -> every autograded point;
- the student version handed back untouched -> 0 autograded points, no crash, and its blank
  written answers left for the teacher (pending), not scored 0;
- one wrong answer (softmax normalised over the whole batch instead of each row) -> only that
  exercise's test cells fail: partial marks;
- one answer that passes the visible checks but not the hidden ones (exercise 4's guesses drawn
  from the global random stream instead of rng) -> the visible checks' points, not the hidden
  ones'. In the student version the hidden-tests cell holds only a comment; this shows that
  nbgrader puts the hidden tests back when it grades;
- the same answer with every hidden-tests cell deleted (a cell that shows only a comment looks
  like it can go) -> the same score: nbgrader puts the deleted cells back and runs them.

Grading runs chapter 2's graded notebook: its exercises after a set-up cell (teacher/graded.py).
"""
import copy
import csv
from pathlib import Path

import nbformat
import pytest

from teacher_modules import load_teacher_module

pytestmark = pytest.mark.classroom      # make test-classroom (and CI), not make test

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = "02-random-search"
RIGHT = "return exp_values / np.sum(exp_values, axis=1, keepdims=True)"
WRONG = "return exp_values / np.sum(exp_values)"
RNG = "value[...] = scale * rng.standard_normal(value.shape)"
GLOBAL_STREAM = "value[...] = scale * np.random.randn(*value.shape)"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course_tools, submission_tools = load_teacher_module("course"), load_teacher_module("submissions")
    work = tmp_path_factory.mktemp("roundtrip")
    course, folder = work / "course", work / "submissions"
    (release,) = course_tools.generate(course, [CHAPTER])
    student_version = nbformat.read(release, as_version=4)
    teacher_version = nbformat.read(ROOT / "notebooks" / f"{CHAPTER}.ipynb", as_version=4)

    answered = submission_tools.answered(student_version, teacher_version)
    wrong = submission_tools.answered(student_version, teacher_version)
    (cell,) = [cell for cell in wrong.cells if cell.get("id") == "ex3-solution"]
    assert RIGHT in cell.source
    cell.source = cell.source.replace(RIGHT, WRONG)
    unseen = submission_tools.answered(student_version, teacher_version)
    (cell,) = [cell for cell in unseen.cells if cell.get("id") == "ex4-solution"]
    assert RNG in cell.source
    cell.source = cell.source.replace(RNG, GLOBAL_STREAM)
    pruned = copy.deepcopy(unseen)
    pruned.cells = [cell for cell in pruned.cells if not cell.get("id", "").endswith("-hidden-tests")]
    assert len(pruned.cells) == len(unseen.cells) - 4
    for student, notebook in [("ada", answered), ("blake", student_version), ("cleo", wrong), ("dana", unseen),
                              ("erin", pruned)]:
        submission_tools.write_submission(folder, student, CHAPTER, notebook)

    rows = course_tools.grade(folder, course, work / "grades.csv", jobs=1)
    return {row["student"]: row for row in rows}, course, work / "grades.csv"


def cell_scores(course, student):
    """{grade_id: (score, max_score)} of one graded submission, from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    db_url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(db_url) as gradebook:
        notebook = gradebook.find_submission_notebook(CHAPTER, CHAPTER, student)
        return {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}


def test_the_teachers_solution_gets_every_autograded_point(graded):
    rows, course, _ = graded
    ada = rows["ada"]
    assert ada["autograded_max"] == 7
    assert ada["autograded_score"] == ada["autograded_max"]
    assert ada["written_score"] == "pending" and ada["needs_manual_grade"]   # read by a person


def test_a_blank_submission_gets_zero_without_a_crash(graded):
    rows, course, _ = graded
    blake = rows["blake"]
    assert blake["status"] == "graded" and blake["autograded_score"] == 0
    assert blake["written_score"] == "pending" and blake["needs_manual_grade"]   # the teacher decides
    scores = cell_scores(course, "blake")
    assert all(score == 0 for name, (score, _) in scores.items() if name.endswith("-tests"))
    # what the formgrader reads: the blank written answers wait for a person, with no automatic 0
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(CHAPTER, CHAPTER, "blake")
        written = [grade for grade in notebook.grades if grade.cell_type != "code"]
        assert written and all(grade.needs_manual_grade and grade.auto_score is None
                               and grade.manual_score is None for grade in written)
        assert notebook.needs_manual_grade


def test_a_wrong_answer_gets_partial_marks(graded):
    rows, course, _ = graded
    cleo = rows["cleo"]
    assert cleo["autograded_score"] == 5 and cleo["autograded_max"] == 7
    scores = cell_scores(course, "cleo")
    assert scores["ex3-tests"] == (0, 1)             # the broken softmax fails the visible checks
    assert scores["ex3-hidden-tests"] == (0, 1)      # and the hidden ones (rows don't sum to 1)
    assert all(scores[name][0] == scores[name][1] for name in scores
               if name.endswith("tests") and not name.startswith("ex3-"))


def test_hidden_tests_are_put_back_when_grading(graded):
    rows, course, _ = graded
    student_version = nbformat.read(course / "release" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    (hidden,) = [cell for cell in student_version.cells if cell.get("id") == "ex4-hidden-tests"]
    assert "assert" not in hidden.source                 # the student sees only a comment there
    dana = rows["dana"]
    assert dana["autograded_score"] == 6 and dana["autograded_max"] == 7
    scores = cell_scores(course, "dana")
    assert scores["ex4-tests"] == (1, 1)                 # the visible checks pass ...
    assert scores["ex4-hidden-tests"] == (0, 1)          # ... the hidden ones catch the global stream


def test_deleted_hidden_test_cells_are_put_back_and_graded(graded):
    rows, course, _ = graded
    erin = rows["erin"]
    assert erin["autograded_score"] == 6 and erin["autograded_max"] == 7
    scores = cell_scores(course, "erin")
    assert scores["ex4-hidden-tests"] == (0, 1)
    assert all(scores[f"ex{number}-hidden-tests"][0] == scores[f"ex{number}-hidden-tests"][1] > 0
               for number in (1, 2, 3))


def test_the_grade_table_is_written(graded):
    rows, _, table = graded
    with table.open() as handle:
        written = list(csv.DictReader(handle))
    assert sorted(row["student"] for row in written) == ["ada", "blake", "cleo", "dana", "erin"]
    assert {row["chapter"] for row in written} == {CHAPTER}
    assert [float(row["autograded_score"]) for row in sorted(written, key=lambda r: r["student"])] \
        == [rows[name]["autograded_score"] for name in ("ada", "blake", "cleo", "dana", "erin")]
