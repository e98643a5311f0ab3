"""Tests of nnlib.datasets: the IDX format, checked downloads, loading, the shipped sample.

Offline and fast: downloads come from a local HTTP server on 127.0.0.1 serving small fake
IDX files, whose checksums are passed in through the ``files=`` and ``mirrors=`` parameters.
"""
import gzip
import hashlib
import importlib.util
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from nnlib import datasets, downloads
from nnlib.datasets import (
    IMAGES_MAGIC,
    LABELS_MAGIC,
    ChecksumError,
    DownloadError,
    FileInfo,
    download_mnist,
    flatten,
    load_mnist,
    read_idx,
    scale_pixels,
    write_idx,
)

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


def fake_set(folder, seed=0):
    """Write four small IDX .gz files into ``folder``; return their FileInfos and arrays."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = fake_arrays(seed=seed)
    infos = []
    for name, array in arrays.items():
        path = write_idx(folder / name, array)
        infos.append(info_for(name, path.read_bytes()))
    return tuple(infos), arrays


def leftovers(folder):
    return sorted(p.name for p in Path(folder).iterdir()) if Path(folder).exists() else []


# ------------------------------------------------------------------------------ IDX format


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


# ------------------------------------------------------------------------------ downloads


class _Handler(BaseHTTPRequestHandler):
    """Serves ``server.files``; ``server.modes[name]`` is ok, corrupt, drop or missing."""

    def do_GET(self):
        self.server.requests.append(self.path)
        name = self.path.rsplit("/", 1)[-1]
        body = self.server.files.get(name)
        mode = self.server.modes.get(name, "ok")
        if body is None or mode == "missing" or self.path.startswith("/gone/"):
            self.send_error(404)
            return
        if mode == "corrupt":
            body = body[:-1] + bytes([body[-1] ^ 0xFF])
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "drop":  # announce the whole file, send half, hang up
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.files, httpd.modes, httpd.requests = {}, {}, []
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/mnist/"
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def served(server, tmp_path):
    """The server loaded with a fake set; returns (server, infos, arrays)."""
    infos, arrays = fake_set(tmp_path / "source")
    server.files = {info.name: (tmp_path / "source" / info.name).read_bytes() for info in infos}
    return server, infos, arrays


def test_download_saves_verified_files(served, tmp_path):
    server, infos, arrays = served
    target = tmp_path / "data"
    done = download_mnist(target, mirrors=[server.url], files=infos, progress=False)
    assert [p.name for p in done] == list(NAMES)
    assert set(done.values()) == {"downloaded"}
    assert leftovers(target) == sorted(NAMES)
    for name, array in arrays.items():
        np.testing.assert_array_equal(read_idx(target / name), array)


def test_download_keeps_good_files_and_replaces_corrupt_ones(served, tmp_path, monkeypatch):
    monkeypatch.setenv("NNLIB_PROGRESS", "0")
    server, infos, _ = served
    target = tmp_path / "data"
    download_mnist(target, mirrors=[server.url], files=infos, progress=True)
    (target / NAMES[2]).write_bytes(b"damaged")
    server.requests.clear()
    done = download_mnist(target, mirrors=[server.url], files=infos, progress=True)
    assert server.requests == ["/mnist/" + NAMES[2]]
    assert done[target / NAMES[0]].startswith("already present")
    assert "failed its SHA-256 check" in done[target / NAMES[2]]
    assert sha256((target / NAMES[2]).read_bytes()) == infos[2].sha256
    assert leftovers(target) == sorted(NAMES)


def test_download_checksum_mismatch_leaves_nothing(served, tmp_path):
    server, infos, _ = served
    server.modes[NAMES[0]] = "corrupt"
    target = tmp_path / "data"
    with pytest.raises(ChecksumError) as caught:
        download_mnist(target, mirrors=[server.url], files=infos[:1], progress=False)
    message = str(caught.value)
    assert NAMES[0] in message and infos[0].sha256 in message
    assert sha256(server.files[NAMES[0]][:-1] + bytes([server.files[NAMES[0]][-1] ^ 0xFF])) \
        in message
    assert leftovers(target) == []


def test_download_cut_mid_file_leaves_no_partial_file(served, tmp_path):
    server, infos, _ = served
    server.modes[NAMES[0]] = "drop"
    target = tmp_path / "data"
    with pytest.raises(DownloadError, match=NAMES[0]):
        download_mnist(target, mirrors=[server.url], files=infos[:1], progress=False)
    assert leftovers(target) == []


def test_download_cut_mid_file_keeps_the_old_file_untouched(served, tmp_path):
    server, infos, _ = served
    target = tmp_path / "data"
    target.mkdir()
    (target / NAMES[0]).write_bytes(b"old, corrupt copy")
    server.modes[NAMES[0]] = "drop"
    with pytest.raises(DownloadError):
        download_mnist(target, mirrors=[server.url], files=infos[:1], progress=False)
    assert leftovers(target) == [NAMES[0]]
    assert (target / NAMES[0]).read_bytes() == b"old, corrupt copy"


def test_download_tries_mirrors_in_order(served, tmp_path):
    server, infos, _ = served
    dead = server.url.replace("/mnist/", "/gone/")
    done = download_mnist(tmp_path / "d", mirrors=[dead, server.url], files=infos[:1],
                          progress=False)
    assert list(done.values()) == ["downloaded"]
    assert server.requests == ["/gone/" + NAMES[0], "/mnist/" + NAMES[0]]


def test_download_all_mirrors_failing(served, tmp_path):
    server, infos, _ = served
    server.modes[NAMES[1]] = "missing"
    with pytest.raises(DownloadError, match=r"could not download train-labels.*404"):
        download_mnist(tmp_path / "d", mirrors=[server.url], files=infos, progress=False)
    assert leftovers(tmp_path / "d") == [NAMES[0]]  # the file before it arrived whole


def test_fashion_downloads_into_its_own_folder(served, tmp_path):
    server, infos, _ = served
    done = download_mnist(tmp_path, kind="fashion", mirrors=[server.url], files=infos,
                          progress=False)
    assert {p.parent for p in done} == {tmp_path / "fashion-mnist"}


def test_data_dir_from_environment(served, tmp_path, monkeypatch):
    server, infos, _ = served
    monkeypatch.setenv("NNLIB_DATA_DIR", str(tmp_path / "from-env"))
    done = download_mnist(mirrors=[server.url], files=infos[:1], progress=False)
    assert list(done) == [tmp_path / "from-env" / NAMES[0]]


def test_fetch_data_script_reports_errors_without_traceback(served, tmp_path, capsys):
    server, _, _ = served
    script = Path(datasets.__file__).resolve().parent.parent / "scripts" / "fetch_data.py"
    spec = importlib.util.spec_from_file_location("fetch_data", script)
    fetch_data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fetch_data)
    # The fake files cannot match the published MNIST checksums: a clean failure.
    status = fetch_data.main(["--data-dir", str(tmp_path / "d"), "--mirror", server.url,
                              "--no-progress"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("fetch_data: error:") and "SHA-256" in err
    assert "Traceback" not in err
    assert leftovers(tmp_path / "d") == []


# ------------------------------------------------------------------------------ loading


def test_missing_data_dir_is_a_clear_error(tmp_path):
    missing = tmp_path / "no-such-dir"
    for source in ("full", "auto"):
        with pytest.raises(FileNotFoundError, match="make data") as caught:
            load_mnist(source=source, data_dir=missing)
        assert str(missing) in str(caught.value)


def test_missing_full_files_name_file_dir_and_command(tmp_path):
    infos, _ = fake_set(tmp_path)
    (tmp_path / NAMES[3]).unlink()
    with pytest.raises(FileNotFoundError) as caught:
        load_mnist(source="full", data_dir=tmp_path, files=infos)
    message = str(caught.value)
    assert NAMES[3] in message and NAMES[0] not in message
    assert str(tmp_path) in message and "make data" in message


def test_full_set_loads_when_present(tmp_path):
    infos, arrays = fake_set(tmp_path)
    for source in ("full", "auto"):
        data = load_mnist(source=source, data_dir=tmp_path, files=infos)
        assert data.source == "full" and data.name == "MNIST"
        assert "full set" in data.description and "6 training and 4 test" in data.description
        np.testing.assert_array_equal(data.X_train, arrays[NAMES[0]])
        np.testing.assert_array_equal(data.y_test, arrays[NAMES[3]])


def test_auto_falls_back_to_sample_and_says_so(tmp_path):
    data = load_mnist(data_dir=tmp_path)
    assert data.source == "sample"
    assert "sample" in data.description and "make data" in data.description
    assert "sample" in str(data)


def test_auto_with_a_corrupt_full_set_uses_the_sample_and_says_why(tmp_path):
    infos, _ = fake_set(tmp_path)
    (tmp_path / NAMES[1]).write_bytes(gzip.compress(b"not these labels"))
    data = load_mnist(data_dir=tmp_path, files=infos)
    assert data.source == "sample"
    assert NAMES[1] in data.description and "SHA-256" in data.description
    with pytest.raises(ChecksumError, match=NAMES[1]):
        load_mnist(source="full", data_dir=tmp_path, files=infos)


def test_shipped_sample_shapes_dtypes_labels():
    data = load_mnist(source="sample")
    assert (data.name, data.source) == ("MNIST", "sample")
    assert data.X_train.shape == (4000, 28, 28) and data.X_test.shape == (1000, 28, 28)
    assert data.y_train.shape == (4000,) and data.y_test.shape == (1000,)
    for array in (data.X_train, data.y_train, data.X_test, data.y_test):
        assert array.dtype == np.uint8
    assert np.bincount(data.y_train).tolist() == [400] * 10
    assert np.bincount(data.y_test).tolist() == [100] * 10
    assert data.X_train.max() == 255 and data.X_train.min() == 0
    assert "4,000 training and 1,000 test images" in data.description
    assert "data/mnist-sample" in data.description


def test_shipped_sample_matches_its_recorded_checksums():
    for info in datasets.MNIST_SAMPLE_FILES:
        stored = (datasets.SAMPLE_DIR / info.name).read_bytes()
        assert sha256(stored) == info.sha256 and len(stored) == info.size
    total = sum(info.size for info in datasets.MNIST_SAMPLE_FILES)
    assert total <= 2 * 1024 * 1024


def test_corrupted_sample_copy_fails_its_checksum(tmp_path):
    copy = tmp_path / "mnist-sample"
    shutil.copytree(datasets.SAMPLE_DIR, copy)
    path = copy / NAMES[0]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ChecksumError) as caught:
        load_mnist(source="sample", sample_dir=copy)
    message = str(caught.value)
    assert str(path) in message and "SHA-256" in message
    assert datasets.MNIST_SAMPLE_FILES[0].sha256 in message


def test_missing_sample_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="git checkout -- data/mnist-sample"):
        load_mnist(source="sample", sample_dir=tmp_path)


def test_fashion_found_in_debian_layout_recompressed_or_not(tmp_path):
    """Debian's dataset-fashion-mnist recompresses the .gz files: the content must count."""
    debian = tmp_path / "usr" / "share" / "datasets" / "fashion-mnist"
    _, arrays = fake_set(debian)
    published = tuple(  # as upstream would publish them: other gzip bytes, same content
        info_for(name, gzip.compress(gzip.decompress((debian / name).read_bytes()), mtime=1))
        for name in NAMES
    )
    assert all(sha256((debian / i.name).read_bytes()) != i.sha256 for i in published)
    data = load_mnist(kind="fashion", search_dirs=[tmp_path / "elsewhere", debian],
                      files=published)
    assert (data.name, data.source) == ("Fashion-MNIST", "full")
    assert data.class_names[0] == "T-shirt/top" and len(data.class_names) == 10
    np.testing.assert_array_equal(data.X_test, arrays[NAMES[2]])

    for name in NAMES:  # the same files stored uncompressed
        (debian / name.removesuffix(".gz")).write_bytes(gzip.decompress((debian / name)
                                                                        .read_bytes()))
        (debian / name).unlink()
    data = load_mnist(kind="fashion", search_dirs=[debian], files=published)
    np.testing.assert_array_equal(data.X_train, arrays[NAMES[0]])


