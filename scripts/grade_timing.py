"""Measure how long nbgrader takes to grade a class: N submissions of one chapter.

    python scripts/grade_timing.py [--chapter 02] [--students 30] [--jobs 2] [--keep DIR]

(`make grade-timing`.) In a temporary course directory it generates the chapter's student
version, writes N made-up submissions (answered with the model solutions, blank, half answered;
teacher/submissions.py), grades them all with `teacher/course.py`'s grade() in --jobs parallel
processes, checks that the answered ones got every autograded point and the blank ones none,
and prints the wall time. The budget the course sets itself: 30 submissions in under
5 minutes on 2 cores.
"""
import argparse
import importlib.util
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load(name):
    """Import teacher/<name>.py (a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"teacher_{name}", ROOT / "teacher" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="02", help="chapter name or number (default 02)")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--budget", type=float, default=300.0, help="seconds allowed (default 300)")
    args = parser.parse_args(argv)

    course_tools, submission_tools = load("course"), load("submissions")
    chapter = course_tools.chapter_names([args.chapter])[0]
    work = args.keep or Path(tempfile.mkdtemp(prefix="grade-timing-"))
    try:
        course, folder = work / "course", work / "submissions"
        course_tools.generate(course, [chapter])
        roster = submission_tools.make_class(folder, course, chapter, args.students)
        start = time.perf_counter()
        rows = course_tools.grade(folder, course, work / "grades.csv", jobs=args.jobs)
        seconds = time.perf_counter() - start
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    for row in rows:
        kind = roster[row["student"]]
        if kind == "answered":
            assert row["autograded_score"] == row["autograded_max"] > 0, row
        elif kind == "blank":
            assert row["autograded_score"] == 0, row
    print(f"graded {len(rows)} submissions of {chapter} with {args.jobs} parallel processes: "
          "answered ones got every autograded point, blank ones none")
    print(f"Timing: {seconds:.0f} s in all, {seconds / len(rows):.1f} s per submission "
          f"(budget {args.budget:.0f} s)")
    return 0 if seconds < args.budget else 1


if __name__ == "__main__":
    sys.exit(main())
