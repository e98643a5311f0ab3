"""Time one training epoch of three MLPs with nnlib and with PyTorch on the CPU, side by side.

Usage (from the repository root; ``make bench`` runs the first line)::

    python bench/bench.py                      # 1 and 2 threads, 2 rounds x 4 epochs: 5-7 minutes
    python bench/bench.py --threads 1 --rounds 1 --epochs 1    # a quick look

What is compared (the same in both frameworks): layer sizes, activations, softmax + categorical
cross-entropy on the logits, batch size, optimizer and its hyper-parameters, float32 everywhere,
a fresh random order every epoch (within each of the epoch's parts, see below; one gather of
the batch rows per step), and the loss and accuracy of every step read back as Python floats
(what nnlib's ``train`` records and what a PyTorch loop would print).

- A: 784-100-10, sigmoid hidden layer, batch 100, SGD(lr=0.1): Raschka's MNIST model (his
  sigmoid output with a logistic cost is replaced by softmax + cross-entropy in both frameworks);
- B: 784-128-128-10, ReLU, batch 128, Adam(lr=0.001);
- C: 784-100-100-100-100-10, ReLU, He initialisation, batch 128, Adam(lr=0.001): chapter 6's
  MNIST network.

nnlib runs its own ``nnlib.training.train`` with ``Sequential``/``Dense``; ``train`` has the
first ``Dense`` skip the gradient w.r.t. the data (the data need no gradient; autograd skips it
for PyTorch in the same way). PyTorch runs a plain eager loop (``nn.Sequential`` of ``nn.Linear``,
``F.cross_entropy``, ``torch.optim``, default settings; Adam's ``eps=1e-7`` as nnlib's).

Each framework trains in a worker subprocess with ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``
and ``MKL_NUM_THREADS`` set before NumPy or PyTorch is imported (and ``torch.set_num_threads``),
so both use the same number of threads. A round starts one fresh worker per framework, and
the workers train their epochs side by side: each epoch in a few parts of whole mini-batches,
the frameworks taking turns part by part, so both epochs span the same stretch of time; the
headline is the median over the epochs of nnlib's time over PyTorch's. (This matters where the
machine's speed drifts: on some virtual machines two threads run at one of two speeds about
1.6x apart and switch within seconds, so epochs timed one after the other can compare one
framework's fast phase with the other's slow one.) The
report also gives each framework's median epoch, the GEMM rate its BLAS reaches on the model's
own matrix shapes in the same worker, and the peak resident memory. Results go to
bench/RESULTS.md and bench/epoch_times.png, every measurement to bench/runs.json.
"""
import argparse
import json
import os
import platform
import select
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
N_SAMPLES, N_FEATURES, N_CLASSES = 60_000, 784, 10
WARMUP_STEPS = 20
BUSY_LIMIT = 0.25         # CPUs kept busy by other processes above which a run is repeated
WORKER_TIMEOUT = 120      # seconds to wait for a worker's answer; it normally answers within 10
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Config:
    name: str
    title: str
    sizes: tuple          # layer widths, input first
    activation: str       # "sigmoid" or "relu" (hidden layers)
    batch_size: int
    optimizer: str        # "sgd" or "adam"
    learning_rate: float
    init: str             # "normal" (std 0.1, Raschka's) or "he"


CONFIGS = {
    "A": Config("A", "784-100-10 sigmoid, SGD, batch 100", (784, 100, 10), "sigmoid", 100,
                "sgd", 0.1, "normal"),
    "B": Config("B", "784-128-128-10 ReLU, Adam, batch 128", (784, 128, 128, 10), "relu", 128,
                "adam", 0.001, "he"),
    "C": Config("C", "784-100x4-10 ReLU, He, Adam, batch 128", (784, 100, 100, 100, 100, 10),
                "relu", 128, "adam", 0.001, "he"),
}
FRAMEWORKS = ("nnlib", "torch")
# For reference only, on the Adam models: PyTorch with its fused Adam kernel (not the default).
TORCH_FUSED = "torch-fused"


# ---- what one epoch costs in floating-point operations -------------------------------------

def batch_sizes(config):
    """Sizes of the mini-batches of one epoch (the last one may be smaller)."""
    full, rest = divmod(N_SAMPLES, config.batch_size)
    return [config.batch_size] * full + ([rest] if rest else [])


def layer_shapes(config):
    """(n_inputs, n_neurons) of every dense layer."""
    return list(zip(config.sizes[:-1], config.sizes[1:]))


def epoch_flops(config):
    """Matrix-product FLOPs of one epoch: per layer 2*n*i*o for the forward product and for the
    weight gradient, and for the input gradient of every layer but the first (the data need
    none). Element-wise work (activations, softmax, optimizer) is not counted."""
    total = 0
    for n in batch_sizes(config):
        for index, (n_in, n_out) in enumerate(layer_shapes(config)):
            products = 2 if index == 0 else 3
            total += products * 2 * n * n_in * n_out
    return total


# ---- the worker: one framework, one configuration, one thread count -------------------------