def test_fashion_default_folders_and_no_sample(tmp_path):
    infos, _ = fake_set(tmp_path / "fashion-mnist")
    data = load_mnist(kind="fashion", data_dir=tmp_path, files=infos)
    assert data.name == "Fashion-MNIST"
    with pytest.raises(FileNotFoundError, match="fetch_data.py --fashion"):
        load_mnist(kind="fashion", search_dirs=[tmp_path / "empty"], files=infos)
    with pytest.raises(ValueError, match="no shipped sample of Fashion-MNIST"):
        load_mnist(kind="fashion", source="sample")


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"kind='digits'.*\['fashion', 'mnist'\]"):
        load_mnist(kind="digits")
    with pytest.raises(ValueError, match="source='web'"):
        load_mnist(source="web")


# ------------------------------------------------------------------------------ preparing


def test_scale_pixels_and_flatten():
    images = np.array([[[0, 255], [51, 204]]], dtype=np.uint8)  # (1, 2, 2)
    scaled = scale_pixels(images)
    assert scaled.dtype == np.float32 and scaled.shape == (1, 2, 2)
    np.testing.assert_allclose(scaled, [[[-1.0, 1.0], [-0.6, 0.6]]], atol=1e-6)
    assert flatten(images).shape == (1, 4)
    with pytest.raises(ValueError, match="scaled already"):
        scale_pixels(scaled * 300)


