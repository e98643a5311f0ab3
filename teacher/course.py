"""Hand the chapters out as nbgrader assignments and grade what comes back.

    python teacher/course.py assignments [--course DIR] [CHAPTER ...]
    python teacher/course.py grade SUBMISSIONS [--course DIR] [--csv FILE] [--jobs N] [CHAPTER ...]

``assignments`` (``make assignments``) copies the chapters from notebooks/ into the course
directory (default build/course/, git-ignored) as ``source/<chapter>/<chapter>.ipynb`` and runs
nbgrader's generate_assignment on each: the student versions land in
``release/<chapter>/<chapter>.ipynb``, with every solution region replaced by
``raise NotImplementedError()``, every written answer by ``YOUR ANSWER HERE`` and the hidden
tests removed.

``grade`` (``make grade SUBMISSIONS=...``) takes a folder laid out as nbgrader lays out
collected work, ``<student>/<chapter>/<chapter>.ipynb``, copies it into the course's
``submitted/`` folder, autogrades every submission (nbgrader re-runs the whole notebook with the
teacher's locked test cells, hidden tests included) in ``--jobs`` parallel processes, and writes
one row per student and chapter to a CSV file (default build/grades.csv). Written answers are
graded by a person in nbgrader's formgrader; until then the table marks them as pending.

A chapter is named by its notebook's file name without ``.ipynb`` ("02-random-search") or by
its number ("02"). Everything nbgrader writes (gradebook.db included) stays in the course
directory. Settings: teacher/nbgrader_config.py.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CONFIG = Path(__file__).resolve().parent / "nbgrader_config.py"
DEFAULT_COURSE = ROOT / "build" / "course"
DEFAULT_CSV = ROOT / "build" / "grades.csv"
CSV_COLUMNS = ["student", "chapter", "autograded_score", "autograded_max", "written_score",
               "written_max", "needs_manual_grade", "score", "max_score"]

# nbgrader runs the `alembic` command by name when it opens a gradebook: make the one next to
# this Python findable even when the virtual environment is not activated (as under make).
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
# Quiet, single-threaded kernels, as in `make test` (see nbgrader_config.py).
for _name, _value in {"NNLIB_PROGRESS": "0", "OPENBLAS_NUM_THREADS": "1",
                      "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}.items():
    os.environ.setdefault(_name, _value)


def chapter_names(wanted=None):
    """The chapter notebooks' names (file names without .ipynb), all of them or the ones asked for."""
    available = sorted(path.stem for path in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if not wanted:
        return available
    chosen = []
    for name in wanted:
        matches = [chapter for chapter in available if chapter == name or chapter[:2] == name]
        if len(matches) != 1:
            raise SystemExit(f"course.py: no chapter {name!r} in {NOTEBOOKS}; "
                             f"expected one of {', '.join(available)} (or its number).")
        chosen.append(matches[0])
    return chosen


def prepare(course, chapters):
    """Create the course directory with the config and the teacher's notebooks in source/."""
    course = Path(course)
    course.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CONFIG, course / "nbgrader_config.py")
    for chapter in chapters:
        folder = course / "source" / chapter
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NOTEBOOKS / f"{chapter}.ipynb", folder / f"{chapter}.ipynb")


def nbgrader_api(course):
    """nbgrader's Python API for the course directory, with the course's configuration."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    course = Path(course).resolve()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    return NbGraderAPI(config=config)


def _check(result, what):
    if not result["success"]:
        raise RuntimeError(f"course.py: nbgrader failed to {what}.\n{result.get('log', '')}"
                           f"{result.get('error', '')}")


def generate(course, chapters):
    """Student versions of the chapters (nbgrader generate_assignment). Returns their paths."""
    prepare(course, chapters)
    api = nbgrader_api(course)
    released = []
    for chapter in chapters:
        _check(api.generate_assignment(chapter, force=True), f"generate the assignment {chapter}")
        released.append(Path(course) / "release" / chapter / f"{chapter}.ipynb")
    return released


def ensure_generated(course, chapters):
    """Generate the chapters the gradebook does not know yet (grading needs their source).

    Chapters already there are left as they are: regenerate them explicitly with
    ``assignments`` if the teacher's notebooks changed.
    """
    from nbgrader.api import Gradebook, MissingEntry

    prepare(course, [])                                        # the course folder and its config
    missing = []
    with Gradebook(nbgrader_api(course).coursedir.db_url) as gradebook:
        for chapter in chapters:
            try:
                gradebook.find_notebook(chapter, chapter)
            except MissingEntry:
                missing.append(chapter)
    if missing:
        generate(course, missing)
    return missing


def find_submissions(folder, chapters=None):
    """(student, chapter) pairs of a folder laid out as <student>/<chapter>/<chapter>.ipynb."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SystemExit(f"course.py: the submissions folder {folder} does not exist; expected "
                         "one folder per student holding <chapter>/<chapter>.ipynb.")
    pairs = sorted((path.parent.parent.name, path.parent.name)
                   for path in folder.glob("*/*/*.ipynb")
                   if path.stem == path.parent.name and ".ipynb_checkpoints" not in path.parts)
    if chapters:
        pairs = [(student, chapter) for student, chapter in pairs if chapter in chapters]
    if not pairs:
        raise SystemExit(f"course.py: no submissions in {folder}; expected files "
                         "<student>/<chapter>/<chapter>.ipynb, e.g. alice/02-random-search/02-random-search.ipynb.")
    return pairs


