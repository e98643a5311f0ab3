"""The benchmark's scripts: the worker answers the parent's requests, epochs are paired in the
order they ran, and the probe of threaded updates keeps the numbers of one thread."""
import argparse
import sys

import numpy as np
import pytest

from teacher_modules import ROOT, load_script

sys.path.insert(0, str(ROOT / "bench"))          # as when the script runs: bench.py beside it
bench = load_script(ROOT / "bench" / "bench.py", "bench")
split_update = load_script(ROOT / "bench" / "split_update.py", "split_update")


def test_split_update_prints_a_row_per_shape(capsys):
    split_update.main(shapes=[(64, 8), (9, 3)])      # raises if the halves changed the numbers
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["shape", "elements", "1", "thread", "2", "threads", "speed-up"]
    assert [line.split(")")[0].strip() + ")" for line in lines[1:]] == ["(64, 8)", "(9, 3)"]


def fake_run(framework, walls, config="B", threads=2):
    return {"framework": framework, "config": config, "threads": threads,
            "epochs": [{"wall": wall, "cpu": wall} for wall in walls]}


def test_pairs_are_taken_in_the_order_the_epochs_ran():
    # two rounds of two pairs; the second round ran in the machine's slow phase
    runs = [fake_run("nnlib", [0.30, 0.32]), fake_run("torch", [0.40, 0.40]),
            fake_run("nnlib", [0.48, 0.50]), fake_run("torch", [0.60, 0.64]),
            fake_run("torch", [9.0], config="C")]
    ratios = bench.epoch_ratios(runs, "B", 2)
    assert ratios == pytest.approx([0.75, 0.80, 0.80, 0.78125])
    assert [e["wall"] for e in bench.epochs_of(runs, "C", 2, "torch")] == [9.0]


def test_unpaired_epochs_are_refused():
    runs = [fake_run("nnlib", [0.3, 0.3]), fake_run("torch", [0.4])]
    with pytest.raises(ValueError):
        bench.epoch_ratios(runs, "B", 2)


@pytest.mark.parametrize("n_samples, batch_size, parts", [
    (60_000, 128, 10), (60_000, 100, 4), (60_000, 128, 4), (1_000, 100, 3), (250, 100, 7)])
def test_an_epoch_is_split_into_parts_of_whole_batches(n_samples, batch_size, parts):
    rows = bench.parts_of_epoch(n_samples, batch_size, parts)
    batches = -(-n_samples // batch_size)
    assert len(rows) == min(parts, batches)
    assert rows[0][0] == 0 and rows[-1][1] == n_samples
    assert all(stop == start for (_, stop), (start, _) in zip(rows, rows[1:]))   # no gap
    assert all(start % batch_size == 0 for start, _ in rows)
    sizes = [-(-(stop - start) // batch_size) for start, stop in rows]           # in batches
    assert sum(sizes) == batches and max(sizes) - min(sizes) <= 1


def test_a_worker_trains_on_request_and_reports(tmp_path):
    # a small data set: the worker's protocol, not its speed, is under test here
    rng = np.random.default_rng(0)
    data = tmp_path / "small.npz"
    np.savez(data, X=rng.random((1_000, 784), dtype=np.float32),
             y=rng.integers(0, 10, 1_000).astype(np.uint8))
    workers = {"nnlib": bench.Worker("nnlib", "A", 1, data)}
    try:
        assert workers["nnlib"].answer() == {"ready": True, "samples": 1_000}
        rows = bench.parts_of_epoch(1_000, 100, 4)
        args = argparse.Namespace(quiet_wait=0, retries=0, pause=0)
        epochs = [bench.interleaved_epochs(workers, ["nnlib"], rows, args)["nnlib"]
                  for _ in range(2)]
        report = workers["nnlib"].finish()
    finally:
        workers["nnlib"].stop()
    for epoch in epochs:
        assert len(epoch["parts"]) == 4 and min(epoch["parts"]) > 0
        assert epoch["wall"] == pytest.approx(sum(epoch["parts"]))
        assert epoch["cpu"] > 0 and epoch["discarded"] == []
    assert workers["nnlib"].process.returncode == 0
    assert (report["framework"], report["config"], report["threads"]) == ("nnlib", "A", 1)
    assert {g["product"] for g in report["gemm"]} == {"forward", "dweights", "dinputs"}
    assert report["ru_maxrss_kib"] > 0


def test_a_failing_worker_is_named_with_its_error(tmp_path):
    worker = bench.Worker("nnlib", "A", 1, tmp_path / "missing.npz")
    with pytest.raises(RuntimeError, match="the nnlib worker for model A with 1 thread.*failed"
                                           "(.|\n)*missing.npz"):
        worker.answer()


def test_split_epoch_prints_a_row_per_worker(tmp_path, capsys):
    split_epoch = load_script(ROOT / "bench" / "split_epoch.py", "split_epoch")
    rng = np.random.default_rng(0)
    data = tmp_path / "small.npz"
    np.savez(data, X=rng.random((600, 784), dtype=np.float32),
             y=rng.integers(0, 10, 600).astype(np.uint8))
    split_epoch.main(configs=["A"], threads=[1], frameworks=["nnlib"], parts=(1, 3), epochs=2,
                     pause=0, data_path=data)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[1].split()[:3] == ["nnlib", "A", "1"]
    best, median = (float(x) for x in lines[1].split()[3:6:2])
    assert 0 < best <= median
