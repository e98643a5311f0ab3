"""nnlib.datasets: load_mnist finds, checks and loads MNIST or the sample; images prepared."""
import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

from nnlib import datasets, downloads
from nnlib.datasets import flatten, load_mnist, scale_pixels
from nnlib.downloads import ChecksumError

from fake_mnist import NAMES, fake_arrays, fake_set, info_for, sha256, write_set


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


# ------------------------------------------------------------------------------ preparing


def test_scale_pixels_and_flatten():
    images = np.array([[[0, 255], [51, 204]]], dtype=np.uint8)  # (1, 2, 2)
    scaled = scale_pixels(images)
    assert scaled.dtype == np.float32 and scaled.shape == (1, 2, 2)
    np.testing.assert_allclose(scaled, [[[-1.0, 1.0], [-0.6, 0.6]]], atol=1e-6)
    assert flatten(images).shape == (1, 4)
    with pytest.raises(ValueError, match="scaled already"):
        scale_pixels(scaled * 300)