def autograde(course, pairs):
    """Autograde (student, chapter) pairs one after the other, in this process.

    Returns {"student/chapter": error text or None}.
    """
    import warnings

    from sqlalchemy.exc import SAWarning

    # nbgrader 0.9 with SQLAlchemy 2 warns about its own session use on every submission; the
    # grades are saved all the same (grade_rows reads them back).
    warnings.filterwarnings("ignore", category=SAWarning)
    api = nbgrader_api(course)
    outcome = {}
    for student, chapter in pairs:
        result = api.autograde(chapter, student, force=True, create=True)
        outcome[f"{student}/{chapter}"] = None if result["success"] else (
            result.get("log", "") + result.get("error", ""))
    return outcome


def autograde_in_parallel(course, pairs, jobs):
    """Split the pairs over ``jobs`` worker processes (each runs ``autograde``); retry failures
    (a gradebook busy with another worker's write, say) once, in this process."""
    jobs = max(1, min(jobs, len(pairs)))
    shares = [pairs[index::jobs] for index in range(jobs)]
    workers = [subprocess.Popen([sys.executable, __file__, "autograde-worker", "--course", str(course)]
                                + [f"{student}/{chapter}" for student, chapter in share],
                                stdout=subprocess.PIPE, text=True)
               for share in shares]
    outcome = {}
    for worker in workers:
        output, _ = worker.communicate()
        lines = output.strip().splitlines()
        outcome.update(json.loads(lines[-1]) if worker.returncode == 0 and lines else {})
    failed = [(student, chapter) for student, chapter in pairs
              if outcome.get(f"{student}/{chapter}", "missing") is not None]
    if failed:
        outcome.update(autograde(course, failed))
    return outcome


def _sum(values):
    return float(sum(value for value in values if value is not None))


def grade_rows(course, pairs):
    """One dict per (student, chapter) from the gradebook, in CSV_COLUMNS order."""
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(nbgrader_api(course).coursedir.db_url) as gradebook:
        for student, chapter in pairs:
            notebook = gradebook.find_submission_notebook(chapter, chapter, student)
            autograded = [grade for grade in notebook.grades if grade.cell_type == "code"]
            written = [grade for grade in notebook.grades if grade.cell_type != "code"]
            pending = any(grade.needs_manual_grade for grade in written)
            rows.append({
                "student": student,
                "chapter": chapter,
                "autograded_score": _sum(grade.score for grade in autograded),
                "autograded_max": _sum(grade.max_score for grade in autograded),
                "written_score": "pending" if pending else _sum(grade.score for grade in written),
                "written_max": _sum(grade.max_score for grade in written),
                "needs_manual_grade": notebook.needs_manual_grade,
                "score": float(notebook.score),
                "max_score": float(notebook.max_score),
            })
    return rows


def write_csv(rows, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def grade(submissions, course=DEFAULT_COURSE, csv_path=DEFAULT_CSV, jobs=2, chapters=None):
    """Autograde a folder of submissions and write the grade table. Returns the rows."""
    course = Path(course).resolve()
    pairs = find_submissions(submissions, chapters)
    unknown = sorted({chapter for _, chapter in pairs} - set(chapter_names()))
    if unknown:
        raise SystemExit(f"course.py: submissions for unknown chapters {unknown}; "
                         f"the chapters are {', '.join(chapter_names())}.")
    ensure_generated(course, sorted({chapter for _, chapter in pairs}))
    submitted = course / "submitted"
    if Path(submissions).resolve() != submitted:
        for student, chapter in pairs:
            target = submitted / student / chapter
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(Path(submissions) / student / chapter, target)
    outcome = autograde_in_parallel(course, pairs, jobs)
    failed = {key: error for key, error in outcome.items() if error is not None}
    if failed:
        raise RuntimeError("course.py: nbgrader could not grade " + ", ".join(failed) + ":\n"
                           + "\n".join(failed.values()))
    rows = grade_rows(course, pairs)
    if csv_path is not None:
        write_csv(rows, csv_path)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("assignments", help="write the student version of every chapter")
    make.add_argument("chapters", nargs="*", help="chapters (default: all)")
    make.add_argument("--course", type=Path, default=DEFAULT_COURSE)
    mark = commands.add_parser("grade", help="autograde a folder of submissions, write a CSV table")
    mark.add_argument("submissions", type=Path, help="folder of <student>/<chapter>/<chapter>.ipynb")
    mark.add_argument("chapters", nargs="*", help="chapters to grade (default: all found)")
    mark.add_argument("--course", type=Path, default=DEFAULT_COURSE)
    mark.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    mark.add_argument("--jobs", type=int, default=2, help="parallel grading processes (default 2)")
    worker = commands.add_parser("autograde-worker", help=argparse.SUPPRESS)
    worker.add_argument("--course", type=Path, required=True)
    worker.add_argument("pairs", nargs="+", help="student/chapter")
    args = parser.parse_args(argv)

    if args.command == "assignments":
        for path in generate(args.course, chapter_names(args.chapters)):
            print(f"student version: {path}")
    elif args.command == "grade":
        start = time.perf_counter()
        rows = grade(args.submissions, args.course, args.csv, args.jobs, chapter_names(args.chapters)
                     if args.chapters else None)
        for row in rows:
            print(f"{row['student']:20s} {row['chapter']:24s} autograded {row['autograded_score']:g}"
                  f"/{row['autograded_max']:g}, written {row['written_score']}/{row['written_max']:g}")
        print(f"{len(rows)} submissions graded in {time.perf_counter() - start:.0f} s; "
              f"table: {args.csv}")
    else:
        pairs = [tuple(pair.split("/", 1)) for pair in args.pairs]
        print(json.dumps(autograde(args.course, pairs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