def load_data(data_path):
    """The training set as float32 (60000, 784) and uint8 labels: from a file the parent wrote
    (real MNIST or Fashion-MNIST), else random numbers (the timing does not depend on them)."""
    import numpy as np

    if data_path:
        with np.load(data_path) as data:
            return data["X"], data["y"]
    rng = np.random.default_rng(0)
    X = rng.random((N_SAMPLES, N_FEATURES), dtype=np.float32)   # like scaled pixels, in [-1, 1)
    X *= 2
    X -= 1
    y = rng.integers(0, N_CLASSES, N_SAMPLES).astype(np.uint8)
    return X, y


def initial_weights(config, rng):
    """The same float32 starting weights for both frameworks, (n_inputs, n_neurons) each."""
    import numpy as np

    weights = []
    for n_in, n_out in layer_shapes(config):
        std = 0.1 if config.init == "normal" else np.sqrt(2.0 / n_in)
        weights.append((std * rng.standard_normal((n_in, n_out))).astype(np.float32))
    return weights


def nnlib_trainer(config, X, y, weights):
    """A function ``train_rows(start, stop)`` that trains on rows ``start:stop`` of the data
    with nnlib's ``train``: one pass, in mini-batches, in a fresh random order."""
    import numpy as np

    from nnlib.activations import ReLU, Sigmoid
    from nnlib.layers import Dense
    from nnlib.losses import SoftmaxCrossentropy
    from nnlib.model import Sequential
    from nnlib.optimizers import SGD, Adam
    from nnlib.training import train

    layers = []
    for index, start in enumerate(weights):
        n_in, n_out = start.shape
        layers.append(Dense(n_in, n_out, init=lambda shape, rng=None, w=start: w.copy()))
        if index < len(weights) - 1:
            layers.append(Sigmoid() if config.activation == "sigmoid" else ReLU())
    model = Sequential(layers)
    loss = SoftmaxCrossentropy()
    if config.optimizer == "sgd":
        optimizer = SGD(learning_rate=config.learning_rate)
    else:
        optimizer = Adam(learning_rate=config.learning_rate)
    rng = np.random.default_rng(1)

    def train_rows(start, stop):
        train(model, loss, optimizer, X[start:stop], y[start:stop], epochs=1,
              batch_size=config.batch_size, rng=rng)

    return train_rows


