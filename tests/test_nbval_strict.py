"""The notebook tests are strict: a stored number changed by one digit makes them fail, while
the sanitised volatile lines ("Timing: ...") may change freely."""
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
SANITIZE = ROOT / "tests" / "sanitize.cfg"


def run_nbval(notebook_path):
    """Run nbval on one notebook, as `make test` does, in a separate pytest process."""
    config = notebook_path.parent / "pytest.ini"      # an empty config: no repository addopts
    config.write_text("[pytest]\n")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "--rootdir", str(notebook_path.parent), "-c", str(config),
         "--nbval", "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE),
         str(notebook_path)],
        capture_output=True, text=True, cwd=notebook_path.parent, timeout=300,
    )


def replace_in_outputs(notebook_path, old, new):
    """Change the first stored output text that contains ``old``; fail if there is none."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            text = "".join(output.get("text", ""))
            if old in text:
                output["text"] = text.replace(old, new, 1)
                notebook_path.write_text(json.dumps(notebook), encoding="utf-8")
                return
    raise AssertionError(f"no stored output contains {old!r}")


def small_executed_notebook(path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("print('loss:', 1.0964295)"),
        nbformat.v4.new_code_cell("print('Timing: 0.123 s per step')"),
    ]
    NotebookClient(notebook, kernel_name="python3").execute()
    nbformat.write(notebook, path)
    return path


def test_unchanged_outputs_pass_and_sanitised_timings_may_differ(tmp_path):
    notebook = small_executed_notebook(tmp_path / "small.ipynb")
    replace_in_outputs(notebook, "Timing: 0.123 s", "Timing: 9.876 s")
    result = run_nbval(notebook)
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_digit_changed_in_a_small_notebook_fails(tmp_path):
    notebook = small_executed_notebook(tmp_path / "small.ipynb")
    replace_in_outputs(notebook, "1.0964295", "1.0964296")
    result = run_nbval(notebook)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 1 passed" in result.stdout


def test_one_digit_changed_in_chapter_1_fails(tmp_path):
    notebook = tmp_path / "01-loss.ipynb"
    notebook.write_text((ROOT / "notebooks" / "01-loss.ipynb").read_text(encoding="utf-8"))
    replace_in_outputs(notebook, "mean loss: 0.38506088005216804", "mean loss: 0.38506088005216805")
    result = run_nbval(notebook)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"\b1 failed, \d+ passed", result.stdout), result.stdout
    assert "mismatch 'stdout'" in result.stdout and "+ 88005216805" in result.stdout
