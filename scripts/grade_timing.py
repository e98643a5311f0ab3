"""Measure how long nbgrader takes to grade a class: N submissions of each chapter.

    python scripts/grade_timing.py [--chapter 02 ...] [--students 30] [--jobs 2] [--keep DIR]

(`make grade-timing`, every chapter; `make grade-timing CHAPTERS="02 07"` for some.) For each
chapter, in a temporary course directory, it builds the graded notebook and the student
version, writes N made-up submissions (answered with the model solutions, blank, half answered;
teacher/submissions.py), grades them all with teacher/course.py's grade() in --jobs parallel
processes, checks that the answered ones got every autograded point and the blank ones none,
and prints the wall time with the machine's load average at the start (other work on the
machine slows grading down). The budget the course sets itself: 30 submissions of any chapter
in under 5 minutes on 2 cores.
"""
import argparse
import importlib.util
import os
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


def time_chapter(course_tools, submission_tools, chapter, students, jobs, work):
    """Grade ``students`` made-up submissions of ``chapter`` in ``work``. Returns (seconds, rows)."""
    course, folder = work / "course", work / "submissions"
    course_tools.generate(course, [chapter])
    roster = submission_tools.make_class(folder, course, chapter, students)
    start = time.perf_counter()
    rows = course_tools.grade(folder, course, work / "grades.csv", jobs=jobs, report=lambda line: None)
    seconds = time.perf_counter() - start
    for row in rows:
        kind = roster[row["student"]]
        assert row["status"] == "graded", row
        if kind == "answered":
            assert row["autograded_score"] == row["autograded_max"] > 0, row
        elif kind == "blank":
            assert row["autograded_score"] == 0, row
    return seconds, rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", action="append", help="chapter name or number (default: every chapter)")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--budget", type=float, default=300.0, help="seconds allowed per chapter (default 300)")
    args = parser.parse_args(argv)

    course_tools, submission_tools = load("course"), load("submissions")
    chapters = course_tools.chapter_names(args.chapter)
    results = {}
    for chapter in chapters:
        load_before = os.getloadavg()[0]
        work = (args.keep / chapter) if args.keep else Path(tempfile.mkdtemp(prefix="grade-timing-"))
        try:
            seconds, rows = time_chapter(course_tools, submission_tools, chapter, args.students,
                                         args.jobs, work)
        finally:
            if args.keep is None:
                shutil.rmtree(work, ignore_errors=True)
        results[chapter] = seconds
        print(f"{chapter}: graded {len(rows)} submissions with {args.jobs} parallel processes "
              f"(answered ones got every autograded point, blank ones none)", flush=True)
        print(f"Timing: {chapter} {seconds:.0f} s in all, {seconds / len(rows):.1f} s per submission "
              f"(budget {args.budget:.0f} s; load average {load_before:.1f} at the start on "
              f"{os.cpu_count()} cores)", flush=True)
    over = [chapter for chapter, seconds in results.items() if seconds >= args.budget]
    print(f"{len(results) - len(over)} of {len(results)} chapters within {args.budget:.0f} s"
          + (f"; over budget: {', '.join(over)}" if over else ""))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
