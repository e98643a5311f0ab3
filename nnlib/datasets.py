"""MNIST and Fashion-MNIST: the IDX file format, checked downloads and loading.

The course trains on MNIST from chapter 1 on. Two sources are possible:

* the full sets (60,000 training and 10,000 test images), fetched once with ``make data``
  into ``data/`` (Fashion-MNIST into ``data/fashion-mnist/``, or found where Debian's
  ``dataset-fashion-mnist`` package puts it);
* a small real MNIST sample shipped with the course in ``data/mnist-sample/`` and inside the
  installed package (``SAMPLE_DIR``), so every notebook runs offline.

Every file is checked by SHA-256 before it is used. The library never downloads on import
and never prints; ``download_mnist`` is the only function that touches the network.
Introduced in chapter 1.
"""
import gzip
import hashlib
import os
import struct
import tempfile
import urllib.error
import urllib.request
import zlib
from contextlib import nullcontext
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path

import numpy as np

from nnlib.progress import progress as progress_bar

# --------------------------------------------------------------------------------------------
# The IDX format (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE MNIST DATABASE"):
# a big-endian header of 4 bytes of magic number -- two zero bytes, a type code, the number of
# dimensions -- then one unsigned 32-bit size per dimension, then the data, row-major.
# --------------------------------------------------------------------------------------------

#: IDX type code -> NumPy dtype of the stored values (multi-byte values are big-endian).
IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
IMAGES_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions: (n, rows, columns)
LABELS_MAGIC = 0x00000801  # unsigned bytes, 1 dimension: (n,)


class ChecksumError(ValueError):
    """A file's SHA-256 is not the published one: it is corrupt, incomplete or another file.

    Introduced in chapter 1.
    """


class DownloadError(OSError):
    """No mirror could deliver a file. Introduced in chapter 1."""


def _describe_magic(magic):
    """``0x00000803`` -> ``'uint8, 3-D'``, or a reason why it is no IDX magic number."""
    if magic >> 16:
        return "not an IDX magic number: its first two bytes must be zero"
    code, ndim = (magic >> 8) & 0xFF, magic & 0xFF
    if code not in IDX_DTYPES:
        return f"unknown IDX type code 0x{code:02X}"
    return f"{IDX_DTYPES[code].name}, {ndim}-D"


def _magic_error(who, path, magic, expected):
    wanted = (
        f"0x{expected:08X} ({_describe_magic(expected)})"
        if expected is not None
        else "0x000008NN for unsigned bytes with NN dimensions (0x00000803 images, "
        "0x00000801 labels), or another IDX type code 0x09/0x0B-0x0E"
    )
    return ValueError(
        f"{who}: {path} has magic number 0x{magic:08X} ({_describe_magic(magic)}); "
        f"expected {wanted}. Is it an MNIST IDX file, and the right one (images or labels)?"
    )