def torch_trainer(config, X, y, weights, fused=False):
    """A function ``train_rows(start, stop)`` that trains on rows ``start:stop`` of the data
    with a plain PyTorch loop, as nnlib's does (``fused``: Adam's fused kernel instead of the
    default implementation)."""
    import torch
    import torch.nn.functional as F

    layers = []
    for index, start in enumerate(weights):
        linear = torch.nn.Linear(*start.shape)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(start.T))      # PyTorch stores (out, in)
            linear.bias.zero_()
        layers.append(linear)
        if index < len(weights) - 1:
            sigmoid = config.activation == "sigmoid"
            layers.append(torch.nn.Sigmoid() if sigmoid else torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    if config.optimizer == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=config.learning_rate)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate, eps=1e-7,
                                     fused=fused or None)
    generator = torch.Generator().manual_seed(1)
    X_all, y_all = torch.from_numpy(X), torch.from_numpy(y.astype("int64"))

    def train_rows(start, stop):
        order = start + torch.randperm(stop - start, generator=generator)
        losses, scores = [], []
        for first in range(0, len(order), config.batch_size):
            index = order[first:first + config.batch_size]
            X_batch, y_batch = X_all[index], y_all[index]
            logits = model(X_batch)
            loss = F.cross_entropy(logits, y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            scores.append((logits.argmax(dim=1) == y_batch).float().mean().item())
        return losses, scores

    return train_rows


def gemm_rates(framework, config, repeats=5, calls=40):
    """Seconds per call of every matrix product of one training step, measured on its own.

    Returns a list of dicts (layer, product, shape (m, k, n), flops, seconds): the layout is the
    framework's (nnlib: ``X @ W``, ``X.T @ D``, ``D @ W.T``; PyTorch: weight stored transposed).
    """
    import numpy as np

    rng = np.random.default_rng(2)
    n = config.batch_size
    results = []
    for index, (n_in, n_out) in enumerate(layer_shapes(config)):
        X = rng.standard_normal((n, n_in), dtype=np.float32)
        W = rng.standard_normal((n_in, n_out), dtype=np.float32)
        D = rng.standard_normal((n, n_out), dtype=np.float32)
        if framework == "nnlib":
            products = {"forward": lambda: np.dot(X, W), "dweights": lambda: np.dot(X.T, D),
                        "dinputs": lambda: np.dot(D, W.T)}
        else:
            import torch

            tX, tD = torch.from_numpy(X), torch.from_numpy(D)
            tW = torch.from_numpy(np.ascontiguousarray(W.T))               # (out, in)
            products = {"forward": lambda: torch.mm(tX, tW.t()),
                        "dweights": lambda: torch.mm(tD.t(), tX),
                        "dinputs": lambda: torch.mm(tD, tW)}
        if index == 0:
            del products["dinputs"]
        for name, product in products.items():
            results.append({"layer": index, "product": name, "shape": [n, n_in, n_out],
                            "flops": 2 * n * n_in * n_out,
                            "seconds": best_seconds_per_call(product, repeats, calls)})
    return results


def best_seconds_per_call(function, repeats, calls):
    """Seconds per call of ``function()``: the best of ``repeats`` loops of ``calls`` calls."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def memory_kib(field):
    """A field of /proc/self/status in KiB (VmRSS, VmHWM), or None where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak_memory():
    """Restart the peak-RSS count (Linux: writing 5 to clear_refs); False where unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def worker(framework, config_name, threads, data_path):
    """Run in a subprocess whose thread variables the parent set, and train on request.

    Talks to the parent in JSON lines: after the warm-up it prints ``{"ready": true,
    "samples": n}``; then each line ``rows START STOP`` on its standard input trains one pass
    over those rows (mini-batches in a fresh random order) and prints its wall and CPU seconds,
    and ``finish`` prints the memory figures and the GEMM rates and ends the worker. Between
    requests the worker waits on its input and uses no CPU.
    """
    import resource

    import numpy as np

    config = CONFIGS[config_name]
    info = {"framework": framework, "config": config_name, "threads": threads}
    if framework != "nnlib":
        import torch

        torch.set_num_threads(threads)
        info["torch"] = torch.__version__
        info["torch_config"] = torch.__config__.show()
        info["torch_threads"] = torch.get_num_threads()
    X, y = load_data(data_path)
    weights = initial_weights(config, np.random.default_rng(0))
    make_trainer = nnlib_trainer if framework == "nnlib" else torch_trainer
    options = {} if framework == "nnlib" else {"fused": framework == TORCH_FUSED}
    train_rows = make_trainer(config, X, y, weights, **options)
    train_rows(0, WARMUP_STEPS * config.batch_size)                    # the warm-up
    info["rss_before_training_kib"] = memory_kib("VmRSS")
    info["peak_reset"] = reset_peak_memory()
    print(json.dumps({"ready": True, "samples": len(X)}), flush=True)
    for request in sys.stdin:
        command, *rows = request.split()
        if command == "rows":
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            train_rows(*map(int, rows))
            print(json.dumps({"wall": time.perf_counter() - start_wall,
                              "cpu": time.process_time() - start_cpu}), flush=True)
        elif command == "finish":
            break
    info["peak_rss_training_kib"] = memory_kib("VmHWM")
    info["ru_maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    info["gemm"] = [] if framework == TORCH_FUSED else gemm_rates(framework, config)
    print(json.dumps(info), flush=True)


# ---- the parent: data, alternation, summary, report ----------------------------------------

def prepare_data(folder):
    """Pick the data and, for a real set, write it where the workers can read it.

    Returns (description, path or None): full MNIST if present, else full Fashion-MNIST if
    present, else random data of the same shape.
    """
    import numpy as np

    from nnlib.datasets import flatten, load_mnist, scale_pixels

    for kind in ("mnist", "fashion"):
        try:
            data = load_mnist(kind, source="full")
        except (FileNotFoundError, ValueError):
            continue
        path = Path(folder) / f"{kind}.npz"
        np.savez(path, X=flatten(scale_pixels(data.X_train)), y=data.y_train)
        return f"{data.name} (full training set, {len(data.y_train):,} images)", path
    return ("random numbers of MNIST's shape (60,000 x 784 float32, labels 0-9): neither full "
            "MNIST nor full Fashion-MNIST is on this machine; the timing does not depend on "
            "the values"), None


def busy_seconds():
    """CPU seconds spent so far by the whole machine (all processes), or None off Linux."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)          # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid):
    """CPU seconds that process ``pid`` has used so far, all its threads, or None off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")   # utime, stime
    except (OSError, IndexError, ValueError):
        return None


def wait_for_quiet(longest):
    """Wait until all processes together keep less than 0.2 CPUs busy (over half a second), at
    most ``longest`` seconds; return the seconds waited. The waiting workers count too, so this
    also waits for their threads to stop spinning after their last epoch."""
    start = time.perf_counter()
    while time.perf_counter() - start < longest:
        before = busy_seconds()
        if before is None:
            break
        time.sleep(0.5)
        if (busy_seconds() - before) / 0.5 < 0.2:
            break
    return time.perf_counter() - start


class Worker:
    """One framework's worker subprocess (see ``worker``), kept for one round of epochs."""

    def __init__(self, framework, config_name, threads, data_path):
        self.name = f"the {framework} worker for model {config_name} with {threads} thread(s)"
        env = dict(os.environ, NNLIB_PROGRESS="0", PYTHONHASHSEED="0")
        for variable in THREAD_VARIABLES:
            env[variable] = str(threads)
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", framework,
                   "--config", config_name, "--threads", str(threads)]
        if data_path:
            command += ["--data", str(data_path)]
        self.errors = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.errors)

    def answer(self):
        """The worker's next JSON line; an error naming the worker if it fails or hangs."""
        ready, _, _ = select.select([self.process.stdout], [], [], WORKER_TIMEOUT)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.stop()
            self.errors.seek(0)
            why = (f"failed:\n{self.errors.read()}" if ready else
                   f"gave no answer within {WORKER_TIMEOUT} s; run the benchmark when the "
                   "machine is less busy")
            raise RuntimeError(f"bench: {self.name} {why}")
        return json.loads(line)

    def ask(self, request):
        self.process.stdin.write(request + "\n")
        self.process.stdin.flush()
        return self.answer()

    def cpu_seconds(self):
        return process_cpu_seconds(self.process.pid)

    def finish(self):
        """The worker's final report (memory, GEMM rates), once it has ended."""
        report = self.ask("finish")
        self.process.stdin.close()
        self.process.wait(timeout=WORKER_TIMEOUT)
        return report

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def parts_of_epoch(n_samples, batch_size, parts):
    """Split one epoch's rows into ``parts`` runs of whole mini-batches, as equal as can be:
    a list of (start, stop), together covering 0..n_samples once (the last batch may be
    short, as in a whole epoch). 60,000 rows in batches of 128 and 10 parts: 9 parts of
    47 batches and one of 46, the last one 96 rows short."""
    batches = -(-n_samples // batch_size)                      # ceil: the epoch's batches
    parts = min(parts, batches)
    edges = [round(i * batches / parts) * batch_size for i in range(parts + 1)]
    return [(start, min(stop, n_samples)) for start, stop in zip(edges, edges[1:])]


def time_part(workers, framework, start, stop):
    """Have ``framework``'s worker train on rows ``start:stop``; return its answer (wall and
    CPU seconds) with ``idle_cpu``, the CPU seconds the other, waiting workers used meanwhile,
    and ``others_cpu`` and ``elapsed``, the CPU seconds that processes other than the workers
    used meanwhile and the seconds it took (``idle_cpu`` and ``others_cpu`` None off Linux)."""
    before = {name: worker.cpu_seconds() for name, worker in workers.items()}
    busy, started = busy_seconds(), time.perf_counter()
    part = workers[framework].ask(f"rows {start} {stop}")
    part["elapsed"] = time.perf_counter() - started
    after = {name: worker.cpu_seconds() for name, worker in workers.items()}
    part["idle_cpu"] = part["others_cpu"] = None
    if busy is not None and None not in before.values():
        used = {name: after[name] - before[name] for name in workers}
        part["idle_cpu"] = sum(used.values()) - used[framework]
        part["others_cpu"] = (busy_seconds() - busy) - sum(used.values())
    return part


def interleaved_epochs(workers, order, rows, args):
    """One epoch in every worker, each trained in the parts ``rows`` lists, the workers taking
    turns part by part (``order``, then reversed, and so on): every framework's epoch spans
    the same stretch of time, so a drift in the machine's speed slows them alike.

    Returns ``{framework: epoch}`` with the epoch's wall and CPU seconds (sums over its parts),
    ``parts`` (each part's seconds), ``others_cores`` (CPUs kept busy by processes other than
    the workers, while the parts ran) and ``idle_workers_cpu`` (CPU seconds the other, waiting
    workers used during this framework's parts: 0 when they leave the CPUs alone); the last
    two only where the operating system tells (Linux). The epochs are run again
    (``args.retries`` times at most) while others kept more than ``BUSY_LIMIT`` CPUs busy; the
    quietest try is kept and the others are listed in its ``discarded``.
    """
    tries = []
    for _ in range(1 + args.retries):
        waited = wait_for_quiet(args.quiet_wait) if args.quiet_wait else 0.0
        epochs = {name: {"wall": 0.0, "cpu": 0.0, "parts": [], "waited_seconds": waited}
                  for name in order}
        parts = []
        for index, (start, stop) in enumerate(rows):
            for framework in (order if index % 2 == 0 else order[::-1]):
                time.sleep(args.pause)                          # let the last one's threads rest
                part = time_part(workers, framework, start, stop)
                parts.append((framework, part))
                epoch = epochs[framework]
                epoch["wall"] += part["wall"]
                epoch["cpu"] += part["cpu"]
                epoch["parts"].append(part["wall"])
        if all(part["others_cpu"] is not None for _, part in parts):
            others_cores = max(0.0, sum(part["others_cpu"] for _, part in parts)
                               / sum(part["elapsed"] for _, part in parts))
            for name, epoch in epochs.items():
                epoch["others_cores"] = others_cores
                epoch["idle_workers_cpu"] = sum(part["idle_cpu"] for framework, part in parts
                                                if framework == name)
        tries.append(epochs)
        if next(iter(epochs.values())).get("others_cores", 0.0) <= BUSY_LIMIT:
            break
    best = min(tries, key=lambda epochs: next(iter(epochs.values())).get("others_cores", 0.0))
    for name, epoch in best.items():
        epoch["discarded"] = [{"wall": other[name]["wall"],
                               "others_cores": other[name]["others_cores"]}
                              for other in tries if other is not best]
    return best


def measure_round(frameworks, config_name, threads, args, data_path, label):
    """One round: a fresh worker per framework, then ``args.epochs`` epochs in each, trained
    side by side (``interleaved_epochs``). Returns one run (the worker's final report plus its
    ``epochs``) per framework."""
    workers = {framework: Worker(framework, config_name, threads, data_path)
               for framework in frameworks}
    try:
        samples = {worker.answer()["samples"] for worker in workers.values()}  # warmed up
        rows = parts_of_epoch(samples.pop(), CONFIGS[config_name].batch_size, args.parts)
        epochs = {framework: [] for framework in frameworks}
        for number in range(args.epochs):
            order = frameworks if number % 2 == 0 else frameworks[::-1]
            for framework, epoch in interleaved_epochs(workers, order, rows, args).items():
                epochs[framework].append(epoch)
            print(f"{label} epoch {number + 1}: " + ", ".join(
                f"{framework} {epochs[framework][-1]['wall']:.3f} s" for framework in frameworks),
                flush=True)
        runs = []
        for framework, worker in workers.items():
            run = worker.finish()
            run["epochs"] = epochs[framework]
            runs.append(run)
        return runs
    finally:
        for worker in workers.values():
            worker.stop()


def epochs_of(runs, config_name, threads, framework):
    """Every epoch record of one cell, round after round, in the order they ran."""
    return [epoch for run in runs
            if (run["config"], run["threads"], run["framework"])
            == (config_name, threads, framework)
            for epoch in run["epochs"]]


def epoch_ratios(runs, config_name, threads, ours="nnlib", theirs="torch"):
    """Epoch time of ``ours`` over that of the epoch of ``theirs`` trained side by side with
    it, for every epoch."""
    first = epochs_of(runs, config_name, threads, ours)
    second = epochs_of(runs, config_name, threads, theirs)
    return [a["wall"] / b["wall"] for a, b in zip(first, second, strict=True)]


def summarise(runs, config_name, threads, framework):
    mine = [r for r in runs if (r["config"], r["threads"], r["framework"])
            == (config_name, threads, framework)]
    epochs = epochs_of(runs, config_name, threads, framework)
    seconds = [epoch["wall"] for epoch in epochs]
    cpu = [epoch["cpu"] for epoch in epochs]
    config = CONFIGS[config_name]
    flops = epoch_flops(config)
    steps = batch_sizes(config)
    # GEMM rate: the best rate over the runs of the model's largest product (the first layer's
    # forward), and the time one epoch's products alone take at the measured rates.
    first = [g for r in mine for g in r["gemm"] if g["layer"] == 0 and g["product"] == "forward"]
    peak = max(g["flops"] / g["seconds"] for g in first)
    gemm_epoch = 0.0
    for g in mine[0]["gemm"]:
        best = min(h["seconds"] for r in mine for h in r["gemm"]
                   if (h["layer"], h["product"]) == (g["layer"], g["product"]))
        gemm_epoch += best * sum(steps) / config.batch_size
    others = [epoch["others_cores"] for epoch in epochs if "others_cores" in epoch]
    idle = [epoch["idle_workers_cpu"] for epoch in epochs if "idle_workers_cpu" in epoch]
    peak_training = [r["peak_rss_training_kib"] for r in mine if r["peak_reset"]]
    return {
        "median": statistics.median(seconds), "min": min(seconds), "max": max(seconds),
        "samples": seconds, "cpu_median": statistics.median(cpu),
        "gflops": flops / statistics.median(seconds) / 1e9, "gemm_peak": peak / 1e9,
        "gemm_epoch": gemm_epoch,
        "peak_rss_mib": max(r["ru_maxrss_kib"] for r in mine) / 1024,
        "peak_training_mib": max(peak_training) / 1024 if peak_training else None,
        "rss_before_mib": statistics.median(r["rss_before_training_kib"] for r in mine) / 1024,
        "others_cores": statistics.mean(others) if others else float("nan"),
        "idle_workers_cpu": max(idle) if idle else float("nan"),
    }


def machine_description():
    cpu = platform.processor() or "unknown CPU"
    flags = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                have = line.split(":", 1)[1].split()
                flags = ", ".join(f for f in ("avx2", "fma", "avx512f", "amx_tile") if f in have)
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 ** 2:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{cpu} ({os.cpu_count()} logical CPUs{memory}; {flags}); "
            f"{platform.system()} {platform.release()}")


