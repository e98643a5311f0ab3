"""Made-up submissions, for trying out the grading before real work comes in.

    python teacher/submissions.py FOLDER CHAPTER [--students N] [--course DIR]

writes FOLDER/<student>/<chapter>/<chapter>.ipynb for N made-up students, in turn: the student
version answered with the teacher's solutions, the student version handed back untouched, and
one with only the first half of the exercises answered. `make grade SUBMISSIONS=FOLDER` then
grades them. The student version is the one `make assignments` wrote into the course directory
(default build/course/). scripts/grade_timing.py and tests/test_nbgrader_roundtrip.py use the
same functions.
"""
import argparse
import copy
import sys
from pathlib import Path

import nbformat

DEFAULT_COURSE = Path(__file__).resolve().parent.parent / "build" / "course"
KINDS = ("answered", "blank", "half")


def solution_cells(notebook):
    """{grade_id: cell} for the cells a student fills in (nbgrader solution cells)."""
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in notebook.cells
            if cell.metadata.get("nbgrader", {}).get("solution")}


def answered(student_version, teacher_version, grade_ids=None):
    """A copy of the student version with the teacher's text in the solution cells named by
    ``grade_ids`` (all of them by default): what a student with the model answers hands in."""
    teacher = solution_cells(teacher_version)
    notebook = copy.deepcopy(student_version)
    for grade_id, cell in solution_cells(notebook).items():
        if grade_ids is None or grade_id in grade_ids:
            cell.source = teacher[grade_id].source
    return notebook


def write_submission(folder, student, chapter, notebook):
    """Save ``notebook`` where nbgrader expects collected work: <student>/<chapter>/<chapter>.ipynb."""
    path = Path(folder) / student / chapter / f"{chapter}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def make_class(folder, course, chapter, students):
    """Write ``students`` made-up submissions of ``chapter``, cycling through KINDS.

    Returns {student: kind}.
    """
    student_version = nbformat.read(Path(course) / "release" / chapter / f"{chapter}.ipynb", 4)
    teacher_version = nbformat.read(Path(course) / "source" / chapter / f"{chapter}.ipynb", 4)
    grade_ids = list(solution_cells(teacher_version))
    versions = {
        "answered": answered(student_version, teacher_version),
        "blank": student_version,
        "half": answered(student_version, teacher_version, grade_ids[:len(grade_ids) // 2]),
    }
    roster = {}
    for number in range(1, students + 1):
        kind = KINDS[(number - 1) % len(KINDS)]
        student = f"student{number:02d}-{kind}"
        write_submission(folder, student, chapter, versions[kind])
        roster[student] = kind
    return roster


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("chapter", help="e.g. 02-random-search (run `make assignments` first)")
    parser.add_argument("--students", type=int, default=3)
    parser.add_argument("--course", type=Path, default=DEFAULT_COURSE)
    args = parser.parse_args(argv)
    released = sorted(path.name for path in (args.course / "release").glob(f"{args.chapter}*"))
    if len(released) == 1 and released[0][:2] == args.chapter[:2]:
        args.chapter = released[0]                      # a chapter number, like "02", is enough
    if not (args.course / "release" / args.chapter).is_dir():
        raise SystemExit(f"submissions.py: no student version of {args.chapter} in "
                         f"{args.course / 'release'}; run `make assignments` first.")
    for student, kind in make_class(args.folder, args.course, args.chapter, args.students).items():
        print(f"{args.folder / student / args.chapter}: {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
