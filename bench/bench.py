"""Time one training epoch of three MLPs with nnlib and with PyTorch on the CPU, side by side.

Usage (from the repository root; ``make bench`` runs the first line)::

    python bench/bench.py                      # 1 and 2 threads, 3 rounds: 5-7 minutes
    python bench/bench.py --threads 1 --rounds 1 --epochs 1    # a quick look

What is compared (the same in both frameworks): layer sizes, activations, softmax + categorical
cross-entropy on the logits, batch size, optimizer and its hyper-parameters, float32 everywhere,
a fresh shuffle of the 60,000 training samples every epoch (one gather of the batch rows per
step), and the loss and accuracy of every step read back as Python floats (what nnlib's
``train`` records and what a PyTorch loop would print).

- A: 784-100-10, sigmoid hidden layer, batch 100, SGD(lr=0.1): Raschka's MNIST model (his
  sigmoid output with a logistic cost is replaced by softmax + cross-entropy in both frameworks);
- B: 784-128-128-10, ReLU, batch 128, Adam(lr=0.001);
- C: 784-100-100-100-100-10, ReLU, He initialisation, batch 128, Adam(lr=0.001): chapter 6's
  MNIST network.

nnlib runs its own ``nnlib.training.train`` with ``Sequential``/``Dense``; ``train`` has the
first ``Dense`` skip the gradient w.r.t. the data (the data need no gradient; autograd skips it
for PyTorch in the same way). PyTorch runs a plain eager loop (``nn.Sequential`` of ``nn.Linear``,
``F.cross_entropy``, ``torch.optim``, default settings; Adam's ``eps=1e-7`` as nnlib's).

Every measurement runs in a fresh subprocess per framework with ``OPENBLAS_NUM_THREADS``,
``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` set before NumPy or PyTorch is imported (and
``torch.set_num_threads``), so both use the same number of threads. The two frameworks
alternate, round after round, and each framework's median epoch time is reported, with the
GEMM rate that the framework's BLAS reaches on the model's own matrix shapes measured in the
same subprocess, and the peak resident memory. Results go to bench/RESULTS.md and
bench/epoch_times.png.
"""
import argparse
import json
import os
import platform
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
WORKER_TIMEOUT = 120      # seconds; a worker normally takes under 10
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
    """A function that trains one epoch with nnlib's ``train``."""
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

    def one_epoch(X=X, y=y):
        train(model, loss, optimizer, X, y, epochs=1, batch_size=config.batch_size, rng=rng)

    return one_epoch


