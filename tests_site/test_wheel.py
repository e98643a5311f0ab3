"""A chapter runs wherever a learner opens it (``make test-wheel``, part of ``make test-site``).

Colab gives a learner only the chapter's .ipynb, in a Python that has never seen the course.
The chapter's first cell (scripts/add_setup_cell.py) then installs ``nnlib[course]`` from the
repository. This test does the same here, with the repository replaced by a wheel built from
this checkout:

1. copy the checkout's files (tracked and new, not ignored) to a temporary folder and build the
   wheel of the course package there; the wheel must carry the shipped MNIST sample;
2. make a fresh virtual environment outside the repository with only a Jupyter kernel in it,
   as a notebook service has (no nnlib, NumPy or matplotlib);
3. copy chapter 1 (it loads MNIST, which it can only find as the installed package's sample)
   alone into an empty folder, point its install cell at the wheel, and run it there in that
   environment's kernel under strict nbval: every cell must print what the committed chapter
   prints, its install cell included (nothing). One line differs, and must: the data summary
   says where the sample came from, ``data/mnist-sample`` in the repository and
   ``nnlib/mnist-sample`` (with "installed without the course") from the wheel. That part of
   the line alone is sanitized here, and step 4 checks the wheel's version of it;
4. check that nnlib was imported from the fresh environment, not from the checkout, and that
   ``load_mnist()`` there finds the sample inside the installed package.

It needs the package registry (pip installs the kernel and the chapters' dependencies) and
takes about a minute or two.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
CHAPTER = "01-loss"
INSTALL_CELL = "install-course"

# The one line that tells where the sample was found: the repository's data/ folder, or the
# installed package (nnlib/datasets.py, MNIST's summary).
SAMPLE_ORIGIN = """
[where-the-sample-came-from]
regex: \\((data|nnlib)/mnist-sample\\); [^\\n]*make data[^\\n]*
replace: (WHERE THE SAMPLE WAS FOUND)
"""


def run(command, **kwargs):
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def clean_env(**extra):
    """The environment without anything pointing into the checkout or its .venv."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV", "NNLIB_DATA_DIR", "JUPYTER_PATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(REPO)))
    env.update(extra)
    return env


def checkout_copy(target):
    """The checkout's tracked and new (not ignored) files, links kept as links."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source, copy = REPO / name, target / name
        if not source.exists() and not source.is_symlink():
            continue                                   # deleted but not yet committed
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            copy.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, copy)


def test_a_chapter_alone_installs_the_course_and_runs_with_the_same_outputs(tmp_path):
    # 1. the wheel, from a copy of the checkout
    source = tmp_path / "checkout"
    checkout_copy(source)
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--wheel-dir", wheels, source])
    [wheel] = wheels.glob("nnlib-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(p.name for p in (REPO / "data" / "mnist-sample").glob("*.gz"))
    assert shipped and sorted(Path(n).name for n in names if n.startswith("nnlib/mnist-sample/")) == shipped, \
        f"the wheel does not carry the MNIST sample: {names}"
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("/METADATA"))).decode()
    assert "Provides-Extra: course" in metadata

    # 2. a fresh environment outside the repository, with a kernel and nothing of the course
    env_dir = tmp_path / "env"
    base_python = getattr(sys, "_base_executable", sys.executable)
    run([base_python, "-m", "venv", env_dir], env=clean_env())
    python = env_dir / "bin" / "python"
    run([python, "-m", "pip", "install", "--quiet", "ipykernel"], env=clean_env())
    missing = subprocess.run([python, "-c", "import nnlib"], capture_output=True, env=clean_env(),
                             cwd=tmp_path)
    assert missing.returncode != 0, "nnlib is importable in the fresh environment before the chapter ran"
    jupyter_path = tmp_path / "jupyter"
    run([python, "-m", "ipykernel", "install", "--prefix", jupyter_path, "--name", "course-wheel"],
        env=clean_env())

    # 3. the chapter alone in an empty folder, its install cell pointing at the wheel
    folder = tmp_path / "learner"
    folder.mkdir()
    notebook = nbformat.read(REPO / "notebooks" / f"{CHAPTER}.ipynb", as_version=4)
    [cell] = [c for c in notebook.cells if c.get("id") == INSTALL_CELL]
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert code_cells[0] is cell, "the install cell is not the chapter's first code cell"
    cell.source, replaced = re.subn(r'COURSE_PACKAGE = ".*"',
                                    f'COURSE_PACKAGE = "nnlib[course] @ {wheel.as_uri()}"', cell.source)
    assert replaced == 1
    cell.source += '\nprint(__import__("nnlib").__file__, file=open("nnlib-location.txt", "w"))'
    nbformat.write(notebook, folder / f"{CHAPTER}.ipynb")
    sanitize = tmp_path / "sanitize.cfg"
    sanitize.write_text((REPO / "tests" / "sanitize.cfg").read_text() + SAMPLE_ORIGIN)
    kernel_env = clean_env(JUPYTER_PATH=str(jupyter_path / "share" / "jupyter"), NNLIB_PROGRESS="0",
                           OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q",
         "--rootdir", str(folder), "-c", os.devnull, "--nbval", "--nbval-kernel-name", "course-wheel",
         "--nbval-sanitize-with", str(sanitize), "--nbval-cell-timeout=600",
         f"{CHAPTER}.ipynb"],
        cwd=folder, env=kernel_env, capture_output=True, text=True)
    assert result.returncode == 0, f"the chapter did not run alone as committed:\n{result.stdout[-6000:]}"
    assert re.search(r"\b\d+ passed", result.stdout), result.stdout[-2000:]

    # 4. the chapter used the fresh environment's nnlib, and only the notebook was in its folder
    location = Path((folder / "nnlib-location.txt").read_text().strip())
    assert location.is_relative_to(env_dir), f"nnlib came from {location}, not the fresh environment"
    assert not location.is_relative_to(REPO)
    summary = run([python, "-c", "from nnlib.datasets import load_mnist; print(load_mnist())"],
                  cwd=folder, env=clean_env()).stdout
    assert "(nnlib/mnist-sample)" in summary and "installed without the course" in summary, summary
    print(json.dumps({"wheel": wheel.name, "nnlib": str(location), "nbval": result.stdout.strip().splitlines()[-1]}))
