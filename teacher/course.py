"""Hand the chapters' exercises out as nbgrader assignments and grade what comes back.

    python teacher/course.py assignments [--course DIR] [CHAPTER ...]
    python teacher/course.py grade SUBMISSIONS [--course DIR] [--csv FILE] [--jobs N]
                                               [--timeout SECONDS] [CHAPTER ...]

``assignments`` (``make assignments``) builds each chapter's *graded notebook* and runs
nbgrader's generate_assignment on it. The graded notebook is the chapter's exercises section
(every cell from the one with id ``exercises`` to the end) behind a short header and one
locked set-up cell that rebuilds, in seconds, what the exercises use from the chapter
(teacher/graded.py says what that is for each chapter). The chapter's long experiments are
not in it, so neither a student nor the grader has to re-run them. It lands in the course
directory (default build/course/, git-ignored) as ``source/<chapter>/<chapter>.ipynb``; the
student version, with every solution region replaced by ``raise NotImplementedError()``, every
written answer by ``YOUR ANSWER HERE`` and the hidden tests removed, in
``release/<chapter>/<chapter>.ipynb``.

``grade`` (``make grade SUBMISSIONS=...``) takes a folder laid out as nbgrader lays out
collected work, ``<student>/<chapter>/<chapter>.ipynb``. Every file is accounted for:
a notebook under another name that can only mean one chapter (``02-random-search (1).ipynb``,
``02-Random-Search.ipynb``, a folder named ``02``, a notebook straight in the student's folder)
is graded as that chapter with a note; a file that is not a readable notebook, or that matches
no chapter, gets a row saying so. The gradable ones are copied into the course's
``submitted/`` folder and autograded (nbgrader re-runs the graded notebook with the teacher's
locked cells, hidden tests included) by ``--jobs`` worker processes. A cell that runs longer
than nbgrader's cell timeout (teacher/nbgrader_config.py) is interrupted and scores 0; a
submission that takes longer than ``--timeout`` seconds in all is stopped and reported. Each
outcome is printed as it comes. The grade table (default build/grades.csv) gets one row per
student and chapter with a ``status`` and a ``note``; rows of other chapters and students
already in the table are kept, so one table holds the whole course. Written answers are graded
by a person in nbgrader's formgrader; until then the table marks them as pending.

A chapter is named by its notebook's file name without ``.ipynb`` ("02-random-search") or by
its number ("02"). Everything nbgrader writes (gradebook.db included) stays in the course
directory. Settings: teacher/nbgrader_config.py.
"""
import argparse
import csv
import importlib.util
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CONFIG = Path(__file__).resolve().parent / "nbgrader_config.py"
DEFAULT_COURSE = ROOT / "build" / "course"
DEFAULT_CSV = ROOT / "build" / "grades.csv"
DEFAULT_TIMEOUT = 300          # seconds one submission may take in all (cells: nbgrader_config.py)
CSV_COLUMNS = ["student", "chapter", "status", "autograded_score", "autograded_max", "written_score",
               "written_max", "needs_manual_grade", "score", "max_score", "note"]
RESULT_PREFIX = "@@course.py-result "

# nbgrader runs the `alembic` command by name when it opens a gradebook: make the one next to
# this Python findable even when the virtual environment is not activated (as under make).
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
# Quiet, single-threaded kernels, as in `make test` (see nbgrader_config.py).
for _name, _value in {"NNLIB_PROGRESS": "0", "OPENBLAS_NUM_THREADS": "1",
                      "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}.items():
    os.environ.setdefault(_name, _value)


def _load_graded():
    """teacher/graded.py (a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("teacher_graded", Path(__file__).resolve().parent / "graded.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    """Create the course directory with the config and each chapter's graded notebook in source/."""
    import nbformat

    course = Path(course)
    course.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CONFIG, course / "nbgrader_config.py")
    graded = _load_graded() if chapters else None
    for chapter in chapters:
        folder = course / "source" / chapter
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(graded.graded_notebook(NOTEBOOKS / f"{chapter}.ipynb"), folder / f"{chapter}.ipynb")
        for name, path in graded.extra_files(chapter).items():      # results the set-up loads
            shutil.copyfile(path, folder / name)


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


# ------------------------------------------------------------------ finding the submissions

