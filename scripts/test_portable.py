"""Run the whole test suite as learners' machines would: ``make test-portable``.

Stored notebook outputs were made on one machine; learners run them on laptops of every kind.
This script runs the full suite (every notebook under nbval, and nnlib's unit tests) under the
configurations that change the last digits of floating-point results:

- NumPy's SIMD level, set with ``NPY_DISABLE_CPU_FEATURES``: everything the processor has; no
  AVX-512 (an AVX2 laptop); no AVX2 either (the baseline: float32 ``exp``/``log`` take the C
  library's path, as on ARM laptops and older x86);
- one and two BLAS threads (OpenBLAS splits a matrix product differently);
- the newest NumPy installed in ``.venv`` and the oldest that requirements.txt allows, in an
  environment of its own (``.venv-oldest``, made here on first use).

It prints one line per configuration and a table at the end, and exits 1 if any configuration
had a failure. ``--only NAME`` runs one configuration; ``--list`` shows them.
"""
import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
OLDEST_VENV = ROOT / ".venv-oldest"

# Which SIMD levels to switch off. The feature names differ between NumPy versions, so they
# are read from the NumPy under test: every dispatchable feature for the baseline, and the
# AVX-512 ones (X86_V4 and AVX512_*) for an AVX2 machine.
SIMD_PROBE = """
from numpy._core import _multiarray_umath as m
have = [name for name in m.__cpu_dispatch__ if m.__cpu_features__.get(name)]
avx512 = [name for name in have if name.startswith(("AVX512", "X86_V4"))]
print(" ".join(avx512) + "|" + " ".join(have))
"""


def python_of(venv):
    return venv / "bin" / "python"


def simd_levels(python):
    """{level name: NPY_DISABLE_CPU_FEATURES value} for the NumPy of ``python``."""
    # probed with everything on: a feature switched off in the caller's environment reads as absent
    env = {name: value for name, value in os.environ.items() if name != "NPY_DISABLE_CPU_FEATURES"}
    probe = subprocess.run([str(python), "-c", SIMD_PROBE], capture_output=True, text=True,
                           env=env, check=True)
    avx512, dispatchable = probe.stdout.strip().split("|")
    levels = {"all SIMD": ""}
    if avx512:
        levels["no AVX-512"] = avx512
    if dispatchable and dispatchable != avx512:
        levels["baseline SIMD"] = dispatchable
    return levels


def oldest_numpy():
    """The lowest NumPy version requirements.txt allows, e.g. '2.0'."""
    text = (ROOT / "requirements.txt").read_text()
    match = re.search(r"^numpy\s*>=\s*([0-9.]+)", text, flags=re.MULTILINE)
    if not match:
        sys.exit("requirements.txt has no 'numpy>=X' line to take the oldest NumPy from")
    return match.group(1)


def make_oldest_venv():
    """.venv-oldest: the course's requirements with the oldest allowed NumPy."""
    version = oldest_numpy()
    python = python_of(OLDEST_VENV)
    marker = OLDEST_VENV / "numpy-version"
    if python.exists() and marker.exists() and marker.read_text() == version:
        return python
    print(f"making {OLDEST_VENV.name}: the course's requirements with numpy=={version}",
          flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(OLDEST_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + ["-r", str(ROOT / "requirements.txt"), f"numpy=={version}"],
                   check=True)
    subprocess.run(pip + ["--no-deps", "-e", str(ROOT)], check=True)
    marker.write_text(version)
    return python


def configurations(include_oldest=True):
    """(name, python, environment overrides, pytest workers) for every configuration."""
    newest = python_of(VENV)
    configs = []
    for level, disabled in simd_levels(newest).items():
        configs.append((f"newest NumPy, {level}, 1 BLAS thread", newest,
                        {"NPY_DISABLE_CPU_FEATURES": disabled}, 2))
    # Two BLAS threads per process: one pytest worker, or four threads would fight over two
    # cores (many times slower).
    configs.append(("newest NumPy, all SIMD, 2 BLAS threads", newest,
                    {"NPY_DISABLE_CPU_FEATURES": "", "OPENBLAS_NUM_THREADS": "2",
                     "OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}, 1))
    if include_oldest:
        oldest = make_oldest_venv()
        for level, disabled in simd_levels(oldest).items():
            if level == "no AVX-512":
                continue            # the AVX2 path is covered with the newest NumPy
            configs.append((f"oldest NumPy, {level}, 1 BLAS thread", oldest,
                            {"NPY_DISABLE_CPU_FEATURES": disabled}, 2))
    return configs


def run(name, python, overrides, workers, extra_args):
    env = dict(os.environ, NNLIB_PROGRESS="0", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    env.update(overrides)
    if not env.get("NPY_DISABLE_CPU_FEATURES"):
        env.pop("NPY_DISABLE_CPU_FEATURES", None)
    version = subprocess.run([str(python), "-c", "import numpy; print(numpy.__version__)"],
                             capture_output=True, text=True, env=env, check=True).stdout.strip()
    disabled = overrides.get("NPY_DISABLE_CPU_FEATURES") or "-"
    print(f"\n=== {name}: NumPy {version}, NPY_DISABLE_CPU_FEATURES={disabled}, "
          f"OPENBLAS_NUM_THREADS={env['OPENBLAS_NUM_THREADS']}", flush=True)
    command = [str(python), "-m", "pytest", "-q", "-n", str(workers), "--dist", "loadfile",
               *extra_args]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    summary = next((line for line in reversed(result.stdout.splitlines())
                    if re.search(r"\d+ (passed|failed|error)", line)), "no summary line")
    failures = [line for line in result.stdout.splitlines()
                if line.startswith(("FAILED", "ERROR"))]
    print("\n".join(failures) or "no failures", flush=True)
    print(summary.strip("= "), flush=True)
    return name, version, result.returncode, summary.strip("= "), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the configurations and stop")
    parser.add_argument("--only", help="run only the configurations whose name contains this")
    parser.add_argument("--no-oldest", action="store_true",
                        help="skip the oldest NumPy (no .venv-oldest is made)")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (e.g. a notebook)")
    args = parser.parse_args()
    if not python_of(VENV).exists():
        sys.exit("No virtual environment in .venv: run 'make install' first.")

    configs = configurations(include_oldest=not args.no_oldest and not args.list)
    if args.only:
        configs = [config for config in configs if args.only in config[0]]
    if args.list:
        for name, _, overrides, workers in configs:
            print(f"{name}: {overrides}, {workers} pytest worker(s)")
        if not args.no_oldest:
            print(f"oldest NumPy ({oldest_numpy()}), all SIMD and baseline SIMD, 1 BLAS thread: "
                  f"in {OLDEST_VENV.name}, made on the first run")
        return 0
    if not configs:
        sys.exit(f"no configuration matches {args.only!r}")

    results = [run(*config, args.pytest_args) for config in configs]
    print("\nPortability matrix")
    print(f"{'configuration':44s} {'NumPy':>7s} {'time':>7s}  result")
    for name, version, _, summary, seconds in results:
        print(f"{name:44s} {version:>7s} {seconds / 60:5.1f} m  {summary}")
    failed = [name for name, _, returncode, _, _ in results if returncode != 0]
    print(f"configurations: {len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        print(f"\n{len(failed)} of {len(results)} configurations failed: " + "; ".join(failed))
        return 1
    print(f"\nall {len(results)} configurations passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
