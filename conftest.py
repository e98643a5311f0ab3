"""Test set-up shared by the unit tests and the notebook tests (nbval).

Notebook kernels inherit this process's environment, so settings made here reach them too:
progress bars off (they are volatile output) and one BLAS thread per process (parallel workers
fighting over the cores run many times slower). The Makefile sets the same variables before
Python starts; these defaults cover a bare `pytest`. A variable already set wins (that is how
`make test-portable` runs the suite with two BLAS threads).

MPLBACKEND is removed: a kernel must pick matplotlib's inline backend, or figures would vanish
from the outputs that nbval compares. Unit tests that draw choose Agg themselves.

Book digits. A few cells print the NNFS book's float32 runs in the book's format, digit for
digit (chapters 2, 3, 5 and 6). Those digits come out of NumPy's float32 ``exp`` and ``log``,
whose last bit depends on the code path NumPy takes on the processor: the AVX2/AVX-512 path of
x86-64 (the books' kind of machine, and the one the stored outputs were made on), or the C
library's path (ARM laptops such as Apple Silicon, older x86). Such cells carry the tag
``book-digits`` and assert themselves what holds on every machine: published lines within the
tolerance the chapter states, and for long training runs (where one different last bit leads
to another path) the facts the chapter draws from them. nbval compares their printed digits
exactly where float32 ``exp``/``log`` give the books' bits (checked below on 400,002 values
against a stored fingerprint), and leaves them to the cells' own assertions elsewhere. Every
other cell is compared exactly on every machine.
"""
import hashlib
import os

import numpy as np
import pytest

for _name, _value in {
    "NNLIB_PROGRESS": "0",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}.items():
    os.environ.setdefault(_name, _value)
os.environ.pop("MPLBACKEND", None)

BOOK_DIGITS_TAG = "book-digits"

# SHA-256 (first 16 hex digits) of float32 exp and log on the grids below, as NumPy computes
# them on x86-64 with AVX2 or AVX-512 (the same bits on both, and in every NumPy 2.x tested).
BOOKS_FLOAT32_FINGERPRINT = "115cf15aa135b115"


def float32_fingerprint():
    """First 16 hex digits of the SHA-256 of float32 exp(x) and log(p) on fixed grids."""
    x = np.linspace(-30, 10, 200_001, dtype=np.float32)     # softmax's exponents
    p = np.linspace(1e-7, 1, 200_001, dtype=np.float32)     # cross-entropy's confidences
    digest = hashlib.sha256()
    digest.update(np.exp(x).tobytes())
    digest.update(np.log(p).tobytes())
    return digest.hexdigest()[:16]


def float32_math_is_the_books():
    """True where float32 exp/log give the bits of the books' kind of machine."""
    return float32_fingerprint() == BOOKS_FLOAT32_FINGERPRINT


def pytest_report_header(config):
    if float32_math_is_the_books():
        return ("published digits: float32 exp/log as on the books' machines (x86-64 AVX2); "
                "book lines compared digit for digit")
    return ("published digits: this machine's float32 exp/log differ from the books' in the "
            "last bit; book lines checked by each cell's stated tolerance")


def pytest_collection_modifyitems(config, items):
    if float32_math_is_the_books():
        return
    for item in items:
        cell = getattr(item, "cell", None)
        options = getattr(item, "options", None)
        if cell is None or options is None:
            continue
        if BOOK_DIGITS_TAG in cell.get("metadata", {}).get("tags", []):
            options["check"] = False       # the cell runs and asserts; its digits aren't compared