def blas_description():
    import numpy as np

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '?')}"
    except Exception:                                   # noqa: BLE001 (information only)
        return "unknown BLAS"


def torch_description(runs):
    for run in runs:
        if "torch" in run:
            lines = [line.strip(" -") for line in run["torch_config"].splitlines()]
            mkl = next((line for line in lines if "Math Kernel Library" in line), "")
            capability = next((line for line in lines if "CPU capability" in line), "")
            extra = "; ".join(part for part in (mkl, capability) if part)
            return f"PyTorch {run['torch']} ({extra})" if extra else f"PyTorch {run['torch']}"
    return "PyTorch (not run)"


def repeated_epochs(runs):
    """A sentence listing the epochs that were run again because the machine was busy."""
    notes = []
    for run in runs:
        for epoch in run["epochs"]:
            for left_out in epoch.get("discarded", []):
                notes.append(f"{run['config']}/{run['threads']}/{run['framework']}: "
                             f"{left_out['wall']:.3f} s ({left_out['others_cores']:.2f} CPUs busy)")
    if not notes:
        return "No epoch had to be run again."
    return ("Epochs left out (model/threads/framework: seconds): " + "; ".join(notes) + ".")


def format_samples(samples):
    return " ".join(f"{s:.3f}" for s in samples)


