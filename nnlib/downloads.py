"""The published MNIST and Fashion-MNIST files: what they must hash to, where to get them,
and checked downloads.

Every file is checked by SHA-256 before it is used (``FileInfo`` holds the published digests).
``download_mnist`` is the only function of nnlib that touches the network; it never runs on
import. Introduced in chapter 1.
"""
import gzip
import hashlib
import os
import tempfile
import urllib.error
import urllib.request
import zlib
from contextlib import nullcontext
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path

from nnlib.progress import progress as progress_bar



class ChecksumError(ValueError):
    """A file's SHA-256 is not the published one: it is corrupt, incomplete or another file.

    Introduced in chapter 1.
    """


class DownloadError(OSError):
    """No mirror could deliver a file. Introduced in chapter 1."""


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


# The sample shipped in data/mnist-sample (and as package data), made by
# scripts/make_mnist_sample.py (see
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
