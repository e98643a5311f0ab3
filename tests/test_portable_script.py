"""scripts/test_portable.py (`make test-portable`): its configurations reach the tests they run,
and a failing configuration makes the whole run fail."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "test_portable.py"


def run_portable(*args):
    return subprocess.run([sys.executable, str(SCRIPT), "--no-oldest", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_list_names_every_configuration():
    result = run_portable("--list")
    assert result.returncode == 0, result.stderr
    assert "all SIMD, 1 BLAS thread" in result.stdout
    assert "2 BLAS threads" in result.stdout and "'OPENBLAS_NUM_THREADS': '2'" in result.stdout


def test_a_configuration_runs_with_its_settings(tmp_path):
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import os\n"
        "from numpy._core import _multiarray_umath as m\n"
        "def test_two_blas_threads_and_all_simd():\n"
        "    assert os.environ['OPENBLAS_NUM_THREADS'] == '2'\n"
        "    assert 'NPY_DISABLE_CPU_FEATURES' not in os.environ\n"
    )
    result = run_portable("--only", "2 BLAS threads", str(probe))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "configurations: 1 passed, 0 failed" in result.stdout


def test_a_failing_configuration_fails_the_run(tmp_path):
    probe = tmp_path / "test_fails.py"
    probe.write_text("def test_fails():\n    assert False\n")
    result = run_portable("--only", "all SIMD, 1 BLAS thread", str(probe))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "configurations: 0 passed, 1 failed" in result.stdout
    assert "FAILED" in result.stdout