def write_report(path, runs, args, data_description, loads, duration):
    import numpy as np

    epochs = [epoch for run in runs for epoch in run["epochs"]]
    measured = [epoch["others_cores"] for epoch in epochs if "others_cores" in epoch]
    others = statistics.mean(measured) if measured else float("nan")
    quiet = ("a quiet machine" if others < 0.1 else
             "other jobs competed for the CPUs: the timings are noisier than on a quiet machine")
    idle = [epoch["idle_workers_cpu"] for epoch in epochs if "idle_workers_cpu" in epoch]
    idle_note = (f" While one framework trained, the waiting workers used at most "
                 f"{max(idle):.2f} CPU seconds in its epoch." if idle else "")

    lines = [
        "# nnlib against PyTorch on the CPU: seconds per training epoch",
        "",
        "Generated by `make bench` (`bench/bench.py`); do not edit by hand.",
        "",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M %Z')}; the whole run took {duration / 60:.1f} "
        "minutes.",
        f"- Machine: {machine_description()}.",
        f"- Software: Python {platform.python_version()}, NumPy {np.__version__} "
        f"({blas_description()}), {torch_description(runs)}.",
        f"- Data: {data_description}.",
        f"- Other work on the machine: load average (1 min) {loads[0]:.2f} just before the run "
        f"on {os.cpu_count()} CPUs; while the epochs ran, other processes kept "
        f"{others:.2f} CPUs busy on average ({quiet}; per cell in the details).",
        f"- Each cell: {args.rounds} rounds x {args.epochs} epochs per framework. A round starts "
        "one fresh worker process per framework and warms each up with "
        f"{WARMUP_STEPS} steps. Then the workers train their epochs side by side: each epoch "
        f"in {args.parts} parts of whole mini-batches, the frameworks taking turns part by part "
        "(nnlib then PyTorch, then the other way round), with a rest of "
        f"{args.pause:g} s before each part so that the last worker's threads stop spinning. "
        "Before each epoch the benchmark waited up to "
        f"{args.quiet_wait:g} s for the CPUs to be idle "
        f"({sum(epoch.get('waited_seconds', 0) for epoch in epochs):.0f} s of waiting in all)."
        + idle_note,
        "",
        "| model | threads | nnlib s/epoch | PyTorch s/epoch | **nnlib / torch**: median of "
        "the epochs side by side (range) | ratio of the medians (by CPU time) | "
        "nnlib GFLOP/s (% of GEMM "
        "peak) | PyTorch GFLOP/s (% of GEMM peak) | peak RSS nnlib / torch (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    summaries = {}
    for threads in args.threads:
        for name in args.configs:
            ours = summarise(runs, name, threads, "nnlib")
            theirs = summarise(runs, name, threads, "torch")
            ratios = epoch_ratios(runs, name, threads)
            summaries[name, threads] = (ours, theirs, ratios)
            lines.append(
                f"| {name}: {CONFIGS[name].title} | {threads} | {ours['median']:.3f} | "
                f"{theirs['median']:.3f} | **{statistics.median(ratios):.2f}** "
                f"({min(ratios):.2f}-{max(ratios):.2f}) | "
                f"{ours['median'] / theirs['median']:.2f} "
                f"({ours['cpu_median'] / theirs['cpu_median']:.2f}) | "
                f"{ours['gflops']:.0f} ({100 * ours['gflops'] / ours['gemm_peak']:.0f}% of "
                f"{ours['gemm_peak']:.0f}) | "
                f"{theirs['gflops']:.0f} ({100 * theirs['gflops'] / theirs['gemm_peak']:.0f}% of "
                f"{theirs['gemm_peak']:.0f}) | "
                f"{ours['peak_rss_mib']:.0f} / {theirs['peak_rss_mib']:.0f} |")
    lines += [
        "",
        "- **nnlib / torch**: nnlib's epoch time over that of the PyTorch epoch trained side "
        "by side with it, part by part; the median over the epochs, below 1 when nnlib is "
        "faster, and in brackets the lowest and highest. Training side by side matters on "
        "machines whose speed drifts: on some virtual machines two threads run at one of two "
        "speeds, about 1.6x apart, switching within seconds, so epochs timed one after the "
        "other can compare one framework's fast phase with the other's slow one, while two "
        "epochs trained in turns share the phases. Whether the parts themselves cost time: "
        "`bench/split_epoch.py` times each framework alone, in whole epochs and in parts.",
        "- **ratio of the medians**: each framework's median epoch over all its epochs; in "
        "brackets, the same ratio of the median CPU seconds, which other jobs on the machine "
        "disturb less (see the details). GFLOP/s counts only the matrix products "
        "of an epoch (forward and weight gradient of every layer, input gradient of every layer "
        "but the first) divided by the median epoch time.",
        "- **GEMM peak**: the rate that framework's own matrix product (NumPy's BLAS for nnlib, "
        "PyTorch's for PyTorch) reaches on the model's largest product, the first layer's "
        "forward pass (batch x 784 times 784 x hidden, float32), measured in a tight loop in the "
        "same worker right after its timed epochs.",
        "- **peak RSS**: the worker's peak resident memory (`ru_maxrss`), which includes the "
        "float32 training set (184 MiB) and the libraries; the details below also give the peak "
        "during the timed epochs alone and the memory before them.",
        "",
    ]
    fused = [(name, threads) for threads in args.threads for name in args.configs
             if epochs_of(runs, name, threads, TORCH_FUSED)]
    if fused:
        lines += [
            "For reference (not the comparison asked for): PyTorch's fused Adam kernel, "
            "`torch.optim.Adam(..., fused=True)`, which is not its default on the CPU, run in "
            "the same rounds, side by side with the other two.",
            "",
            "| model | threads | PyTorch fused Adam s/epoch | nnlib / fused: median of the "
            "epochs side by side |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name, threads in fused:
            seconds = [epoch["wall"] for epoch in epochs_of(runs, name, threads, TORCH_FUSED)]
            ratios = epoch_ratios(runs, name, threads, theirs=TORCH_FUSED)
            lines.append(f"| {name} | {threads} | {statistics.median(seconds):.3f} | "
                         f"{statistics.median(ratios):.2f} |")
        lines.append("")
    lines += [
        "## Details",
        "",
        "| model | threads | framework | epoch seconds, in the order they ran | nnlib / torch "
        "epoch by epoch | CPU s/epoch (median) | GEMM-only s/epoch | RSS before training (MiB) "
        "| peak RSS while training (MiB) | other processes (CPUs busy) |",
        "| --- | ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (name, threads), (ours, theirs, ratios) in summaries.items():
        for framework, cell in (("nnlib", ours), ("torch", theirs)):
            training = ("n/a" if cell["peak_training_mib"] is None
                        else f"{cell['peak_training_mib']:.0f}")
            by_epoch = " ".join(f"{r:.2f}" for r in ratios) if framework == "nnlib" else ""
            lines.append(
                f"| {name} | {threads} | {framework} | {format_samples(cell['samples'])} | "
                f"{by_epoch} | {cell['cpu_median']:.3f} | {cell['gemm_epoch']:.3f} | "
                f"{cell['rss_before_mib']:.0f} | {training} | {cell['others_cores']:.2f} |")
    lines += [
        "",
        "- **GEMM-only s/epoch**: one epoch's matrix products alone, each timed on its own at "
        "the framework's measured rate: the time neither framework can go below; the rest of "
        "an epoch is element-wise work, the optimizer and per-operation overhead.",
        "- CPU seconds count the time of all the worker's threads; with 1 thread they are "
        "the steadiest measure when other jobs share the machine (a process that waits for a "
        "CPU is not charged), so the ratio by CPU time checks the one by wall time. With 2 "
        "threads they also count threads that spin while waiting for work.",
        "- **other processes**: CPUs kept busy, on average over that cell's epochs, by "
        "everything but the benchmark's workers (from /proc/stat and each worker's "
        "/proc/PID/stat); on 2 CPUs, anything well above 0 slows the 2-thread runs most.",
        f"- An epoch during which other processes kept more than {BUSY_LIMIT} CPUs busy "
        f"was run again (at most {args.retries} times; the quietest try is kept). "
        + repeated_epochs(runs),
        "",
        "## What is compared",
        "",
        "The models are described at the top of `bench/bench.py`: the same layer sizes, "
        "activations, loss (softmax + cross-entropy on the logits; model A uses it instead of "
        "Raschka's sigmoid output with a logistic cost), batch size, optimizer and "
        "hyper-parameters (SGD lr 0.1; Adam lr 0.001, betas 0.9/0.999, eps 1e-7), float32 "
        "data and parameters, a fresh random order every epoch (within each part), and each "
        "step's loss and accuracy read "
        "back. nnlib trains with `nnlib.training.train`, whose `Sequential.backward` has the "
        "first `Dense` skip the gradient with respect to the data, as PyTorch's autograd does. "
        "PyTorch runs eagerly with its default settings "
        "(no `torch.compile`, Adam's default single-tensor implementation on the CPU).",
        "",
        f"Command: `{' '.join(['python', 'bench/bench.py', *sys.argv[1:]])}`.",
        "",
    ]
    path.write_text("\n".join(lines))
    return summaries


def plot(path, summaries, args):
    """Top row: each framework's epoch times (bars: medians); bottom row: nnlib / PyTorch
    epoch by epoch, one column per thread count."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    width_inches = max(6.5, 5.5 * len(args.threads))
    fig, axes = plt.subplots(2, len(args.threads), figsize=(width_inches, 8), squeeze=False,
                             sharey="row")
    width = 0.38
    positions = range(len(args.configs))
    labels = [f"model {name}" for name in args.configs]
    for column, threads in enumerate(args.threads):
        times, ratios = axes[0, column], axes[1, column]
        for offset, framework, index in ((-width / 2, "nnlib", 0), (width / 2, "PyTorch", 1)):
            xs = [i + offset for i in positions]
            medians = [summaries[name, threads][index]["median"] for name in args.configs]
            times.bar(xs, medians, width, label=f"{framework}, median")
            for x, name in zip(xs, args.configs):
                samples = summaries[name, threads][index]["samples"]
                times.plot([x] * len(samples), samples, "k.", markersize=4,
                           label="single epochs" if (x, framework) == (xs[0], "nnlib") else None)
        times.set_xticks(positions, labels)
        times.set_title(f"Epoch times, {threads} thread{'s' if threads > 1 else ''} "
                        "per framework")
        times.set_xlabel("model (see RESULTS.md)")
        times.set_ylabel("seconds per epoch of 60,000 samples")
        times.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, fontsize="small")
        for x, name in zip(positions, args.configs):
            by_epoch = summaries[name, threads][2]
            ratios.plot([x] * len(by_epoch), by_epoch, "k.", markersize=5,
                        label="one epoch each, side by side" if x == 0 else None)
            ratios.plot([x - 0.25, x + 0.25], [statistics.median(by_epoch)] * 2, "C3-", lw=2,
                        label="median" if x == 0 else None)
        ratios.axhline(1.0, color="grey", ls="--", lw=1, label="parity")
        if threads == 1:
            ratios.axhline(0.8, color="C2", ls=":", lw=1.5, label="the goal at 1 thread")
        ratios.set_xticks(positions, labels)
        ratios.set_xlim(-0.6, len(args.configs) - 0.4)
        ratios.set_title(f"nnlib / PyTorch, epoch by epoch, {threads} "
                         f"thread{'s' if threads > 1 else ''}")
        ratios.set_xlabel("model (see RESULTS.md)")
        ratios.set_ylabel("nnlib time / PyTorch time (below 1: nnlib faster)")
        ratios.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4, fontsize="small")
    for ax in axes.flat:
        ax.tick_params(labelleft=True)                  # numbers on every panel's y axis
    fig.suptitle("One training epoch on the CPU, nnlib and PyTorch (lower is faster)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--rounds", type=int, default=2,
                        help="fresh worker processes per framework and cell")
    parser.add_argument("--epochs", type=int, default=4,
                        help="epochs per framework and round, trained side by side")
    parser.add_argument("--parts", type=int, default=4,
                        help="each epoch is trained in this many parts, the frameworks taking "
                             "turns part by part")
    parser.add_argument("--pause", type=float, default=0.1, metavar="SECONDS",
                        help="rest before each part, so that the previous worker's threads "
                             "stop spinning")
    parser.add_argument("--out", type=Path, default=HERE,
                        help="folder for RESULTS.md and epoch_times.png")
    parser.add_argument("--quiet-wait", type=float, default=30, metavar="SECONDS",
                        help="before each epoch, wait up to this long for the CPUs to be idle "
                             "(0: never wait)")
    parser.add_argument("--retries", type=int, default=2,
                        help="run an epoch again at most this often while other processes were "
                             f"busy (more than {BUSY_LIMIT} CPUs) during it")
    parser.add_argument("--no-fused", action="store_true",
                        help="skip the reference runs of PyTorch's fused Adam")
    parser.add_argument("--worker", choices=FRAMEWORKS + (TORCH_FUSED,), help=argparse.SUPPRESS)
    parser.add_argument("--config", choices=list(CONFIGS), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if min(args.rounds, args.epochs, args.parts) < 1:
        parser.error("--rounds, --epochs and --parts must be at least 1")
    if args.worker:
        worker(args.worker, args.config, args.threads[0], args.data)
        return

    started = time.perf_counter()
    loads = [os.getloadavg()[0]]
    runs = []
    with tempfile.TemporaryDirectory(prefix="nnlib-bench-") as folder:
        data_description, data_path = prepare_data(folder)
        print(f"bench: data: {data_description}", flush=True)
        for threads in args.threads:
            for round_index in range(args.rounds):
                for config_index, name in enumerate(args.configs):
                    first_is_nnlib = (round_index + config_index) % 2 == 0
                    frameworks = list(FRAMEWORKS if first_is_nnlib else FRAMEWORKS[::-1])
                    if CONFIGS[name].optimizer == "adam" and not args.no_fused:
                        frameworks.append(TORCH_FUSED)
                    label = (f"bench: {threads} thread(s), round {round_index + 1}/"
                             f"{args.rounds}, model {name},")
                    runs += measure_round(frameworks, name, threads, args, data_path, label)
    loads.append(os.getloadavg()[0])
    args.out.mkdir(parents=True, exist_ok=True)
    summaries = write_report(args.out / "RESULTS.md", runs, args, data_description, loads,
                             time.perf_counter() - started)
    plot(args.out / "epoch_times.png", summaries, args)
    (args.out / "runs.json").write_text(json.dumps(runs, indent=1) + "\n")  # every measurement
    print((args.out / "RESULTS.md").read_text())


if __name__ == "__main__":
    main()
