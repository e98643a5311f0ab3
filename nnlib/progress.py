"""One progress bar for every long loop of the course.

Progress bars are volatile output (timings change every run), so they are switched off where
outputs are stored or compared: the tests and ``make run`` set ``NNLIB_PROGRESS=0``.
Introduced in chapter 1 (the MNIST download shows one); the training loops use it from
chapter 2 on.
"""
import os

from tqdm.auto import tqdm

_OFF_VALUES = {"0", "off", "false", "no"}


def progress_enabled():
    """True unless the environment variable ``NNLIB_PROGRESS`` is 0/off/false/no."""
    return os.environ.get("NNLIB_PROGRESS", "1").strip().lower() not in _OFF_VALUES


def progress(iterable=None, *, total=None, desc=None, unit="it", **tqdm_options):
    """Wrap ``iterable`` in a tqdm progress bar, or a silent one when progress is switched off.

    Returns the tqdm object, which iterates like ``iterable`` and has ``update``/``set_postfix``.
    """
    return tqdm(
        iterable, total=total, desc=desc, unit=unit, disable=not progress_enabled(), **tqdm_options
    )
