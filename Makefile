# Neural Networks from Scratch: the commands README gives.
#   make install   create .venv and install the course (nnlib included, editable)
#   make test      run every notebook as a test (nbval, strict) and nnlib's unit tests
#   make test-classroom  the teachers' tools: nbgrader assignments, grading, hidden tests' fairness
#   make test-portable  the whole suite under other SIMD levels, BLAS threads and the oldest NumPy
#   make lab       open the notebooks in JupyterLab
#   make run       re-execute every notebook in place, in chapter order (refreshes stored outputs)
#   make data      download the full MNIST files into data/ (checked by SHA-256)
#   make reproduce re-run the published full-scale experiments (after make data); ARGS="--quick" checks it in seconds
#   make clean     remove caches and build leftovers (keeps .venv and data)
#   make test-browser  the widgets tested in headless Chromium (JupyterLab and Notebook 7)
#   make assignments   student versions of every chapter with nbgrader (build/course/release/)
#   make grade SUBMISSIONS=DIR   autograde <student>/<chapter>/<chapter>.ipynb, add to build/grades.csv
#   make grade-timing  time the grading of 30 submissions of each chapter (CHAPTERS="02 07" for some)
#   make bench     time one training epoch, nnlib against PyTorch on the CPU (bench/RESULTS.md)
#   make site      the course as a static website in build/site/ (Jupyter Book; requirements-site.txt)
#   make serve-site    serve build/site/ on http://127.0.0.1:8000 (PORT=...)
#   make test-site     every page of the built site in headless Chromium, then test-wheel
#   make test-wheel    a chapter run from a copy, in a fresh environment with the course's wheel

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

# Settings shared by tests and by `make run`: no progress bars in stored or compared outputs,
# and one BLAS thread per process (parallel workers fighting over two cores run 40-90x slower).
QUIET_ENV := NNLIB_PROGRESS=0 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
JOBS ?= 2

.PHONY: install venv-check test test-classroom test-portable test-browser lab run data reproduce assignments grade grade-timing bench clean site serve-site test-site test-wheel site-check

$(PY):
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.10 is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 10) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip

install: $(PY)
	$(PY) -m pip install -r requirements.txt
	$(PY) -m pip install -e .
	@echo "Installed. Next: make test (or make lab)"

venv-check:
	@test -x $(PY) || { echo "No virtual environment in $(VENV): run 'make install' first." >&2; exit 1; }

test: venv-check
	$(QUIET_ENV) $(PY) -m pytest -n $(JOBS) --dist loadfile

# The classroom tools (teacher/): assignments, grading, the hidden tests against typical mistakes.
test-classroom: venv-check
	$(QUIET_ENV) $(PY) -m pytest -n $(JOBS) --dist loadfile -m classroom tests

# The whole suite as learners' machines run it: NumPy's SIMD levels, 1 and 2 BLAS threads, the
# newest and the oldest allowed NumPy (.venv-oldest, made on first use). ARGS="--only baseline".
test-portable: venv-check
	$(PY) scripts/test_portable.py $(ARGS)

lab: venv-check
	$(BIN)/jupyter lab notebooks/

run: venv-check
	$(QUIET_ENV) $(PY) scripts/run_notebooks.py notebooks/*.ipynb

data: venv-check
	$(PY) scripts/fetch_data.py

reproduce: venv-check
	$(PY) scripts/reproduce.py $(ARGS)

assignments: venv-check
	$(QUIET_ENV) $(PY) teacher/course.py assignments

grade: venv-check
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder-of-<student>/<chapter>/<chapter>.ipynb" >&2; exit 1; }
	$(QUIET_ENV) $(PY) teacher/course.py grade $(SUBMISSIONS)

grade-timing: venv-check
	$(QUIET_ENV) $(PY) scripts/grade_timing.py $(foreach chapter,$(CHAPTERS),--chapter $(chapter))

# PyTorch only for the benchmark (requirements-bench.txt): the CPU build, installed on demand.
bench: venv-check
	@$(PY) -c 'import torch' 2>/dev/null || $(PY) -m pip install -r requirements-bench.txt --extra-index-url https://download.pytorch.org/whl/cpu
	NNLIB_PROGRESS=0 $(PY) bench/bench.py $(ARGS)

clean:
	rm -rf .pytest_cache build *.egg-info nnlib/__pycache__ tests/__pycache__ notebooks/.ipynb_checkpoints

# The widgets tested in a real browser (tests_browser/). Needs Chromium from the system and
# requirements-browser.txt in .venv; installs nothing itself.
CHROMIUM ?= /usr/bin/chromium

test-browser: venv-check
	@test -x $(CHROMIUM) || { echo "make test-browser needs Chromium at $(CHROMIUM): sudo apt-get install chromium" >&2; exit 1; }
	@$(PY) -c 'import playwright, notebook' 2>/dev/null || { echo "make test-browser needs Playwright and Notebook 7 in $(VENV): $(PY) -m pip install -r requirements-browser.txt" >&2; exit 1; }
	$(QUIET_ENV) CHROMIUM=$(CHROMIUM) $(PY) -m pytest tests_browser -v

# The course as a website (site/, scripts/build_site.py): Jupyter Book 1.x from the committed
# notebooks and their stored outputs, nothing executed. Needs requirements-site.txt in .venv.
PORT ?= 8000

site-check: venv-check
	@$(PY) -c 'import jupyter_book, mathjax, playwright' 2>/dev/null || { echo "make site needs Jupyter Book, MathJax and Playwright in $(VENV): $(PY) -m pip install -r requirements-site.txt" >&2; exit 1; }

site: site-check
	$(PY) scripts/build_site.py

serve-site:
	@test -f build/site/index.html || { echo "No site in build/site: run 'make site' first." >&2; exit 1; }
	@echo "The course's site: http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory build/site

# Every page of the site in headless Chromium (tests_site/; screenshots in build/site-screenshots/),
# then the chapter that runs wherever a learner opens it (test-wheel).
test-site: site-check
	@test -x $(CHROMIUM) || { echo "make test-site needs Chromium at $(CHROMIUM): sudo apt-get install chromium" >&2; exit 1; }
	@test -f build/site/index.html || { echo "No site in build/site: run 'make site' first." >&2; exit 1; }
	CHROMIUM=$(CHROMIUM) $(PY) -m pytest -p no:xdist tests_site/test_site_in_browser.py -q
	$(MAKE) test-wheel

# The course's wheel installed into a fresh environment outside the repository, and a chapter
# copied alone into an empty folder runs there top to bottom with its stored outputs.
test-wheel: venv-check
	$(QUIET_ENV) $(PY) -m pytest -p no:xdist tests_site/test_wheel.py -q
