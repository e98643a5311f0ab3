"""nnlib.idx: IDX files (MNIST's format) read and written, plain or gzipped; broken ones refused."""
import numpy as np
import pytest

from nnlib.idx import IMAGES_MAGIC, LABELS_MAGIC, read_idx, write_idx


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_round_trip(tmp_path, suffix):
    images = np.random.default_rng(1).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    write_idx(tmp_path / f"images{suffix}", images)
    write_idx(tmp_path / f"labels{suffix}", labels)
    got_images = read_idx(tmp_path / f"images{suffix}", magic=IMAGES_MAGIC)
    got_labels = read_idx(tmp_path / f"labels{suffix}", magic=LABELS_MAGIC)
    assert got_images.dtype == np.uint8 and got_images.shape == (5, 28, 28)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    got_images[0, 0, 0] = 7  # a writable copy, not a view of the file's bytes


def test_idx_header_is_big_endian_mnist_layout(tmp_path):
    write_idx(tmp_path / "x", np.zeros((2, 3, 4), dtype=np.uint8))
    data = (tmp_path / "x").read_bytes()
    assert data[:16] == bytes.fromhex("00000803" "00000002" "00000003" "00000004")
    assert len(data) == 16 + 24


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.float32, np.float64])
def test_idx_other_type_codes(tmp_path, dtype):
    array = (np.arange(12).reshape(3, 4) - 5).astype(dtype)
    write_idx(tmp_path / "a.idx.gz", array)
    got = read_idx(tmp_path / "a.idx.gz")
    assert got.dtype == np.dtype(dtype) and got.dtype.isnative
    np.testing.assert_array_equal(got, array)


def test_write_idx_rejects_unsupported_dtype(tmp_path):
    with pytest.raises(ValueError, match=r"write_idx: .*int64.*uint8"):
        write_idx(tmp_path / "x", np.arange(3, dtype=np.int64))


def test_bad_magic_names_file_expected_and_got(tmp_path):
    path = tmp_path / "not-idx"
    path.write_bytes(b"\x12\x34\x08\x01" + b"\x00\x00\x00\x01" + b"\x05")
    with pytest.raises(ValueError) as caught:
        read_idx(path)
    message = str(caught.value)
    assert "read_idx" in message and str(path) in message
    assert "0x12340801" in message and "0x00000803" in message


def test_labels_file_read_as_images_says_which_magic(tmp_path):
    write_idx(tmp_path / "labels.gz", np.arange(4, dtype=np.uint8))
    with pytest.raises(ValueError, match=r"0x00000801.*expected 0x00000803"):
        read_idx(tmp_path / "labels.gz", magic=IMAGES_MAGIC)


def test_truncated_file_reports_byte_counts(tmp_path):
    path = write_idx(tmp_path / "images", np.zeros((3, 28, 28), dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:-100])
    expected = 16 + 3 * 784
    with pytest.raises(ValueError, match="truncated") as caught:
        read_idx(path)
    assert f"{expected:,}" in str(caught.value) and f"{expected - 100:,}" in str(caught.value)


def test_truncated_header(tmp_path):
    path = tmp_path / "short"
    path.write_bytes(bytes.fromhex("00000803 0000000a"))
    with pytest.raises(ValueError, match="truncated.*16 header bytes.*8 bytes"):
        read_idx(path)


def test_truncated_gzip_is_a_clear_error(tmp_path):
    path = write_idx(tmp_path / "images.gz", np.ones((3, 28, 28), dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ValueError, match="not a complete gzip file"):
        read_idx(path)


def test_trailing_bytes_are_an_error(tmp_path):
    path = write_idx(tmp_path / "labels", np.arange(5, dtype=np.uint8))
    path.write_bytes(path.read_bytes() + b"junk")
    with pytest.raises(ValueError, match=r"trailing bytes.*13 bytes.*17 bytes"):
        read_idx(path)