def torch_trainer(config, X, y, weights, fused=False):
    """A function that trains one epoch with a plain PyTorch loop (``fused``: Adam's fused
    kernel instead of the default implementation)."""
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

    def one_epoch(X=X_all, y=y_all):
        order = torch.randperm(len(X), generator=generator)
        losses, scores = [], []
        for start in range(0, len(X), config.batch_size):
            index = order[start:start + config.batch_size]
            X_batch, y_batch = X[index], y[index]
            logits = model(X_batch)
            loss = F.cross_entropy(logits, y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            scores.append((logits.argmax(dim=1) == y_batch).float().mean().item())
        return losses, scores

    return one_epoch, X_all, y_all


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


def worker(framework, config_name, threads, epochs, data_path):
    """Run in a subprocess whose thread variables the parent set; print one JSON line."""
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
    if framework == "nnlib":
        one_epoch = nnlib_trainer(config, X, y, weights)
        warm_up = lambda: one_epoch(X[:WARMUP_STEPS * config.batch_size],      # noqa: E731
                                    y[:WARMUP_STEPS * config.batch_size])
    else:
        one_epoch, X_all, y_all = torch_trainer(config, X, y, weights,
                                                fused=framework == TORCH_FUSED)
        warm_up = lambda: one_epoch(X_all[:WARMUP_STEPS * config.batch_size],  # noqa: E731
                                    y_all[:WARMUP_STEPS * config.batch_size])
    warm_up()
    info["rss_before_training_kib"] = memory_kib("VmRSS")
    info["peak_reset"] = reset_peak_memory()
    wall, cpu = [], []
    for _ in range(epochs):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        one_epoch()
        wall.append(time.perf_counter() - start_wall)
        cpu.append(time.process_time() - start_cpu)
    info["epoch_seconds"], info["epoch_cpu_seconds"] = wall, cpu
    info["peak_rss_training_kib"] = memory_kib("VmHWM")
    info["ru_maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    info["gemm"] = [] if framework == TORCH_FUSED else gemm_rates(framework, config)
    print(json.dumps(info))


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


def children_seconds():
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wait_for_quiet(longest):
    """Wait until other processes keep less than 0.2 CPUs busy (over half a second), at most
    ``longest`` seconds; return the seconds waited."""
    start = time.perf_counter()
    while time.perf_counter() - start < longest:
        before = busy_seconds()
        if before is None:
            break
        time.sleep(0.5)
        if (busy_seconds() - before) / 0.5 < 0.2:
            break
    return time.perf_counter() - start


def run_worker(framework, config_name, threads, epochs, data_path):
    """Run one worker subprocess; return its JSON, plus ``others_cores``: how many CPUs other
    processes kept busy, on average, while it ran (the machine's busy time minus the worker's)."""
    env = dict(os.environ, NNLIB_PROGRESS="0", PYTHONHASHSEED="0")
    for variable in THREAD_VARIABLES:
        env[variable] = str(threads)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", framework,
               "--config", config_name, "--threads", str(threads), "--epochs", str(epochs)]
    if data_path:
        command += ["--data", str(data_path)]
    busy, mine, wall = busy_seconds(), children_seconds(), time.perf_counter()
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT,
                              timeout=WORKER_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise RuntimeError(f"bench: the {framework} worker for {config_name} with {threads} "
                           f"thread(s) failed:\n{done.stderr}")
    run = json.loads(done.stdout.strip().splitlines()[-1])
    if busy is not None:
        others = (busy_seconds() - busy) - (children_seconds() - mine)
        run["others_cores"] = max(0.0, others / (time.perf_counter() - wall))
    return run


def measure(framework, config_name, threads, args, data_path, label):
    """One worker run, repeated (``args.retries`` times at most) while other processes kept more
    than ``BUSY_LIMIT`` CPUs busy during it or it ran past ``WORKER_TIMEOUT``. The quietest
    completed run is returned; the others are listed in its ``discarded`` and reported."""
    completed, timeouts = [], 0
    for _ in range(1 + args.retries):
        waited = wait_for_quiet(args.quiet_wait) if args.quiet_wait else 0.0
        run = run_worker(framework, config_name, threads, args.epochs, data_path)
        if run is None:
            print(f"{label} timed out (the machine is busy)", flush=True)
            timeouts += 1
            continue
        run["waited_seconds"] = waited
        others = run.get("others_cores", 0.0)
        note = f" (other processes kept {others:.2f} CPUs busy)" if others > BUSY_LIMIT else ""
        print(f"{label} {format_samples(run['epoch_seconds'])} s/epoch{note}", flush=True)
        completed.append(run)
        if others <= BUSY_LIMIT:
            break
    if not completed:
        raise RuntimeError(f"{label} timed out {timeouts} times; run the benchmark when the "
                           "machine is less busy.")
    best = min(completed, key=lambda r: r.get("others_cores", 0.0))
    best["discarded"] = [{"epoch_seconds": r["epoch_seconds"], "others_cores": r["others_cores"]}
                         for r in completed if r is not best] + [{"timed_out": True}] * timeouts
    return best


def summarise(runs, config_name, threads, framework):
    mine = [r for r in runs if (r["config"], r["threads"], r["framework"])
            == (config_name, threads, framework)]
    seconds = [s for r in mine for s in r["epoch_seconds"]]
    cpu = [s for r in mine for s in r["epoch_cpu_seconds"]]
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
    others = [r["others_cores"] for r in mine if "others_cores" in r]
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


def repeated_runs(runs):
    """A sentence listing the runs that were repeated because the machine was busy."""
    notes = []
    for run in runs:
        for left_out in run.get("discarded", []):
            cell = f"{run['config']}/{run['threads']}/{run['framework']}"
            if left_out.get("timed_out"):
                notes.append(f"{cell}: timed out")
            else:
                notes.append(f"{cell}: {format_samples(left_out['epoch_seconds'])} s "
                             f"({left_out['others_cores']:.2f} CPUs busy)")
    if not notes:
        return "No run had to be repeated."
    return "Runs left out (model/threads/framework: epoch seconds): " + "; ".join(notes) + "."


def format_samples(samples):
    return " ".join(f"{s:.3f}" for s in samples)


def write_report(path, runs, args, data_description, loads, duration):
    import numpy as np

    measured = [r["others_cores"] for r in runs if "others_cores" in r]
    others = statistics.mean(measured) if measured else float("nan")
    quiet = ("a quiet machine" if others < 0.1 else
             "other jobs competed for the CPUs: the timings are noisier than on a quiet machine")

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
        f"on {os.cpu_count()} CPUs; while the workers ran, other processes kept "
        f"{others:.2f} CPUs busy on average ({quiet}; per cell in the details).",
        f"- Each cell: median over {args.rounds} alternating rounds x {args.epochs} epochs per "
        "framework, each round in a fresh subprocess per framework, after a warm-up of "
        f"{WARMUP_STEPS} steps. Before each subprocess the benchmark waited up to "
        f"{args.quiet_wait:g} s for other processes to leave the CPUs idle "
        f"({sum(r.get('waited_seconds', 0) for r in runs):.0f} s of waiting in all).",
        "",
        "| model | threads | nnlib s/epoch | PyTorch s/epoch | ratio nnlib / torch "
        "(by CPU time) | ratio of the fastest epochs | nnlib GFLOP/s (% of GEMM peak) | "
        "PyTorch GFLOP/s (% of GEMM peak) | peak RSS nnlib / torch (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    summaries = {}
    for threads in args.threads:
        for name in args.configs:
            ours = summarise(runs, name, threads, "nnlib")
            theirs = summarise(runs, name, threads, "torch")
            summaries[name, threads] = (ours, theirs)
            ratio = ours["median"] / theirs["median"]
            cpu_ratio = ours["cpu_median"] / theirs["cpu_median"]
            lines.append(
                f"| {name}: {CONFIGS[name].title} | {threads} | {ours['median']:.3f} | "
                f"{theirs['median']:.3f} | **{ratio:.2f}** ({cpu_ratio:.2f}) | "
                f"{ours['min'] / theirs['min']:.2f} | "
                f"{ours['gflops']:.0f} ({100 * ours['gflops'] / ours['gemm_peak']:.0f}% of "
                f"{ours['gemm_peak']:.0f}) | "
                f"{theirs['gflops']:.0f} ({100 * theirs['gflops'] / theirs['gemm_peak']:.0f}% of "
                f"{theirs['gemm_peak']:.0f}) | "
                f"{ours['peak_rss_mib']:.0f} / {theirs['peak_rss_mib']:.0f} |")
    lines += [
        "",
        "- **ratio** below 1 means nnlib is faster; in brackets, the same ratio of the median CPU "
        "seconds, which other jobs on the machine disturb less (see the details). GFLOP/s counts "
        "only the matrix products "
        "of an epoch (forward and weight gradient of every layer, input gradient of every layer "
        "but the first) divided by the median epoch time.",
        "- **ratio of the fastest epochs**: each framework's fastest timed epoch, the one least "
        "slowed by anything else. On a machine whose speed changes from one subprocess to the "
        "next (on some virtual machines, two threads run in one of two speeds for a whole "
        "subprocess; the details show it), the medians compare whichever speed each framework "
        "drew, and this column compares both at the machine's best.",
        "- **GEMM peak**: the rate that framework's own matrix product (NumPy's BLAS for nnlib, "
        "PyTorch's for PyTorch) reaches on the model's largest product, the first layer's "
        "forward pass (batch x 784 times 784 x hidden, float32), measured in a tight loop in the "
        "same subprocess right after the timed epochs.",
        "- **peak RSS**: the subprocess's peak resident memory (`ru_maxrss`), which includes the "
        "float32 training set (184 MiB) and the libraries; the details below also give the peak "
        "during the timed epochs alone and the memory before them.",
        "",
    ]
    fused = [(name, threads) for threads in args.threads for name in args.configs
             if any((r["framework"], r["config"], r["threads"]) == (TORCH_FUSED, name, threads)
                    for r in runs)]
    if fused:
        lines += [
            "For reference (not the comparison asked for): PyTorch's fused Adam kernel, "
            "`torch.optim.Adam(..., fused=True)`, which is not its default on the CPU, run in "
            "the same rounds.",
            "",
            "| model | threads | PyTorch fused Adam s/epoch | ratio nnlib / fused |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name, threads in fused:
            cell = (TORCH_FUSED, name, threads)
            seconds = [t for r in runs if (r["framework"], r["config"], r["threads"]) == cell
                       for t in r["epoch_seconds"]]
            median = statistics.median(seconds)
            ratio = summaries[name, threads][0]["median"] / median
            lines.append(f"| {name} | {threads} | {median:.3f} | {ratio:.2f} |")
        lines.append("")
    lines += [
        "## Details",
        "",
        "| model | threads | framework | epoch seconds (every sample) | CPU s/epoch (median) "
        "| ratio by CPU time | GEMM-only s/epoch | RSS before training (MiB) | peak RSS while "
        "training (MiB) | other processes (CPUs busy) |",
        "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (name, threads), (ours, theirs) in summaries.items():
        cpu_ratio = f"{ours['cpu_median'] / theirs['cpu_median']:.2f}"
        for framework, s in (("nnlib", ours), ("torch", theirs)):
            training = "n/a" if s["peak_training_mib"] is None else f"{s['peak_training_mib']:.0f}"
            lines.append(
                f"| {name} | {threads} | {framework} | {format_samples(s['samples'])} | "
                f"{s['cpu_median']:.3f} | {cpu_ratio if framework == 'nnlib' else ''} | "
                f"{s['gemm_epoch']:.3f} | {s['rss_before_mib']:.0f} | {training} | "
                f"{s['others_cores']:.2f} |")
    lines += [
        "",
        "- **GEMM-only s/epoch**: one epoch's matrix products alone, each timed on its own at "
        "the framework's measured rate: the time neither framework can go below; the rest of "
        "an epoch is element-wise work, the optimizer and per-operation overhead.",
        "- CPU seconds count the time of all the subprocess's threads; with 1 thread they are "
        "the steadiest measure when other jobs share the machine (a process that waits for a "
        "CPU is not charged), so the ratio by CPU time checks the one by wall time. With 2 "
        "threads they also count threads that spin while waiting for work.",
        "- **other processes**: CPUs kept busy by everything but the benchmark while that "
        "cell's subprocesses ran (from /proc/stat); on 2 CPUs, anything well above 0 slows the "
        "2-thread runs most.",
        f"- A subprocess during which other processes kept more than {BUSY_LIMIT} CPUs busy "
        f"was run again (at most {args.retries} times; the quietest run is kept). "
        + repeated_runs(runs),
        "",
        "## What is compared",
        "",
        "The models are described at the top of `bench/bench.py`: the same layer sizes, "
        "activations, loss (softmax + cross-entropy on the logits; model A uses it instead of "
        "Raschka's sigmoid output with a logistic cost), batch size, optimizer and "
        "hyper-parameters (SGD lr 0.1; Adam lr 0.001, betas 0.9/0.999, eps 1e-7), float32 "
        "data and parameters, a fresh shuffle every epoch, and each step's loss and accuracy read "
        "back. nnlib trains with `nnlib.training.train`, whose `Sequential.backward` has the "
        "first `Dense` skip the gradient with respect to the data, as PyTorch's autograd does. PyTorch runs eagerly with its default settings "
        "(no `torch.compile`, Adam's default single-tensor implementation on the CPU).",
        "",
        f"Command: `{' '.join(['python', 'bench/bench.py', *sys.argv[1:]])}`.",
        "",
    ]
    path.write_text("\n".join(lines))
    return summaries


def plot(path, summaries, args):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    width_inches = max(6.5, 5.5 * len(args.threads))
    fig, axes = plt.subplots(1, len(args.threads), figsize=(width_inches, 4.5), squeeze=False,
                             sharey=True)
    width = 0.38
    for ax, threads in zip(axes[0], args.threads):
        for offset, framework, index in ((-width / 2, "nnlib", 0), (width / 2, "PyTorch", 1)):
            xs = [i + offset for i in range(len(args.configs))]
            medians = [summaries[name, threads][index]["median"] for name in args.configs]
            ax.bar(xs, medians, width, label=f"{framework}, median")
            for x, name in zip(xs, args.configs):
                samples = summaries[name, threads][index]["samples"]
                ax.plot([x] * len(samples), samples, "k.", markersize=4,
                        label="single epochs" if (x, framework) == (xs[0], "nnlib") else None)
        ax.set_xticks(range(len(args.configs)), [f"model {name}" for name in args.configs])
        ax.set_title(f"{threads} thread{'s' if threads > 1 else ''} per framework")
        ax.set_xlabel("model (see RESULTS.md)")
        ax.set_ylabel("seconds per epoch of 60,000 samples")
        ax.legend()
    fig.suptitle("One training epoch on the CPU, nnlib and PyTorch (lower is faster)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the frameworks")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per subprocess")
    parser.add_argument("--out", type=Path, default=HERE,
                        help="folder for RESULTS.md and epoch_times.png")
    parser.add_argument("--quiet-wait", type=float, default=30, metavar="SECONDS",
                        help="before each subprocess, wait up to this long for other processes "
                             "to leave the CPUs idle (0: never wait)")
    parser.add_argument("--retries", type=int, default=2,
                        help="repeat a subprocess at most this often while other processes were "
                             f"busy (more than {BUSY_LIMIT} CPUs) during it")
    parser.add_argument("--no-fused", action="store_true",
                        help="skip the reference runs of PyTorch's fused Adam")
    parser.add_argument("--worker", choices=FRAMEWORKS + (TORCH_FUSED,), help=argparse.SUPPRESS)
    parser.add_argument("--config", choices=list(CONFIGS), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.config, args.threads[0], args.epochs, args.data)
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
                    for framework in frameworks:
                        label = (f"bench: {threads} thread(s), round {round_index + 1}/"
                                 f"{args.rounds}, model {name}, {framework:5s}:")
                        runs.append(measure(framework, name, threads, args, data_path, label))
    loads.append(os.getloadavg()[0])
    args.out.mkdir(parents=True, exist_ok=True)
    summaries = write_report(args.out / "RESULTS.md", runs, args, data_description, loads,
                             time.perf_counter() - started)
    plot(args.out / "epoch_times.png", summaries, args)
    print((args.out / "RESULTS.md").read_text())


if __name__ == "__main__":
    main()