def _read_file_bytes(path, *, who):
    """The stored bytes of ``path`` and, for a ``.gz`` file, its decompressed bytes.

    Returns ``(stored, idx)``: ``stored`` is what is on disk, ``idx`` the IDX content.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{who}: {path} does not exist (or is not a file).")
    stored = path.read_bytes()
    if path.suffix != ".gz":
        return stored, stored
    try:
        return stored, gzip.decompress(stored)
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(
            f"{who}: {path} is not a complete gzip file ({error}); expected a gzip-compressed "
            "IDX file. It is probably corrupt or an interrupted download: delete it and fetch "
            "it again (`make data`)."
        ) from error


def _parse_idx(data, *, path, who, magic=None):
    """Decode IDX bytes into an array in native byte order. Shapes: as the header says."""
    if len(data) < 4:
        raise ValueError(
            f"{who}: {path} is truncated: an IDX header needs at least 4 bytes, got {len(data)}."
        )
    (got_magic,) = struct.unpack(">I", data[:4])
    if (got_magic >> 16) or ((got_magic >> 8) & 0xFF) not in IDX_DTYPES:
        raise _magic_error(who, path, got_magic, magic)
    if magic is not None and got_magic != magic:
        raise _magic_error(who, path, got_magic, magic)
    dtype = IDX_DTYPES[(got_magic >> 8) & 0xFF]
    ndim = got_magic & 0xFF
    header_bytes = 4 + 4 * ndim
    if len(data) < header_bytes:
        raise ValueError(
            f"{who}: {path} is truncated: its header announces {ndim} dimensions, so "
            f"{header_bytes} header bytes, but the file has only {len(data)} bytes."
        )
    shape = struct.unpack(f">{ndim}I", data[4:header_bytes])
    count = int(np.prod(shape, dtype=np.int64))
    expected_bytes = header_bytes + count * dtype.itemsize
    if len(data) != expected_bytes:
        what = "truncated" if len(data) < expected_bytes else "followed by trailing bytes"
        raise ValueError(
            f"{who}: {path} is {what}: its header promises shape {shape} of {dtype.name}, "
            f"so {expected_bytes:,} bytes in all, but the data is {len(data):,} bytes. "
            "The file is corrupt or incomplete: delete it and fetch it again (`make data`)."
        )
    values = np.frombuffer(data, dtype=dtype, count=count, offset=header_bytes)
    # astype copies: the result is writable and in the machine's byte order.
    return values.astype(dtype.newbyteorder("="), copy=True).reshape(shape)


def read_idx(path, *, magic=None):
    """Read an IDX file (plain or ``.gz``) into a NumPy array.

    Shapes: as stored, e.g. images (n, 28, 28) uint8 and labels (n,) uint8.
    ``magic`` (e.g. ``IMAGES_MAGIC``) demands one particular magic number. Raises
    ``ValueError`` for a wrong magic number, a truncated file or trailing bytes.
    Introduced in chapter 1.
    """
    _, data = _read_file_bytes(path, who="read_idx")
    return _parse_idx(data, path=Path(path), who="read_idx", magic=magic)


def write_idx(path, array):
    """Write ``array`` as an IDX file, gzip-compressed when ``path`` ends with ``.gz``.

    Shapes: any array of 1 to 255 dimensions; dtype uint8 (MNIST), or int8, int16, int32,
    float32, float64. Compressed output is reproducible (no time stamp, no file name).
    Introduced in chapter 1.
    """
    array = np.asarray(array)
    codes = {dtype.newbyteorder("=").str: code for code, dtype in IDX_DTYPES.items()}
    code = codes.get(array.dtype.newbyteorder("=").str)
    if code is None:
        raise ValueError(
            f"write_idx: array has dtype {array.dtype}; expected one of "
            f"{sorted(d.newbyteorder('=').name for d in IDX_DTYPES.values())} "
            "(MNIST images and labels are uint8: convert with .astype(np.uint8))."
        )
    if not 1 <= array.ndim <= 255:
        raise ValueError(
            f"write_idx: array has {array.ndim} dimensions (shape {array.shape}); "
            "expected 1 to 255."
        )
    header = struct.pack(">BBBB", 0, 0, code, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + array.astype(IDX_DTYPES[code], copy=False).tobytes(order="C")
    path = Path(path)
    if path.suffix == ".gz":
        with open(path, "wb") as raw, gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0
        ) as compressed:
            compressed.write(payload)
    else:
        path.write_bytes(payload)
    return path


# --------------------------------------------------------------------------------------------
# The published files
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileInfo:
    """One published data file and what it must hash to.

    ``sha256``/``md5``/``size`` are those of the ``.gz`` file as published; ``idx_sha256`` and
    ``idx_size`` those of its decompressed IDX content, which also identify a copy that was
    recompressed (Debian's) or stored uncompressed. Introduced in chapter 1.
    """

    name: str
    sha256: str
    size: int
    idx_sha256: str
    idx_size: int
    md5: str = ""


# SHA-256 of the .gz files: tensorflow/datasets, tensorflow_datasets/url_checksums/mnist.txt,
# cross-checked with NixOS/nixpkgs, pkgs/development/haskell-modules/
# configuration-tensorflow.nix (both list the same four digests). MD5s: the ones published
# with MNIST (and used by torchvision). SHA-256 of the decompressed IDX files: listed alike in
# several public projects' download scripts.
MNIST_FILES = (
    FileInfo(
        "train-images-idx3-ubyte.gz",
        sha256="440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        size=9_912_422,
        idx_sha256="ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        idx_size=47_040_016,
        md5="f68b3c2dcbeaaa9fbdd348bbdeb94873",
    ),
    FileInfo(
        "train-labels-idx1-ubyte.gz",
        sha256="3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        size=28_881,
        idx_sha256="65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        idx_size=60_008,
        md5="d53e105ee54ea40749a09fcbcd1e9432",
    ),
    FileInfo(
        "t10k-images-idx3-ubyte.gz",
        sha256="8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        size=1_648_877,
        idx_sha256="0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        idx_size=7_840_016,
        md5="9fb629c4189551a2d022fa330f9573f3",
    ),
    FileInfo(
        "t10k-labels-idx1-ubyte.gz",
        sha256="f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        size=4_542,
        idx_sha256="ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        idx_size=10_008,
        md5="ec29112dd5afa0611ce80d1b7f02629c",
    ),
)

# SHA-256 of the .gz files: tensorflow/datasets, tensorflow_datasets/url_checksums/
# fashion_mnist.txt, cross-checked with FluxML/Flux.jl, src/data/fashion-mnist.jl. MD5s: the
# README of zalandoresearch/fashion-mnist. SHA-256 of the decompressed IDX files: computed from
# Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1 (which recompresses the files, so
# only the content can be compared) and equal to the values listed in public projects.
FASHION_MNIST_FILES = (
    FileInfo(
        "train-images-idx3-ubyte.gz",
        sha256="3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        size=26_421_880,
        idx_sha256="c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        idx_size=47_040_016,
        md5="8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    ),
    FileInfo(
        "train-labels-idx1-ubyte.gz",
        sha256="a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        size=29_515,
        idx_sha256="bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        idx_size=60_008,
        md5="25c81989df183df01b3e8a0aad5dffbe",
    ),
    FileInfo(
        "t10k-images-idx3-ubyte.gz",
        sha256="346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        size=4_422_102,
        idx_sha256="5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        idx_size=7_840_016,
        md5="bef4ecab320f06d8554ea6380940ec79",
    ),
    FileInfo(
        "t10k-labels-idx1-ubyte.gz",
        sha256="67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        size=5_148,
        idx_sha256="0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        idx_size=10_008,
        md5="bb300cfdad3c16e7a12a480ee83cd310",
    ),
)

# The sample shipped in data/mnist-sample, made by scripts/make_mnist_sample.py (see
# data/README.md for its provenance).
MNIST_SAMPLE_FILES = (
    FileInfo(
        "train-images-idx3-ubyte.gz",
        sha256="626cf5d5824d75b8014cd6c969ddff544411c49c7ff82f53e4e2c26e4a789f96",
        size=651_425,
        idx_sha256="e064c1364764486bcfa0d4855df614928870e83a476e18ed217b4e3e0e305d46",
        idx_size=3_136_016,
    ),
    FileInfo(
        "train-labels-idx1-ubyte.gz",
        sha256="fdf514eb28c81ed34ab587f351e25d5ae7b6e2eb4c948b357b332afe5ae8012f",
        size=2_063,
        idx_sha256="e33b398c61373425e1db02716c599f9e8cc810f4eee6c76ad55fca484f300bc9",
        idx_size=4_008,
    ),
    FileInfo(
        "t10k-images-idx3-ubyte.gz",
        sha256="486aaccd6e4f21f868e6b313d0b2b30afc9d81c74531de5b34fc75ead5d0affb",
        size=163_755,
        idx_sha256="eea91ef48b94e6264c946d8f0ebbc406b0335daab762e26ce16ef1c0fc1a51ab",
        idx_size=784_016,
    ),
    FileInfo(
        "t10k-labels-idx1-ubyte.gz",
        sha256="1fa8d03e0509c87134f15eab66b62cd2eee4603b38bcff8255b3cd72542f3acc",
        size=522,
        idx_sha256="1381c1ab4250983a89576c36d6f1c14fff9bffbb17ffeac2e590168cdb350083",
        idx_size=1_008,
    ),
)

MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
FASHION_MNIST_MIRRORS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)

#: Where Debian's ``dataset-fashion-mnist`` package installs the four files.
DEBIAN_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")

REPO_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: The MNIST sample, shipped as package data in ``nnlib/mnist-sample`` (in the repository a link
#: to ``data/mnist-sample``; where links are not supported, that folder itself).
PACKAGE_SAMPLE_DIR = Path(__file__).resolve().parent / "mnist-sample"
SAMPLE_DIR = (PACKAGE_SAMPLE_DIR if PACKAGE_SAMPLE_DIR.is_dir()
              else REPO_DATA_DIR / "mnist-sample")

MNIST_CLASSES = tuple(str(digit) for digit in range(10))
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)


@dataclass(frozen=True)
class _Kind:
    name: str
    files: tuple
    mirrors: tuple
    subdir: str  # below the data directory; "" for the data directory itself
    classes: tuple
    fetch_hint: str  # how to get the full set, as the end of a sentence
    extra_dirs: tuple = ()


_KINDS = {
    "mnist": _Kind(
        "MNIST", MNIST_FILES, MNIST_MIRRORS, "", MNIST_CLASSES, "run `make data` to download it"
    ),
    "fashion": _Kind(
        "Fashion-MNIST",
        FASHION_MNIST_FILES,
        FASHION_MNIST_MIRRORS,
        "fashion-mnist",
        FASHION_MNIST_CLASSES,
        "run `python scripts/fetch_data.py --fashion` (the Fashion-MNIST counterpart of "
        "`make data`) to download it, or install Debian's dataset-fashion-mnist package",
        extra_dirs=(DEBIAN_FASHION_MNIST_DIR,),
    ),
}


def _kind(kind, who):
    if kind not in _KINDS:
        raise ValueError(f"{who}: kind={kind!r}; expected one of {sorted(_KINDS)}.")
    return _KINDS[kind]


def default_data_dir():
    """The data directory: ``$NNLIB_DATA_DIR`` if set, else ``data/`` in the repository.

    Introduced in chapter 1.
    """
    from_env = os.environ.get("NNLIB_DATA_DIR", "").strip()
    return Path(from_env).expanduser() if from_env else REPO_DATA_DIR


def _sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def _show_path(path):
    """A path relative to the repository when it lies inside it, else absolute."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(REPO_DATA_DIR.parent))
    except ValueError:
        return str(path)


def _read_verified(path, info, *, who, fix):
    """Read ``path`` (plain or .gz) and check it against ``info``; return the IDX bytes.

    A ``.gz`` file passes when its own SHA-256 is the published one, or when its content's
    SHA-256 is (a recompressed copy); an uncompressed file when its content's SHA-256 is.
    """
    path = Path(path)
    try:
        stored = path.read_bytes()
    except PermissionError as error:
        raise PermissionError(
            f"{who}: {path} cannot be read ({error.strerror}); expected a file you may read. "
            f"Check its permissions (chmod u+r), or {fix}."
        ) from error
    got = _sha256_hex(stored)
    if path.suffix == ".gz":
        if got == info.sha256:
            return gzip.decompress(stored)
        try:
            content = gzip.decompress(stored)
        except (OSError, EOFError, zlib.error):
            content = None
        if content is not None and _sha256_hex(content) == info.idx_sha256:
            return content
        expected = info.sha256
    else:
        if got == info.idx_sha256:
            return stored
        expected = info.idx_sha256
    raise ChecksumError(
        f"{who}: {path} failed its SHA-256 check: expected {expected}, got {got}. "
        f"The file is corrupt, incomplete or a different file; {fix}."
    )


# --------------------------------------------------------------------------------------------
# Downloading
# --------------------------------------------------------------------------------------------


def _fetch(url, target, info, *, timeout, show_progress):
    """Stream ``url`` into a temporary file beside ``target``; move it there once verified.

    Whatever goes wrong (network error, interruption, wrong checksum), the temporary file is
    removed and ``target`` is left as it was.
    """
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    try:
        digest = hashlib.sha256()
        received = 0
        with os.fdopen(descriptor, "wb") as out, urllib.request.urlopen(
            url, timeout=timeout
        ) as response:
            announced = response.headers.get("Content-Length")
            total = int(announced) if announced and announced.isdigit() else info.size
            bar = (
                progress_bar(total=total, desc=info.name, unit="B", unit_scale=True)
                if show_progress
                else nullcontext()
            )
            with bar:
                while chunk := response.read(1 << 16):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    if show_progress:
                        bar.update(len(chunk))
            if announced and announced.isdigit() and received != int(announced):
                raise DownloadError(
                    f"{url} ended after {received:,} of {int(announced):,} bytes "
                    "(the connection was cut)"
                )
            out.flush()
            os.fsync(out.fileno())
        got = digest.hexdigest()
        if got != info.sha256:
            raise ChecksumError(
                f"download_mnist: {info.name} from {url} failed its SHA-256 check: expected "
                f"{info.sha256}, got {got} ({received:,} bytes received, {info.size:,} "
                "expected). The download was discarded; try again later or another mirror."
            )
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def download_mnist(
    data_dir=None, kind="mnist", progress=True, *, mirrors=None, files=None, timeout=60
):
    """Download the full MNIST (``kind="mnist"``) or Fashion-MNIST (``"fashion"``) files.

    Shapes: none (files). MNIST goes into the data directory itself, Fashion-MNIST into its
    ``fashion-mnist/`` folder; the data directory is ``data_dir``, else ``$NNLIB_DATA_DIR``,
    else ``data/`` in the repository. A file already there is checked by SHA-256 and fetched
    again if it fails. Each download streams into a temporary file that replaces the target
    only after its SHA-256 matched, so a failed or interrupted download leaves nothing behind.
    ``mirrors`` (base URLs, tried in order) and ``files`` (``FileInfo``s) default to the
    published ones. Returns ``{path: what was done}``. Introduced in chapter 1.
    """
    spec = _kind(kind, "download_mnist")
    mirrors = tuple(spec.mirrors if mirrors is None else mirrors)
    files = tuple(spec.files if files is None else files)
    if not mirrors:
        raise ValueError("download_mnist: mirrors is empty; expected at least one base URL.")
    base = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    folder = base / spec.subdir if spec.subdir else base
    folder.mkdir(parents=True, exist_ok=True)

    done = {}
    for info in files:
        target = folder / info.name
        action = "downloaded"
        if target.is_file():
            if _sha256_hex(target.read_bytes()) == info.sha256:
                done[target] = "already present, SHA-256 ok"
                continue
            action = "downloaded again (the copy there failed its SHA-256 check)"
        failures = []
        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + info.name
            try:
                _fetch(url, target, info, timeout=timeout, show_progress=progress)
            except (ChecksumError, DownloadError) as error:
                failures.append(error)
            except urllib.error.HTTPError as error:
                failures.append(DownloadError(f"{url}: HTTP {error.code} {error.reason}"))
            except (urllib.error.URLError, HTTPException, OSError) as error:
                failures.append(DownloadError(f"{url}: {getattr(error, 'reason', error)}"))
            else:
                done[target] = action
                break
        else:
            checksum_failures = [f for f in failures if isinstance(f, ChecksumError)]
            if checksum_failures:
                raise checksum_failures[0]
            reasons = "; ".join(str(f) for f in failures)
            raise DownloadError(
                f"download_mnist: could not download {info.name} from any of {len(mirrors)} "
                f"mirror(s): {reasons}. Check the network connection and try again; "
                f"no part of {info.name} was saved in {folder}."
            )
    return done


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training and test images with their labels, and where they came from.

    Shapes: X_train (n_train, rows, columns) uint8 (28 x 28 for MNIST), y_train (n_train,)
    uint8, X_test (n_test, rows, columns) uint8, y_test (n_test,) uint8; pixel values 0..255,
    labels 0..len(class_names) - 1.
    Introduced in chapter 1.
    """

    X_train: np.ndarray = field(repr=False)
    y_train: np.ndarray = field(repr=False)
    X_test: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)
    name: str  # "MNIST" or "Fashion-MNIST"
    source: str  # "full" or "sample"
    description: str  # one sentence for people
    class_names: tuple = MNIST_CLASSES

    def summary(self):
        """A few lines for a notebook: what was loaded, from where, with which shapes."""
        return (
            f"{self.name} ({self.source}): {self.description}\n"
            f"  train: X {self.X_train.shape} {self.X_train.dtype}, "
            f"y {self.y_train.shape} {self.y_train.dtype}\n"
            f"  test:  X {self.X_test.shape} {self.X_test.dtype}, "
            f"y {self.y_test.shape} {self.y_test.dtype}\n"
            f"  classes: {', '.join(self.class_names)}"
        )

    def __str__(self):
        return self.summary()

    def __repr__(self):
        return (
            f"Dataset(name={self.name!r}, source={self.source!r}, "
            f"n_train={len(self.y_train)}, n_test={len(self.y_test)})"
        )


def _find_files(files, folders, *, who="load_mnist"):
    """The first folder holding all ``files`` (each as .gz or uncompressed), and what is missing.

    Returns ``(folder, {name: path})`` or ``(None, {folder: [missing names]})``; a folder that
    may not be searched raises ``PermissionError`` saying which.
    """
    missing = {}
    for folder in folders:
        found = {}
        for info in files:
            for candidate in (folder / info.name, folder / info.name.removesuffix(".gz")):
                try:
                    is_file = candidate.is_file()
                except PermissionError as error:
                    raise PermissionError(
                        f"{who}: {folder} cannot be searched ({error.strerror}); expected a "
                        "folder you may read. Check its permissions, or use another data_dir."
                    ) from error
                if is_file:
                    found[info.name] = candidate
                    break
        if len(found) == len(files):
            return folder, found
        missing[folder] = [info.name for info in files if info.name not in found]
    return None, missing


def _load_split(paths, files, *, who, fix, classes):
    """Read and check the four files; return X_train, y_train, X_test, y_test.

    The image shape comes from the files (the same for both splits); the labels must name
    one of ``classes``.
    """
    arrays = []
    for info in files:
        content = _read_verified(paths[info.name], info, who=who, fix=fix)
        magic = IMAGES_MAGIC if "images" in info.name else LABELS_MAGIC
        arrays.append(_parse_idx(content, path=paths[info.name], who=who, magic=magic))
    X_train, y_train, X_test, y_test = arrays
    for split, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
        if len(X) != len(y):
            raise ValueError(
                f"{who}: the {split} files hold {len(X)} images but {len(y)} labels; expected "
                "one label per image."
            )
        if len(y) and y.max() >= len(classes):
            raise ValueError(
                f"{who}: the {split} labels go up to {y.max()}; expected labels "
                f"0..{len(classes) - 1}, one per class ({len(classes)} classes)."
            )
    if X_train.shape[1:] != X_test.shape[1:]:
        raise ValueError(
            f"{who}: the training images have shape {X_train.shape[1:]} but the test images "
            f"{X_test.shape[1:]}; expected one image shape for both."
        )
    return X_train, y_train, X_test, y_test


def _order(files):
    """The files in the order train images, train labels, test images, test labels."""
    wanted = ("train-images", "train-labels", "t10k-images", "t10k-labels")
    by_prefix = {info.name.split("-idx")[0]: info for info in files}
    if sorted(by_prefix) != sorted(wanted):
        raise ValueError(
            f"load_mnist: files are {[info.name for info in files]}; expected one each of "
            f"{[w + '-idx?-ubyte.gz' for w in wanted]}."
        )
    return tuple(by_prefix[w] for w in wanted)


def _full_set_folders(spec, data_dir, search_dirs, *, who):
    """The folders to search for a full set, in order; the data directory must exist."""
    if search_dirs is not None:
        return [Path(d).expanduser() for d in search_dirs]
    base = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    if not base.is_dir():
        raise FileNotFoundError(
            f"{who}: the data directory {base} does not exist; expected a folder holding "
            f"the {spec.name} files (data_dir, else $NNLIB_DATA_DIR, else data/ in the "
            f"repository). Check the path; to get the full set, {spec.fetch_hint}."
        )
    return [base / spec.subdir if spec.subdir else base, *spec.extra_dirs]


def load_mnist(
    kind="mnist", source="auto", data_dir=None, *, search_dirs=None, sample_dir=None, files=None
):
    """Load MNIST or Fashion-MNIST as uint8 images and labels, every file checked by SHA-256.

    Shapes: X_train (n_train, rows, columns), y_train (n_train,), X_test (n_test, rows, columns),
    y_test (n_test,), all uint8.

    ``source="full"`` loads the full set (MNIST in the data directory, Fashion-MNIST in its
    ``fashion-mnist/`` folder or in Debian's ``/usr/share/datasets/fashion-mnist``) and
    raises ``FileNotFoundError`` when a file is missing. ``source="sample"`` loads the MNIST
    sample shipped in ``data/mnist-sample``. ``source="auto"`` takes the full set when all
    four files are there and pass their checks, else the sample, and says so in
    ``description``. ``search_dirs`` replaces the folders searched for the full set;
    ``sample_dir`` the sample's folder; ``files`` the expected files (``FileInfo``s).
    Introduced in chapter 1.
    """
    who = "load_mnist"
    spec = _kind(kind, who)
    if source not in ("auto", "full", "sample"):
        raise ValueError(f"{who}: source={source!r}; expected 'auto', 'full' or 'sample'.")
    if kind != "mnist" and source == "sample":
        raise ValueError(
            f"{who}: there is no shipped sample of {spec.name}, only of MNIST; use kind='mnist', "
            f"or source='full' (to get the full set, {spec.fetch_hint})."
        )

    reason = ""
    if (source == "auto" and kind == "mnist" and search_dirs is None and data_dir is None
            and default_data_dir() == REPO_DATA_DIR and not REPO_DATA_DIR.is_dir()):
        # an installed nnlib without the repository's data/ (a data_dir that was asked for
        # but does not exist is still an error below: probably a typo)
        source = "sample"
        reason = "there is no data/ folder beside nnlib (it is installed without the course)"
    if source in ("auto", "full"):
        folders = _full_set_folders(spec, data_dir, search_dirs, who=who)
        full_files = _order(spec.files if files is None else files)
        try:
            folder, found = _find_files(full_files, folders, who=who)
        except PermissionError as error:
            if source == "full" or kind != "mnist":
                raise
            folder, found = None, {}
            reason = f"the full set could not be searched for ({error})"
        if reason:
            pass                                  # could not search: the sample below
        elif folder is None:
            if source == "full" or kind != "mnist":
                searched = "; ".join(
                    f"{_show_path(f)} lacks {', '.join(names)}" for f, names in found.items()
                )
                raise FileNotFoundError(
                    f"{who}: the full {spec.name} set was not found: {searched}. "
                    f"To get it, {spec.fetch_hint}."
                )
            reason = f"the full set is not in {', '.join(_show_path(f) for f in found)}"
        else:
            fix = f"delete it and {spec.fetch_hint}"
            try:
                arrays = _load_split(found, full_files, who=who, fix=fix, classes=spec.classes)
            except (ValueError, PermissionError) as error:
                if source == "full" or kind != "mnist":
                    raise
                reason = f"the full set in {_show_path(folder)} was not used ({error})"
            else:
                n_train, n_test = len(arrays[1]), len(arrays[3])
                return Dataset(
                    *arrays,
                    name=spec.name,
                    source="full",
                    description=(
                        f"{spec.name} full set: {n_train:,} training and {n_test:,} test "
                        f"images ({_show_path(folder)})"
                    ),
                    class_names=spec.classes,
                )

    sample = Path(sample_dir).expanduser() if sample_dir is not None else SAMPLE_DIR
    sample_files = _order(MNIST_SAMPLE_FILES)
    folder, found = _find_files(sample_files, [sample])
    if folder is None:
        raise FileNotFoundError(
            f"{who}: the MNIST sample shipped with the course is missing from "
            f"{_show_path(sample)} (no {', '.join(found[sample])}). Restore it with "
            "`git checkout -- data/mnist-sample` (or reinstall nnlib), or run `make data` "
            "for the full set."
        )
    arrays = _load_split(
        found, sample_files, who=who,
        fix="restore the shipped sample with `git checkout -- data/mnist-sample`",
        classes=MNIST_CLASSES,
    )
    description = (
        f"MNIST sample shipped with the course: {len(arrays[1]):,} training and "
        f"{len(arrays[3]):,} test images ({_show_path(folder)})"
    )
    if reason:
        description += f"; {reason}: run `make data` to use all 70,000 images"
    return Dataset(
        *arrays, name="MNIST", source="sample", description=description,
        class_names=MNIST_CLASSES,
    )


# --------------------------------------------------------------------------------------------
# Preparing images for a network
# --------------------------------------------------------------------------------------------


def scale_pixels(images):
    """Scale pixel values 0..255 to float32 in [-1, 1]: ``((x / 255) - 0.5) * 2``.

    Shapes: any -> the same shape. Introduced in chapter 1.
    """
    images = np.asarray(images)
    if images.dtype.kind not in "uif":
        raise TypeError(
            f"scale_pixels: images have dtype {images.dtype}; expected pixel values 0..255 "
            "(uint8 as loaded by load_mnist)."
        )
    if images.size and (images.min() < 0 or images.max() > 255):
        raise ValueError(
            f"scale_pixels: images hold values from {images.min()} to {images.max()}; "
            "expected raw pixel values 0..255 (were they scaled already?)."
        )
    return ((images.astype(np.float32) / np.float32(255)) - np.float32(0.5)) * np.float32(2)


def flatten(images):
    """Turn each image into one row of pixels, as a Dense layer expects.

    Shapes: (n, rows, columns) -> (n, rows * columns), e.g. (n, 28, 28) -> (n, 784).
    Introduced in chapter 1.
    """
    images = np.asarray(images)
    if images.ndim < 2:
        raise ValueError(
            f"flatten: images have shape {images.shape}; expected (n, rows, columns)."
        )
    return images.reshape(len(images), -1)
