"""The IDX file format, in which MNIST and Fashion-MNIST are published.

An IDX file (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE MNIST DATABASE") starts
with a big-endian header: 4 bytes of magic number -- two zero bytes, a type code, the number
of dimensions -- then one unsigned 32-bit size per dimension; the data follow, row-major.
``read_idx`` and ``write_idx`` handle plain and gzip-compressed (``.gz``) files.
Introduced in chapter 1 (used by ``load_mnist``; chapter 8 reads a file by hand).
"""
import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

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
