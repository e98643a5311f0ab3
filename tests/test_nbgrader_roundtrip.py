"""The whole nbgrader round trip for one chapter, in a temporary course directory:
generate the student version, hand in three submissions, autograde them, read the grade table.

- the teacher's solutions typed into the student version -> every autograded point;
- the student version handed back untouched -> 0 autograded points, no crash, and its blank
  written answers left for the teacher (pending), not scored 0;
- one wrong answer (softmax normalised over the whole batch instead of each row) -> only that
  exercise's test fails: partial marks.

Grading runs chapter 2's graded notebook: its exercises after a set-up cell (teacher/graded.py).
"""
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
    for student, notebook in [("ada", answered), ("blake", student_version), ("cleo", wrong)]:
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


def test_a_wrong_answer_gets_partial_marks(graded):
    rows, course, _ = graded
    cleo = rows["cleo"]
    assert 0 < cleo["autograded_score"] < cleo["autograded_max"]
    scores = cell_scores(course, "cleo")
    assert scores["ex3-tests"] == (0, 2)             # the broken softmax fails its tests
    assert all(scores[name][0] == scores[name][1] for name in ("ex1-tests", "ex2-tests", "ex4-tests"))


def test_the_grade_table_is_written(graded):
    rows, _, table = graded
    with table.open() as handle:
        written = list(csv.DictReader(handle))
    assert sorted(row["student"] for row in written) == ["ada", "blake", "cleo"]
    assert {row["chapter"] for row in written} == {CHAPTER}
    assert [float(row["autograded_score"]) for row in sorted(written, key=lambda r: r["student"])] \
        == [rows[name]["autograded_score"] for name in ("ada", "blake", "cleo")]
