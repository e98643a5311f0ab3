"""Does training an epoch in parts cost time? One framework alone, whole epochs against parts.

Usage (from the repository root, in an environment with PyTorch, as for ``make bench``)::

    .venv/bin/python bench/split_epoch.py                 # models A and C, 1 and 2 threads
    .venv/bin/python bench/split_epoch.py --configs B --threads 2

``bench.py`` trains nnlib's and PyTorch's epochs side by side, each epoch in a few parts with
a short rest before each part. That is fair only if the parts themselves cost nothing: a part
starts with a fresh random order of its rows and, after the rest, with the threads asleep and
the caches holding the other framework's arrays. Here each framework trains alone, in a worker
of its own, alternating epochs in 1, 4 and 10 parts (with the same rest as the benchmark), and
the table gives the fastest and the median epoch of each. Compare the columns within a row:
any cost of the parts shows as a slower fastest epoch.
"""
import argparse
import statistics
import time

from bench import CONFIGS, FRAMEWORKS, Worker, parts_of_epoch   # bench/bench.py, beside it


def epoch_seconds(worker, rows, pause):
    """Train one epoch in the parts ``rows`` lists, resting ``pause`` s before each part;
    return the seconds spent training (rests not counted)."""
    total = 0.0
    for start, stop in rows:
        time.sleep(pause)
        total += worker.ask(f"rows {start} {stop}")["wall"]
    return total


def main(configs=("A", "C"), threads=(1, 2), frameworks=FRAMEWORKS, parts=(1, 4, 10),
         epochs=6, pause=0.1, data_path=None):
    """Print, per framework, model and thread count, the fastest and the median epoch when
    each epoch is trained in each number of ``parts``."""
    print(f"{'framework':9} {'model':5} {'threads':>7}  " + "  ".join(
        f"{f'{n} part' + ('s' if n > 1 else '') + ': best / median':>26}" for n in parts))
    for threads_now in threads:
        for name in configs:
            for framework in frameworks:
                worker = Worker(framework, name, threads_now, data_path)
                try:
                    samples = worker.answer()["samples"]
                    splits = {n: parts_of_epoch(samples, CONFIGS[name].batch_size, n)
                              for n in parts}
                    seconds = {n: [] for n in parts}
                    for _ in range(epochs):                    # the part counts take turns
                        for n in parts:
                            seconds[n].append(epoch_seconds(worker, splits[n], pause))
                    worker.finish()
                finally:
                    worker.stop()
                print(f"{framework:9} {name:5} {threads_now:>7}  " + "  ".join(
                    f"{min(seconds[n]):>15.3f} / {statistics.median(seconds[n]):.3f}"
                    for n in parts), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", nargs="+", default=["A", "C"], choices=list(CONFIGS))
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--epochs", type=int, default=6, help="epochs per number of parts")
    arguments = parser.parse_args()
    main(configs=arguments.configs, threads=arguments.threads, epochs=arguments.epochs)
