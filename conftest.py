"""Test set-up shared by the unit tests and the notebook tests (nbval).

Notebook kernels inherit this process's environment, so settings made here reach them too:
progress bars off (they are volatile output) and one BLAS thread per process (parallel workers
fighting over the cores run many times slower). The Makefile sets the same variables before
Python starts; these defaults cover a bare `pytest`.

MPLBACKEND is removed: a kernel must pick matplotlib's inline backend, or figures would vanish
from the outputs that nbval compares. Unit tests that draw choose Agg themselves.
"""
import os

for _name, _value in {
    "NNLIB_PROGRESS": "0",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}.items():
    os.environ.setdefault(_name, _value)
os.environ.pop("MPLBACKEND", None)
