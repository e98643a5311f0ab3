"""Small fake MNIST sets for the tests of nnlib.downloads and nnlib.datasets: four IDX .gz files
in MNIST's layout and the ``FileInfo`` checksums that match them."""
import gzip
import hashlib

import numpy as np

from nnlib.downloads import FileInfo
from nnlib.idx import write_idx

NAMES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def fake_arrays(n_train=6, n_test=4, seed=0):
    rng = np.random.default_rng(seed)
    return {
        NAMES[0]: rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        NAMES[1]: (np.arange(n_train) % 10).astype(np.uint8),
        NAMES[2]: rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        NAMES[3]: (np.arange(n_test) % 10).astype(np.uint8),
    }


def info_for(name, gz_bytes):
    content = gzip.decompress(gz_bytes)
    return FileInfo(name, sha256=sha256(gz_bytes), size=len(gz_bytes),
                    idx_sha256=sha256(content), idx_size=len(content))


def write_set(folder, arrays):
    """Write ``{name: array}`` as IDX .gz files into ``folder``; return their FileInfos."""
    folder.mkdir(parents=True, exist_ok=True)
    return tuple(info_for(name, write_idx(folder / name, array).read_bytes())
                 for name, array in arrays.items())


def fake_set(folder, seed=0):
    """Write four small IDX .gz files into ``folder``; return their FileInfos and arrays."""
    arrays = fake_arrays(seed=seed)
    return write_set(folder, arrays), arrays