def test_dataset_summary_mentions_everything():
    data = load_mnist(source="sample")
    text = str(data)
    assert text == data.summary()
    assert text.startswith("MNIST (sample):")
    assert "(4000, 28, 28) uint8" in text and "(1000,) uint8" in text
    assert "n_train=4000" in repr(data)


def test_sample_needs_no_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NNLIB_DATA_DIR", str(tmp_path / "nowhere"))
    assert load_mnist(source="sample").source == "sample"
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_mnist()


def test_the_sample_is_package_data():
    # what `pip install .` copies into the package must be exactly the sample's four files
    import tomllib

    config = tomllib.loads((Path(datasets.__file__).parent.parent / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["nnlib"]
    package = Path(datasets.__file__).parent
    shipped = sorted(path.name for pattern in patterns for path in package.glob(pattern))
    assert shipped == sorted(info.name for info in datasets.MNIST_SAMPLE_FILES)
    assert datasets.SAMPLE_DIR == datasets.PACKAGE_SAMPLE_DIR
    data = load_mnist(source="sample", sample_dir=datasets.PACKAGE_SAMPLE_DIR)
    assert (len(data.y_train), len(data.y_test)) == (4000, 1000)


def test_an_installed_nnlib_without_data_folder_falls_back_to_the_sample(tmp_path, monkeypatch):
    monkeypatch.delenv("NNLIB_DATA_DIR", raising=False)
    monkeypatch.setattr(downloads, "REPO_DATA_DIR", tmp_path / "site-packages" / "data")
    data = load_mnist()
    assert data.source == "sample"
    assert "there is no data/ folder beside nnlib" in data.description


def write_set(folder, arrays):
    folder.mkdir(parents=True, exist_ok=True)
    return tuple(info_for(name, write_idx(folder / name, array).read_bytes())
                 for name, array in arrays.items())


def test_the_image_shape_comes_from_the_files(tmp_path):
    rng = np.random.default_rng(3)
    arrays = fake_arrays()
    arrays[NAMES[0]] = rng.integers(0, 256, (6, 8, 5), dtype=np.uint8)
    arrays[NAMES[2]] = rng.integers(0, 256, (4, 8, 5), dtype=np.uint8)
    infos = write_set(tmp_path, arrays)
    data = load_mnist(source="full", data_dir=tmp_path, files=infos)
    assert data.X_train.shape == (6, 8, 5) and data.X_test.shape == (4, 8, 5)


@pytest.mark.parametrize("change, message", [
    (lambda a: a.__setitem__(NAMES[2], a[NAMES[2]][:, :, :27]),
     r"the training images have shape \(28, 28\) but the test images \(28, 27\); expected one "
     r"image shape for both"),
    (lambda a: a.__setitem__(NAMES[1], a[NAMES[1]] + 5),
     r"the train labels go up to 10; expected labels 0..9, one per class \(10 classes\)"),
    (lambda a: a.__setitem__(NAMES[3], a[NAMES[3]][:3]),
     r"the test files hold 4 images but 3 labels; expected one label per image"),
], ids=["shapes-differ", "label-beyond-classes", "count-mismatch"])
def test_files_that_do_not_fit_together_are_refused(tmp_path, change, message):
    arrays = fake_arrays()
    change(arrays)
    infos = write_set(tmp_path, arrays)
    with pytest.raises(ValueError, match=message):
        load_mnist(source="full", data_dir=tmp_path, files=infos)


def deny(monkeypatch, method, folder):
    """Make ``Path.<method>`` raise PermissionError for paths inside ``folder`` (the tests run
    as root, whom real permissions do not stop)."""
    original = getattr(Path, method)

    def guarded(self, *args, **kwargs):
        if Path(self).parent == folder:
            raise PermissionError(13, "Permission denied", str(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, method, guarded)


@pytest.mark.parametrize("method", ["read_bytes", "is_file"])
def test_an_unreadable_full_set_is_named_and_the_sample_used_instead(tmp_path, monkeypatch, method):
    infos, _ = fake_set(tmp_path)
    deny(monkeypatch, method, tmp_path)
    what = "cannot be read" if method == "read_bytes" else "cannot be searched"
    with pytest.raises(PermissionError, match=rf"load_mnist: .*{what} \(Permission denied\); "
                                              r"expected a (file|folder) you may read"):
        load_mnist(source="full", data_dir=tmp_path, files=infos)
    data = load_mnist(data_dir=tmp_path, files=infos)                # source="auto"
    assert data.source == "sample"
    assert what in data.description
