"""nbgrader settings for handing the chapters out as graded assignments.

`make assignments` (teacher/course.py) copies this file into the course directory,
build/course/ by default (git-ignored), and runs nbgrader there. nbgrader's own commands work
in that directory too (`cd build/course && nbgrader ...`), as does its formgrader
(`jupyter lab` started there). The course directory holds

    source/<chapter>/<chapter>.ipynb     the teacher's notebooks, copied from notebooks/
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

# Grading re-runs each whole chapter; some cells train networks for tens of seconds, so the
# per-cell limit is minutes, not nbgrader's default 30 seconds.
c.Execute.timeout = 600

# Students unknown to the gradebook are added when their work is graded.
c.Autograde.create_student = True

# The graded kernels inherit these: no progress bars, one BLAS thread per kernel (graders
# running in parallel would otherwise fight over the cores), as in `make test`.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("NNLIB_PROGRESS", "0")

# Releasing and collecting through nbgrader's exchange (a shared folder on a JupyterHub
# server) uses /srv/nbgrader/exchange unless you set another one here:
# c.Exchange.root = "/srv/nbgrader/exchange"
