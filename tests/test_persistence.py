"""nnlib.persistence: parameters saved to .npz and loaded back bit for bit, bad files refused."""
import os

import numpy as np
import pytest

from nnlib.activations import ReLU
from nnlib.layers import Dense
from nnlib.model import Sequential
from nnlib.persistence import load_parameters, save_parameters


def _model(seed, dtype=np.float64):
    rng = np.random.default_rng(seed)

    def init(shape, *, rng=None):
        return rng.standard_normal(shape).astype(dtype)

    model = Sequential([Dense(4, 3, init=init, rng=rng), ReLU(), Dense(3, 2, init=init, rng=rng)])
    for layer in model.layers[::2]:
        layer.biases += rng.standard_normal(layer.biases.shape).astype(dtype)
    return model


def _values(model):
    return [value for value, _ in model.parameters()]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_is_bit_identical_and_in_place(tmp_path, dtype):
    source, target = _model(0, dtype), _model(1, dtype)
    path = save_parameters(source, tmp_path / "model.npz")
    arrays_before = _values(target)
    assert load_parameters(target, path) is target
    for saved, loaded, array_before in zip(_values(source), _values(target), arrays_before):
        assert loaded is array_before                   # same arrays, written in place
        assert loaded.dtype == saved.dtype == dtype
        assert loaded.tobytes() == saved.tobytes()      # bit for bit


def test_file_layout_is_plain_npz_with_named_arrays_and_manifest(tmp_path):
    model = _model(0)
    path = save_parameters(model, tmp_path / "model.npz")
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == [
            "layer0.biases", "layer0.weights", "layer2.biases", "layer2.weights",
            "meta.format", "meta.layers",
        ]
        assert archive["meta.layers"].tolist() == ["Dense(4, 3)", "ReLU()", "Dense(3, 2)"]
        np.testing.assert_array_equal(archive["layer2.weights"], model.layers[2].weights)


def test_a_list_of_layers_is_accepted(tmp_path):
    source, target = _model(0), _model(1)
    save_parameters(source.layers, tmp_path / "m.npz")
    load_parameters(target.layers, tmp_path / "m.npz")
    for a, b in zip(_values(source), _values(target)):
        np.testing.assert_array_equal(a, b)


def test_path_is_used_as_given_and_an_existing_file_is_replaced(tmp_path):
    path = tmp_path / "weights.bin"
    path.write_bytes(b"old content")
    save_parameters(_model(0), path)
    assert sorted(os.listdir(tmp_path)) == ["weights.bin"]    # no .npz added, no temp left
    load_parameters(_model(1), path)


def test_interrupted_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    save_parameters(_model(0), path)
    before = path.read_bytes()

    def failing_savez(file, **arrays):
        file.write(b"PK\x03\x04 half written")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", failing_savez)
    with pytest.raises(KeyboardInterrupt):
        save_parameters(_model(1), path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]


def _assert_untouched(model, seed):
    for a, b in zip(_values(model), _values(_model(seed))):
        np.testing.assert_array_equal(a, b)


def test_wrong_shapes_fail_clearly_and_change_nothing(tmp_path):
    path = save_parameters(_model(0), tmp_path / "m.npz")
    rng = np.random.default_rng(1)
    other = Sequential([Dense(4, 5, rng=rng), ReLU(), Dense(5, 2, rng=rng)])
    before = [v.copy() for v in _values(other)]
    with pytest.raises(ValueError, match=r"layer0.weights .* shape \(4, 3\) .* shape \(4, 5\)"):
        load_parameters(other, path)
    for a, b in zip(_values(other), before):
        np.testing.assert_array_equal(a, b)


def test_missing_arrays_fail_clearly(tmp_path):
    path = save_parameters(_model(0), tmp_path / "m.npz")
    bigger = Sequential([*_model(1).layers, ReLU(), Dense(2, 2)])
    with pytest.raises(ValueError, match=r"lacks layer4.weights, layer4.biases.*saved from: "
                                         r"Dense\(4, 3\), ReLU\(\), Dense\(3, 2\)"):
        load_parameters(bigger, path)


def test_extra_arrays_fail_clearly(tmp_path):
    model = _model(1)
    path = save_parameters(model, tmp_path / "m.npz")
    with pytest.raises(ValueError, match="arrays the model does not have: layer2.weights"):
        load_parameters(Sequential(model.layers[:2]), path)
    _assert_untouched(model, 1)


def test_dtype_mismatch_fails_clearly(tmp_path):
    path = save_parameters(_model(0, np.float32), tmp_path / "m.npz")
    model = _model(1, np.float64)
    with pytest.raises(ValueError,
                       match="dtype float32 but the model's parameter has dtype float64"):
        load_parameters(model, path)
    _assert_untouched(model, 1)


def test_pickled_payload_is_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, **{"meta.format": np.array("nnlib-parameters-1"),
                      "layer0.weights": np.array([{"not": "numbers"}], dtype=object)})
    with pytest.raises(ValueError, match="pickled"):
        load_parameters(_model(1), path)


@pytest.mark.parametrize("content", [b"just some text", b""])
def test_a_file_that_is_no_npz_is_refused(tmp_path, content):
    path = tmp_path / "m.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="not an .npz archive"):
        load_parameters(_model(1), path)


def test_a_truncated_file_is_refused(tmp_path):
    path = save_parameters(_model(0), tmp_path / "m.npz")
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match="could not be read"):
        load_parameters(_model(1), path)


def test_an_npz_from_elsewhere_is_refused(tmp_path):
    path = tmp_path / "m.npz"
    np.savez(path, w=np.zeros(3))
    with pytest.raises(ValueError, match="expected a file written by save_parameters"):
        load_parameters(_model(1), path)


def test_missing_file_and_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_parameters(_model(1), tmp_path / "nothing.npz")
    with pytest.raises(FileNotFoundError, match="folder .* does not exist"):
        save_parameters(_model(1), tmp_path / "no" / "such" / "m.npz")


def test_something_that_is_no_model_is_refused(tmp_path):
    with pytest.raises(TypeError, match="expected a Sequential"):
        save_parameters(42, tmp_path / "m.npz")
    with pytest.raises(TypeError, match="item 1 of the model is a str"):
        save_parameters([Dense(2, 2), "relu"], tmp_path / "m.npz")
