"""The `book-digits` mechanism of conftest.py: a tagged cell's printed digits are compared where
float32 exp/log give the books' bits, and left to the cell's own assertions elsewhere; the cell
runs and asserts on every machine, and untagged cells are always compared.

A machine "elsewhere" is imitated with NPY_DISABLE_CPU_FEATURES (NumPy's baseline SIMD, the C
library's exp/log), as `make test-portable` does.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from teacher_modules import load_script
from test_nbval_strict import SANITIZE, replace_in_outputs

ROOT = Path(__file__).resolve().parent.parent
FINGERPRINT = "import conftest; print(conftest.float32_fingerprint())"


def python_output(code, **env):
    """What ``code`` prints, run with this environment plus ``env``."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env=dict(os.environ, **env), check=True)
    return result.stdout.strip()


def baseline_env():
    """Environment with all of NumPy's dispatched SIMD switched off, as make test-portable sets it."""
    portable = load_script(ROOT / "scripts" / "test_portable.py", "test_portable_script_module")
    levels = portable.simd_levels(Path(sys.executable))
    if "baseline SIMD" not in levels:
        pytest.skip("this NumPy dispatches no SIMD features that could be switched off")
    return {"NPY_DISABLE_CPU_FEATURES": levels["baseline SIMD"]}


def is_books_machine(env):
    return python_output(FINGERPRINT, **env) == python_output(
        "import conftest; print(conftest.BOOKS_FLOAT32_FINGERPRINT)")


def tagged_notebook(path, first_source, tags):
    """Executed notebook: a cell with ``tags`` running ``first_source``, then an untagged cell."""
    notebook = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell(first_source)
    first.metadata["tags"] = tags
    notebook.cells = [first, nbformat.v4.new_code_cell("print('untagged:', 0.5)")]
    NotebookClient(notebook, kernel_name="python3").execute()
    nbformat.write(notebook, path)
    return path


def run_nbval_with_conftest(notebook_path, env):
    """nbval on one notebook with the course's conftest.py (and nothing else of the repo)."""
    folder = notebook_path.parent
    shutil.copy(ROOT / "conftest.py", folder / "conftest.py")
    (folder / "pytest.ini").write_text("[pytest]\n")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
         "--rootdir", str(folder), "-c", str(folder / "pytest.ini"), "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE), str(notebook_path)],
        capture_output=True, text=True, cwd=folder, timeout=300,
        env=dict(os.environ, **env),
    )


def test_the_fingerprint_tells_the_c_library_path_from_the_books():
    if not is_books_machine({}):
        pytest.skip("this machine's float32 exp/log already differ from the books'")
    assert not is_books_machine(baseline_env())


def test_a_changed_last_digit_fails_on_the_books_machine_only(tmp_path):
    notebook = tagged_notebook(tmp_path / "digits.ipynb", "print('loss:', 1.0975711)",
                               ["book-digits"])
    replace_in_outputs(notebook, "1.0975711", "1.097571")     # as another machine prints it
    if is_books_machine({}):
        compared = run_nbval_with_conftest(notebook, {})
        assert compared.returncode == 1, compared.stdout
        assert "1 failed, 1 passed" in compared.stdout
        assert "book lines compared digit for digit" in compared.stdout
    elsewhere = run_nbval_with_conftest(notebook, baseline_env())
    assert elsewhere.returncode == 0, elsewhere.stdout + elsewhere.stderr
    assert "book lines checked by each cell's stated tolerance" in elsewhere.stdout


def test_the_cell_still_asserts_and_untagged_cells_are_still_compared_elsewhere(tmp_path):
    notebook = tagged_notebook(tmp_path / "assert.ipynb",
                               "loss = 1.0975711\nprint('loss:', loss)\nassert loss < 2",
                               ["book-digits"])
    notebook_text = notebook.read_text().replace("assert loss < 2", "assert loss < 1")
    notebook.write_text(notebook_text)                        # an assertion that now fails
    replace_in_outputs(notebook, "untagged: 0.5", "untagged: 0.6")
    result = run_nbval_with_conftest(notebook, baseline_env())
    assert result.returncode == 1, result.stdout
    assert "2 failed" in result.stdout
    assert "AssertionError" in result.stdout