def chapter_of(name, chapters):
    """The chapter a file or folder name can only mean, or None.

    Exact names first; then a leading two-digit number ("02", "02-Random-Search",
    "02-random-search (1)"); then a chapter name inside the name, ignoring case.
    """
    stem = name[:-len(".ipynb")] if name.lower().endswith(".ipynb") else name
    if stem in chapters:
        return stem
    number = re.match(r"\s*(\d{2})(?!\d)", stem)
    if number:
        matches = [chapter for chapter in chapters if chapter[:2] == number.group(1)]
    else:
        matches = [chapter for chapter in chapters if chapter.lower() in stem.lower()]
    return matches[0] if len(matches) == 1 else None


def _skipped(name):
    """Hidden files and folders, checkpoints and caches: never submissions."""
    name = getattr(name, "name", name)
    return name.startswith(".") or name in ("__pycache__", ".ipynb_checkpoints")


def find_submissions(folder, chapters=None):
    """What a folder of collected work holds: (submissions, problems).

    ``submissions``: dicts with student, chapter, path (the notebook to grade) and note (why a
    file under another name is taken as this chapter, or ""). ``problems``: rows for the grade
    table, for files that cannot be graded (CSV_COLUMNS keys that are known). Only the
    ``chapters`` asked for (default: all) are graded; files of other chapters are left alone.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SystemExit(f"course.py: the submissions folder {folder} does not exist; expected "
                         "one folder per student holding <chapter>/<chapter>.ipynb.")
    known = chapter_names()
    wanted = set(chapters or known)
    candidates = {}            # (student, chapter) -> [(path, exact)]
    problems = []

    def problem(student, chapter, status, note):
        problems.append({"student": student, "chapter": chapter, "status": status, "note": note})

    for entry in sorted(folder.iterdir()):
        if _skipped(entry):
            continue
        if not entry.is_dir():
            if entry.suffix.lower() == ".ipynb":
                problem("?", f"? {entry.name}", "not graded",
                        f"{entry} is not in a student's folder; expected <student>/<chapter>/<chapter>.ipynb")
            continue
        student = entry.name
        for path in sorted(entry.rglob("*")):
            if any(_skipped(part) for part in path.relative_to(entry).parts) or not path.is_file():
                continue
            relative = path.relative_to(folder)
            if path.suffix.lower() != ".ipynb":
                continue
            depth = len(path.relative_to(entry).parts)
            exact = depth == 2 and path.parent.name in known and path.name == f"{path.parent.name}.ipynb"
            chapter = path.parent.name if exact else (
                chapter_of(path.name, known) or (chapter_of(path.parent.name, known) if depth == 2 else None))
            if chapter is None:
                problem(student, f"? {relative}", "not graded",
                        f"{relative} matches no chapter; expected <student>/<chapter>/<chapter>.ipynb "
                        f"with a chapter from {', '.join(known)}")
                continue
            if chapter not in wanted:
                continue
            candidates.setdefault((student, chapter), []).append((path, exact))

    submissions = []
    for (student, chapter), found in sorted(candidates.items()):
        expected = f"{student}/{chapter}/{chapter}.ipynb"
        exact = [path for path, is_exact in found if is_exact]
        chosen = exact[0] if exact else (found[0][0] if len(found) == 1 else None)
        others = [path.relative_to(folder) for path, _ in found if path != chosen]
        if chosen is None:
            problem(student, chapter, "not graded",
                    f"{len(found)} files could be {chapter}: {', '.join(str(p) for p in others)}; "
                    f"keep one, named {expected}")
            continue
        notes = []
        if not exact:
            notes.append(f"graded {chosen.relative_to(folder)} as {expected}")
        if others:
            notes.append(f"ignored {', '.join(str(p) for p in others)} (not named {expected})")
        submissions.append({"student": student, "chapter": chapter, "path": chosen, "note": "; ".join(notes)})
    if not submissions and not problems:
        raise SystemExit(f"course.py: no submissions in {folder}; expected files "
                         "<student>/<chapter>/<chapter>.ipynb, e.g. alice/02-random-search/02-random-search.ipynb.")
    return submissions, problems


def readable(path):
    """None if ``path`` is a notebook nbformat can read, else what is wrong with it."""
    import nbformat

    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:                           # JSON errors, unknown formats, ...
        return f"not a readable notebook ({type(error).__name__}: {str(error).splitlines()[0][:200]})"
    if not any(cell.get("metadata", {}).get("nbgrader") for cell in notebook.cells):
        return "a notebook without the assignment's exercise cells (the wrong file?)"
    return None


# ------------------------------------------------------------------ autograding

def autograde(course, pairs):
    """Autograde (student, chapter) pairs one after the other, in this process.

    Returns {"student/chapter": error text or None}.
    """
    api = _quiet_api(course)
    outcome = {}
    for student, chapter in pairs:
        outcome[f"{student}/{chapter}"] = _autograde_one(api, student, chapter)
    return outcome


def _quiet_api(course):
    import warnings

    from sqlalchemy.exc import SAWarning

    # nbgrader 0.9 with SQLAlchemy 2 warns about its own session use on every submission; the
    # grades are saved all the same (grade_rows reads them back).
    warnings.filterwarnings("ignore", category=SAWarning)
    return nbgrader_api(course)


def _autograde_one(api, student, chapter):
    result = api.autograde(chapter, student, force=True, create=True)
    return None if result["success"] else (result.get("log", "") + result.get("error", ""))


def worker_main(course):
    """A grading worker: reads "student/chapter" lines on stdin, answers each with a result line."""
    api = _quiet_api(course)
    for line in sys.stdin:
        key = line.strip()
        if not key:
            continue
        student, chapter = key.split("/", 1)
        try:
            error = _autograde_one(api, student, chapter)
        except Exception as exception:                   # report it; keep serving
            error = f"{type(exception).__name__}: {exception}"
        print(RESULT_PREFIX + json.dumps({"key": key, "error": error}), flush=True)


def _kill_tree(process):
    """Stop a worker and everything it started (its kernels run in sessions of their own)."""
    try:
        import psutil

        children = psutil.Process(process.pid).children(recursive=True)
    except Exception:
        children = []
    for child in children:
        try:
            child.kill()
        except Exception:
            pass
    process.kill()
    process.wait()


class _Worker:
    """One `autograde-worker` process, fed one submission at a time."""

    def __init__(self, course):
        self.process = subprocess.Popen(
            [sys.executable, __file__, "autograde-worker", "--course", str(course)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            if line.startswith(RESULT_PREFIX):
                self.lines.put(json.loads(line[len(RESULT_PREFIX):]))
        self.lines.put(None)                             # the process ended

    def grade(self, key, timeout):
        """("done", error or None), ("timeout", None) or ("died", None)."""
        try:
            self.process.stdin.write(key + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return "died", None
        try:
            answer = self.lines.get(timeout=timeout)
        except queue.Empty:
            return "timeout", None
        return ("died", None) if answer is None else ("done", answer["error"])

    def stop(self):
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except Exception:
            _kill_tree(self.process)


def autograde_in_parallel(course, pairs, jobs, timeout=DEFAULT_TIMEOUT, report=print):
    """Autograde the pairs in ``jobs`` worker processes, each taking the next submission when
    it is free. A submission that runs past ``timeout`` seconds is stopped (its worker and
    kernel killed, a new worker started). Failures other than time-outs (a gradebook busy with
    another worker's write, say) are retried once, in this process.

    Returns {"student/chapter": None (graded) or ("timeout", text) or ("error", text)}.
    """
    tasks = queue.Queue()
    for pair in pairs:
        tasks.put(pair)
    outcome, lock, done = {}, threading.Lock(), [0]

    def slot():
        worker = None
        while True:
            try:
                student, chapter = tasks.get_nowait()
            except queue.Empty:
                break
            key = f"{student}/{chapter}"
            worker = worker or _Worker(course)
            start = time.perf_counter()
            state, error = worker.grade(key, timeout)
            seconds = time.perf_counter() - start
            if state == "timeout":
                _kill_tree(worker.process)
                worker, result = None, ("timeout", f"stopped after {timeout:g} s (an endless loop?)")
            elif state == "died":
                _kill_tree(worker.process)
                worker, result = None, ("error", "the grading process ended unexpectedly")
            else:
                result = None if error is None else ("error", error)
            with lock:
                outcome[key] = result
                done[0] += 1
                what = "graded" if result is None else f"{result[0]}: {result[1].strip().splitlines()[-1][:200] if result[1].strip() else ''}"
                report(f"[{done[0]}/{len(pairs)}] {student} {chapter}: {what} ({seconds:.0f} s)")
        if worker is not None:
            worker.stop()

    threads = [threading.Thread(target=slot) for _ in range(max(1, min(jobs, len(pairs))))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    retry = [tuple(key.split("/", 1)) for key, result in outcome.items()
             if result is not None and result[0] == "error"]
    if retry:
        for key, error in autograde(course, retry).items():
            outcome[key] = None if error is None else ("error", error)
    return outcome


def _sum(values):
    return float(sum(value for value in values if value is not None))


def timed_out_cells(course, student, chapter):
    """grade_ids (or cell ids) of the cells nbgrader interrupted at its cell timeout."""
    import nbformat

    path = Path(course) / "autograded" / student / chapter / f"{chapter}.ipynb"
    if not path.exists():
        return []
    names = []
    for cell in nbformat.read(path, as_version=4).cells:
        if any(output.get("output_type") == "error" and output.get("ename") == "CellTimeoutError"
               for output in cell.get("outputs", [])):
            names.append(cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id", "?"))
    return names


def leave_blank_answers_to_the_teacher(course, pairs):
    """Flag every written answer of these submissions that the student left as handed out as
    "needs manual grade", with no automatic score.

    nbgrader scores such an answer 0 on its own, and the formgrader then shows it as graded; the
    course leaves that decision to a person, as for every other written answer.
    """
    from nbgrader.api import Gradebook

    with Gradebook(nbgrader_api(course).coursedir.db_url) as gradebook:
        for student, chapter in pairs:
            notebook = gradebook.find_submission_notebook(chapter, chapter, student)
            for grade in notebook.grades:
                if grade.cell_type != "code" and grade.manual_score is None and grade.auto_score == 0:
                    grade.auto_score = None
                    grade.needs_manual_grade = True
        gradebook.db.commit()


def grade_rows(course, pairs):
    """One dict per (student, chapter) from the gradebook, in CSV_COLUMNS order.

    A written answer counts as pending until a person has graded it in the formgrader, blank
    ones included (leave_blank_answers_to_the_teacher removes nbgrader's automatic 0).
    """
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(nbgrader_api(course).coursedir.db_url) as gradebook:
        for student, chapter in pairs:
            notebook = gradebook.find_submission_notebook(chapter, chapter, student)
            autograded = [grade for grade in notebook.grades if grade.cell_type == "code"]
            written = [grade for grade in notebook.grades if grade.cell_type != "code"]
            pending = any(grade.manual_score is None and (grade.needs_manual_grade or grade.auto_score == 0)
                          for grade in written)
            rows.append({
                "student": student,
                "chapter": chapter,
                "status": "graded",
                "autograded_score": _sum(grade.score for grade in autograded),
                "autograded_max": _sum(grade.max_score for grade in autograded),
                "written_score": "pending" if pending else _sum(grade.score for grade in written),
                "written_max": _sum(grade.max_score for grade in written),
                "needs_manual_grade": bool(notebook.needs_manual_grade or pending),
                "score": float(notebook.score),
                "max_score": float(notebook.max_score),
                "note": "",
            })
    return rows


def read_csv(path):
    """The rows of an existing grade table ([] if there is none)."""
    path = Path(path)
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def write_csv(rows, path, keep_others=True):
    """Write the table. With keep_others, rows already in it for other (student, chapter) pairs
    stay: grading chapter 3 does not drop chapter 2's grades."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    new_keys = {(row["student"], row["chapter"]) for row in rows}
    kept = [row for row in read_csv(path) if (row.get("student"), row.get("chapter")) not in new_keys] \
        if keep_others else []
    everything = sorted(kept + list(rows), key=lambda row: (row.get("chapter", ""), row.get("student", "")))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, extrasaction="ignore", restval="")
        writer.writeheader()
        writer.writerows(everything)


def copy_into_course(item, submitted):
    """Put a submission where nbgrader grades it, submitted/<student>/<chapter>/<chapter>.ipynb.

    An earlier copy there is replaced; a student's own file is never deleted (when the
    submissions folder is the course's submitted/ folder, a misnamed notebook is copied under
    the right name next to itself).
    """
    target = Path(submitted) / item["student"] / item["chapter"] / f"{item['chapter']}.ipynb"
    source = Path(item["path"]).resolve()
    if source == target.resolve():
        return target
    content = source.read_bytes()
    if target.parent.exists() and target.parent.resolve() not in source.parents:
        shutil.rmtree(target.parent)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return target


def _empty_row(student, chapter, status, note):
    return {"student": student, "chapter": chapter, "status": status, "autograded_score": "",
            "autograded_max": "", "written_score": "", "written_max": "", "needs_manual_grade": "",
            "score": "", "max_score": "", "note": note}


def grade(submissions, course=DEFAULT_COURSE, csv_path=DEFAULT_CSV, jobs=2, chapters=None,
          timeout=DEFAULT_TIMEOUT, report=print):
    """Autograde a folder of submissions and write the grade table. Returns this run's rows:
    one per gradable submission (status "graded", or "timed out" / "error" with a note) and
    one per file that could not be graded (status "not graded" / "unreadable")."""
    course = Path(course).resolve()
    found, problems = find_submissions(submissions, chapters)
    for row in problems:
        report(f"NOT GRADED {row['student']} {row['chapter']}: {row['note']}")
    rows = [_empty_row(row["student"], row["chapter"], row["status"], row["note"]) for row in problems]

    gradable = []
    for item in found:
        trouble = readable(item["path"])
        if trouble:
            note = f"{item['path']}: {trouble}" + (f"; {item['note']}" if item["note"] else "")
            report(f"NOT GRADED {item['student']} {item['chapter']}: {note}")
            rows.append(_empty_row(item["student"], item["chapter"], "unreadable", note))
        else:
            if item["note"]:
                report(f"NOTE {item['student']} {item['chapter']}: {item['note']}")
            gradable.append(item)

    if gradable:
        ensure_generated(course, sorted({item["chapter"] for item in gradable}))
        for item in gradable:
            copy_into_course(item, course / "submitted")
        pairs = [(item["student"], item["chapter"]) for item in gradable]
        outcome = autograde_in_parallel(course, pairs, jobs, timeout, report)
        graded = [(item, pair) for item, pair in zip(gradable, pairs) if outcome[f"{pair[0]}/{pair[1]}"] is None]
        leave_blank_answers_to_the_teacher(course, [pair for _, pair in graded])
        for item, row in zip([item for item, _ in graded], grade_rows(course, [pair for _, pair in graded])):
            notes = [item["note"]] if item["note"] else []
            stopped = timed_out_cells(course, item["student"], item["chapter"])
            if stopped:
                notes.append(f"cells stopped at the cell time limit (0 points for them): {', '.join(stopped)}")
                report(f"TIMEOUT {item['student']} {item['chapter']}: {notes[-1]}")
            row["note"] = "; ".join(notes)
            rows.append(row)
        for item, (student, chapter) in zip(gradable, pairs):
            result = outcome[f"{student}/{chapter}"]
            if result is not None:
                kind, text = result
                lines = [line for line in text.strip().splitlines() if line.strip()]
                note = (f"not graded: {text}" if kind == "timeout"
                        else "nbgrader could not grade it: " + (lines[-1][:300] if lines else "no message"))
                if item["note"]:
                    note += f"; {item['note']}"
                report(f"NOT GRADED {student} {chapter}: {note}")
                rows.append(_empty_row(student, chapter, "timed out" if kind == "timeout" else "error", note))
    rows.sort(key=lambda row: (row["chapter"], row["student"]))
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
    mark.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                      help=f"seconds one submission may take in all (default {DEFAULT_TIMEOUT})")
    worker = commands.add_parser("autograde-worker", help=argparse.SUPPRESS)
    worker.add_argument("--course", type=Path, required=True)
    args = parser.parse_args(argv)

    if args.command == "assignments":
        for path in generate(args.course, chapter_names(args.chapters)):
            print(f"student version: {path}")
    elif args.command == "grade":
        start = time.perf_counter()
        rows = grade(args.submissions, args.course, args.csv, args.jobs,
                     chapter_names(args.chapters) if args.chapters else None, args.timeout)
        for row in rows:
            if row["status"] == "graded":
                print(f"{row['student']:20s} {row['chapter']:24s} autograded {row['autograded_score']:g}"
                      f"/{row['autograded_max']:g}, written {row['written_score']}/{row['written_max']:g}"
                      + (f"  ({row['note']})" if row["note"] else ""))
            else:
                print(f"{row['student']:20s} {row['chapter']:24s} {row['status'].upper()}: {row['note']}")
        bad = sum(row["status"] != "graded" for row in rows)
        print(f"{len(rows) - bad} submissions graded, {bad} not, in {time.perf_counter() - start:.0f} s; "
              f"table: {args.csv}")
    else:
        worker_main(args.course)
    return 0


if __name__ == "__main__":
    sys.exit(main())
