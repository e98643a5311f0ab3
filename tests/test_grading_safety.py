"""Grading never loses a class's grades (teacher/course.py grade).

- every file in the submissions folder is accounted for: misnamed notebooks that can only mean
  one chapter are graded with a note, the others get a "not graded" row;
- a file that is not a notebook gets an "unreadable" row, and the others are graded all the same;
- a submission that runs past the time limit is stopped and gets a "timed out" row, without
  holding the others back;
- the grade table keeps the rows of chapters graded earlier.
"""
import csv
from pathlib import Path

import nbformat
import pytest

from teacher_modules import load_teacher_module

pytestmark = pytest.mark.classroom      # make test-classroom (and CI), not make test

CHAPTER = "02-random-search"


def notebook_with_exercise_cell():
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": "ex1-solution", "locked": False,
                                 "schema_version": 3, "solution": True, "task": False}
    notebook.cells = [cell]
    return notebook


def test_misnamed_files_are_matched_or_reported(tmp_path):
    course_tools = load_teacher_module("course")
    good = notebook_with_exercise_cell()
    files = {
        "ada/02-random-search/02-random-search.ipynb": "exact",
        "ada/02-random-search/02-random-search (1).ipynb": "a second copy next to the right one",
        "bob/02-random-search/02-random-search (1).ipynb": "as browsers save it",
        "cleo/02-Random-Search/02-Random-Search.ipynb": "capitals",
        "dan/02-random-search.ipynb": "straight in the student's folder",
        "eve/02/02-random-search.ipynb": "a folder named 02",
        "fay/homework/scratch.ipynb": "matches no chapter",
        "gus/02/a.ipynb": "two files that could both be chapter 2",
        "gus/02/b.ipynb": "",
        "stray.ipynb": "not in a student's folder",
        "hal/.ipynb_checkpoints/02-random-search-checkpoint.ipynb": "a checkpoint: ignored",
    }
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(good, tmp_path / name)
    found, problems = course_tools.find_submissions(tmp_path)
    graded = {item["student"]: item for item in found}
    assert sorted(graded) == ["ada", "bob", "cleo", "dan", "eve"]
    assert all(item["chapter"] == CHAPTER for item in found)
    assert graded["ada"]["path"].name == "02-random-search.ipynb"
    assert "ignored" in graded["ada"]["note"] and "(1)" in graded["ada"]["note"]
    for student in ("bob", "cleo", "dan", "eve"):
        assert graded[student]["note"].startswith("graded "), graded[student]
    reported = {row["student"]: row for row in problems}
    assert sorted(reported) == ["?", "fay", "gus"]
    assert all(row["status"] == "not graded" and row["note"] for row in problems)
    assert "matches no chapter" in reported["fay"]["note"]
    assert "2 files could be" in reported["gus"]["note"]
    assert "not in a student's folder" in reported["?"]["note"]


def test_a_misnamed_file_in_the_course_folder_is_copied_not_moved(tmp_path):
    course_tools = load_teacher_module("course")
    submitted = tmp_path / "submitted"
    own = submitted / "ada" / CHAPTER / f"{CHAPTER} (1).ipynb"
    own.parent.mkdir(parents=True)
    nbformat.write(notebook_with_exercise_cell(), own)
    stale = submitted / "bob" / CHAPTER / f"{CHAPTER}.ipynb"          # an earlier copy
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    elsewhere = tmp_path / "new" / f"{CHAPTER}.ipynb"
    elsewhere.parent.mkdir()
    nbformat.write(notebook_with_exercise_cell(), elsewhere)
    target = course_tools.copy_into_course({"student": "ada", "chapter": CHAPTER, "path": own}, submitted)
    assert own.exists() and target == submitted / "ada" / CHAPTER / f"{CHAPTER}.ipynb"
    assert target.read_bytes() == own.read_bytes()
    course_tools.copy_into_course({"student": "bob", "chapter": CHAPTER, "path": elsewhere}, submitted)
    assert stale.read_bytes() == elsewhere.read_bytes()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course_tools, submission_tools = load_teacher_module("course"), load_teacher_module("submissions")
    work = tmp_path_factory.mktemp("safety")
    course, folder = work / "course", work / "submissions"
    (release,) = course_tools.generate(course, [CHAPTER])
    student_version = nbformat.read(release, as_version=4)
    teacher_version = nbformat.read(course / "source" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    answered = submission_tools.answered(student_version, teacher_version)

    target = folder / "ada" / CHAPTER / f"{CHAPTER} (1).ipynb"          # misnamed, but graded
    target.parent.mkdir(parents=True)
    nbformat.write(answered, target)
    broken = submission_tools.write_submission(folder, "bob", CHAPTER, answered)
    broken.write_text(broken.read_text()[:-40])                         # cut off: not JSON
    endless = submission_tools.answered(student_version, teacher_version)
    (cell,) = [cell for cell in endless.cells if cell.get("id") == "ex1-solution"]
    cell.source = cell.source.replace("### BEGIN SOLUTION", "### BEGIN SOLUTION\n    while True:\n        pass")
    submission_tools.write_submission(folder, "cleo", CHAPTER, endless)

    table = work / "grades.csv"
    with table.open("w", newline="") as handle:                         # chapter 1, graded before
        writer = csv.DictWriter(handle, fieldnames=course_tools.CSV_COLUMNS)
        writer.writeheader()
        writer.writerow({"student": "ada", "chapter": "01-loss", "status": "graded",
                         "autograded_score": 9.0, "autograded_max": 9.0})
    lines = []
    # 90 s in all per submission: ample for a complete one on a busy machine; the endless loop
    # runs into nbgrader's 60 s cell limit in exercise 1's solution and again in its test cells
    rows = course_tools.grade(folder, course, table, jobs=2, timeout=90, report=lines.append)
    return {row["student"]: row for row in rows}, table, lines


def test_every_gradable_submission_is_graded(graded):
    rows, _, lines = graded
    assert rows["ada"]["status"] == "graded"
    assert rows["ada"]["autograded_score"] == rows["ada"]["autograded_max"] == 7
    assert "02-random-search (1).ipynb" in rows["ada"]["note"]
    assert any(line.startswith("NOTE ada") for line in lines)


def test_a_broken_file_gets_a_row_and_a_console_line(graded):
    rows, _, lines = graded
    assert rows["bob"]["status"] == "unreadable"
    assert "not a readable notebook" in rows["bob"]["note"]
    assert any(line.startswith("NOT GRADED bob") for line in lines)


def test_an_endless_loop_is_stopped_and_reported(graded):
    rows, _, lines = graded
    assert rows["cleo"]["status"] == "timed out", rows["cleo"]
    assert "stopped after 90 s" in rows["cleo"]["note"]
    assert any(line.startswith("NOT GRADED cleo") for line in lines)


def test_the_table_keeps_earlier_chapters(graded):
    _, table, _ = graded
    with table.open() as handle:
        written = {(row["student"], row["chapter"]): row for row in csv.DictReader(handle)}
    assert written[("ada", "01-loss")]["autograded_score"] == "9.0"
    assert {("ada", CHAPTER), ("bob", CHAPTER), ("cleo", CHAPTER)} <= set(written)
    assert written[("bob", CHAPTER)]["status"] == "unreadable"
