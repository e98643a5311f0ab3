"""Can Python threads share NumPy's element-wise work? One Adam step, on one thread and on two.

Usage (from the repository root, after ``make install``)::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/split_update.py

An Adam update is element-wise, so the two halves of a parameter's rows can be updated side by
side: here two ``nnlib.optimizers.Adam`` instances each own one half (row views of the same
arrays) and one of them steps on a helper thread while the other steps on the main thread. The
numbers are bit for bit those of one optimizer on the whole array (checked below). NumPy lets
go of Python's lock only while it loops over an array, once per operation, so the two threads
pass the lock back and forth fourteen times a step; the table shows from what size that pays.
The shapes are the first layers of the benchmark's models (784 x 100, 784 x 128) and two
larger ones.
"""
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from bench import best_seconds_per_call    # bench/bench.py, next to this script
from nnlib.optimizers import Adam

SHAPES = [(784, 100), (784, 128), (784, 1024), (4096, 1024)]


class Block:
    """One parameter array and its gradient, in the layer contract that optimizers step."""

    def __init__(self, value, gradient):
        self.value, self.gradient = value, gradient

    def parameters(self):
        return [(self.value, self.gradient)]


def seconds_per_step(step):
    """Seconds per call of ``step()`` after a warm-up: the best of 5 loops of 50 calls."""
    for _ in range(3):
        step()
    return best_seconds_per_call(step, repeats=5, calls=50)


def main(shapes=SHAPES):
    """Print, for each shape, the seconds per Adam step on one thread and on two."""
    rng = np.random.default_rng(0)
    pool = ThreadPoolExecutor(1)
    print(f"{'shape':>12} {'elements':>10} {'1 thread':>10} {'2 threads':>10} {'speed-up':>9}")
    for shape in shapes:
        start = rng.standard_normal(shape, dtype=np.float32)
        gradient = rng.standard_normal(shape, dtype=np.float32)

        whole = Block(start.copy(), gradient)
        one_optimizer = Adam()
        one_thread = seconds_per_step(lambda: one_optimizer.step(whole))

        split = start.copy()
        half = shape[0] // 2
        top, bottom = Block(split[:half], gradient[:half]), Block(split[half:], gradient[half:])
        top_optimizer, bottom_optimizer = Adam(), Adam()

        def two_threads_step():
            helper = pool.submit(bottom_optimizer.step, bottom)
            top_optimizer.step(top)
            helper.result()

        two_threads = seconds_per_step(two_threads_step)
        if not np.array_equal(whole.value, split):
            raise AssertionError(f"{shape}: the split update changed the numbers")
        print(f"{str(shape):>12} {start.size:>10,} {one_thread * 1e6:>8.0f}us "
              f"{two_threads * 1e6:>8.0f}us {one_thread / two_threads:>8.2f}x")
    pool.shutdown()


if __name__ == "__main__":
    main()
