"""Test set-up shared by the unit tests and the notebook tests (nbval).

Notebook kernels inherit this process's environment, so settings made here reach them too:
progress bars off (they are volatile output), one BLAS thread per process (parallel workers
fighting over the cores run many times slower), and a non-interactive matplotlib backend.
The Makefile sets the same variables before Python starts; these defaults cover a bare `pytest`.
"""
import os

for _name, _value in {
    "NNLIB_PROGRESS": "0",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
}.items():
    os.environ.setdefault(_name, _value)
