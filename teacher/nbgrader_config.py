"""nbgrader settings for handing the chapters out as graded assignments.

`make assignments` (teacher/course.py) copies this file into the course directory,
build/course/ by default (git-ignored), and runs nbgrader there. nbgrader's own commands work
in that directory too (`cd build/course && nbgrader ...`), as does its formgrader
(`jupyter lab` started there). The course directory holds

    source/<chapter>/<chapter>.ipynb     the teacher's graded notebooks: each chapter's exercises
                                         and a set-up cell (teacher/graded.py)
    release/<chapter>/<chapter>.ipynb    the student versions (`nbgrader generate_assignment`)
    submitted/<student>/<chapter>/       collected work (`nbgrader collect`, or `make grade`)
    autograded/, feedback/               nbgrader's graded copies and feedback pages
    gradebook.db                         nbgrader's grades (SQLite)

The chapters mark their exercises with nbgrader cell metadata (schema version 3): solution
regions between "### BEGIN SOLUTION" and "### END SOLUTION", hidden checks between
"### BEGIN HIDDEN TESTS" and "### END HIDDEN TESTS", written answers as manually graded
markdown cells. The course root is the directory nbgrader runs in (nbgrader's default).
"""
import os

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "nnfs-course"

# What a student sees in place of a solution (nbgrader's defaults, stated here on purpose:
# tests/test_assignments.py checks the student versions for them).
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Grading runs the graded notebook: the chapter's exercises after a set-up cell that takes a
# few seconds (teacher/graded.py), no cell of which needs more than a few seconds with the
# model solutions. A cell still running after this many seconds (an endless loop, say) is
# interrupted and scores 0, and grading goes on with the next cell; `course.py grade` notes it
# in the grade table. (course.py also stops a whole submission after --timeout seconds.)
c.Execute.timeout = 60

# A test cell a student deleted is put back from the teacher's version when grading, so it is
# run (and scores 0 if the answer is missing) instead of going unnoticed.
c.OverwriteCells.add_missing_cells = True

# Students unknown to the gradebook are added when their work is graded.
c.Autograde.create_student = True

# The graded kernels inherit these: no progress bars, one BLAS thread per kernel (graders
# running in parallel would otherwise fight over the cores), as in `make test`.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("NNLIB_PROGRESS", "0")

# Releasing and collecting through nbgrader's exchange (a shared folder on a JupyterHub
# server): nbgrader 0.9 uses /usr/local/share/nbgrader/exchange, which must exist and be
# writable by everyone (`sudo mkdir -p /usr/local/share/nbgrader/exchange && sudo chmod 777
# /usr/local/share/nbgrader/exchange`), unless you choose another folder here (the students'
# nbgrader must be told the same, in their own nbgrader_config.py):
# c.Exchange.root = "/srv/nbgrader/exchange"
