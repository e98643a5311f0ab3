"""Loading MNIST and Fashion-MNIST, with the shipped sample as fallback, and preparing images.

Two sources are possible:

* the full sets (60,000 training and 10,000 test images), fetched once with ``make data``
  into ``data/`` (Fashion-MNIST into ``data/fashion-mnist/``, or found where Debian's
  ``dataset-fashion-mnist`` package puts it);
* a small real MNIST sample shipped with the course in ``data/mnist-sample/`` and inside the
  installed package (``SAMPLE_DIR``), so every notebook runs offline.

The file format lives in ``nnlib.idx``, the published checksums and downloads in
``nnlib.downloads``; their public names are importable from here too. The library never
downloads on import and never prints. Introduced in chapter 1.
"""
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnlib import downloads
from nnlib.downloads import (  # noqa: F401  (re-exported: importable from nnlib.datasets)
    DEBIAN_FASHION_MNIST_DIR,
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_FILES,
    FASHION_MNIST_MIRRORS,
    MNIST_CLASSES,
    MNIST_FILES,
    MNIST_MIRRORS,
    MNIST_SAMPLE_FILES,
    REPO_DATA_DIR,
    ChecksumError,
    DownloadError,
    FileInfo,
    _kind,
    _read_verified,
    _show_path,
    default_data_dir,
    download_mnist,
)
from nnlib.idx import IDX_DTYPES, IMAGES_MAGIC, LABELS_MAGIC, _parse_idx, read_idx, write_idx  # noqa: F401

#: The MNIST sample, shipped as package data in ``nnlib/mnist-sample`` (in the repository a link
#: to ``data/mnist-sample``; where links are not supported, that folder itself).
PACKAGE_SAMPLE_DIR = Path(__file__).resolve().parent / "mnist-sample"
SAMPLE_DIR = (PACKAGE_SAMPLE_DIR if PACKAGE_SAMPLE_DIR.is_dir()
              else REPO_DATA_DIR / "mnist-sample")


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
            and default_data_dir() == downloads.REPO_DATA_DIR
            and not downloads.REPO_DATA_DIR.is_dir()):
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
