"""Saving a model's parameters to a file and loading them back, safely.

The file is a NumPy ``.npz`` archive written with ``np.savez``: one plain array per parameter,
named ``layer<index>.<parameter name>`` (``layer0.weights``, ``layer0.biases``,
``layer2.weights``, ... where the index counts every layer of the model, activations too), and
a small manifest ``meta.layers`` (one string per layer, its ``repr``) plus ``meta.format``.
Nothing is pickled, and loading refuses pickled content (``allow_pickle=False``), so opening
a file from someone else cannot run code. Gradients and optimizer state are not saved.
Introduced in chapter 8.
"""
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

#: Written into every file; a file without it (or with another value) is not ours.
FORMAT = "nnlib-parameters-1"
FORMAT_KEY = "meta.format"
LAYERS_KEY = "meta.layers"
ZIP_MAGIC = b"PK\x03\x04"  # how every .npz (a zip archive) begins


def _layers_of(model, who):
    """The list of layers of a ``Sequential`` (``.layers``) or of a sequence of layers."""
    layers = getattr(model, "layers", model)
    try:
        layers = list(layers)
    except TypeError:
        raise TypeError(
            f"{who}: model is a {type(model).__name__}; expected a Sequential (anything with a "
            "`layers` list) or a list of layers."
        ) from None
    for index, layer in enumerate(layers):
        if not (hasattr(layer, "parameters") and hasattr(layer, "parameter_names")):
            raise TypeError(
                f"{who}: item {index} of the model is a {type(layer).__name__}; expected a layer "
                "with `parameters()` and `parameter_names` (see nnlib.layers)."
            )
    return layers


def _named_parameters(layers):
    """``{"layer<i>.<name>": array}`` for every parameter, in the model's order."""
    named = {}
    for index, layer in enumerate(layers):
        for name, (value, _) in zip(layer.parameter_names, layer.parameters()):
            named[f"layer{index}.{name}"] = value
    return named


def save_parameters(model, path):
    """Write every parameter of ``model`` to the ``.npz`` file ``path`` (no pickle).

    The file is first written under a temporary name in the same folder and then renamed over
    ``path`` (``os.replace``), so an interrupted save never leaves a half-written file where
    a good one was. ``path`` is used as given (no ``.npz`` is appended). Returns the path.
    Shapes: each array is stored with its shape and dtype, bit for bit.
    Introduced in chapter 8.
    """
    who = "save_parameters"
    layers = _layers_of(model, who)
    arrays = {key: np.asarray(value) for key, value in _named_parameters(layers).items()}
    for key, array in arrays.items():
        if array.dtype.hasobject:
            raise TypeError(
                f"{who}: parameter {key} has dtype {array.dtype}; expected numbers (object "
                "arrays would need pickle, which these files never use)."
            )
    arrays[FORMAT_KEY] = np.array(FORMAT)
    arrays[LAYERS_KEY] = np.array([repr(layer) for layer in layers], dtype=str)

    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{who}: the folder {folder} does not exist; create it first, or choose another path."
        )
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return path


def _read_archive(path, who):
    """All arrays of the ``.npz`` file ``path`` as a dict, refusing pickled content."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{who}: {path} does not exist (or is not a file).")
    with open(path, "rb") as file:
        start = file.read(len(ZIP_MAGIC))
    if start != ZIP_MAGIC:
        raise ValueError(
            f"{who}: {path} is not an .npz archive (it does not start like a zip file); "
            "expected a file written by save_parameters."
        )
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except ValueError as error:
        if "pickle" in str(error).lower():
            raise ValueError(
                f"{who}: {path} holds a pickled (object) array; such files are refused because "
                "unpickling can run arbitrary code. Expected plain numeric arrays written by "
                "save_parameters."
            ) from None
        raise ValueError(
            f"{who}: {path} could not be read as an .npz archive ({error}); expected a file "
            "written by save_parameters."
        ) from None
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(
            f"{who}: {path} could not be read as an .npz archive ({error}); is it complete, "
            "and was it written by save_parameters?"
        ) from None
    stamp = arrays.get(FORMAT_KEY)
    if stamp is None or stamp.shape != () or stamp.dtype.kind != "U" or str(stamp) != FORMAT:
        raise ValueError(
            f"{who}: {path} has no '{FORMAT_KEY}' entry equal to '{FORMAT}'; expected a file "
            "written by save_parameters."
        )
    return arrays


def load_parameters(model, path):
    """Load parameters saved by ``save_parameters`` into ``model``, in place.

    Every array must be there with the model's shape and dtype, and nothing else may be; all
    of this is checked before the first value is written, so a failed load leaves the model
    untouched. The model's arrays keep their identity (an optimizer that holds them still
    works). Returns the model.
    Shapes: each file array equals its parameter's shape. Introduced in chapter 8.
    """
    who = "load_parameters"
    layers = _layers_of(model, who)
    arrays = _read_archive(path, who)
    saved_layers = arrays.pop(LAYERS_KEY, np.array([], dtype=str)).tolist()
    arrays.pop(FORMAT_KEY)
    saved_from = f" The file was saved from: {', '.join(saved_layers)}." if saved_layers else ""
    expected = _named_parameters(layers)

    missing = [key for key in expected if key not in arrays]
    extra = [key for key in arrays if key not in expected]
    if missing or extra:
        problems = []
        if missing:
            problems.append(f"it lacks {', '.join(missing)}")
        if extra:
            problems.append(f"it holds arrays the model does not have: {', '.join(extra)}")
        raise ValueError(
            f"{who}: {path} does not fit the model {[repr(layer) for layer in layers]}: "
            f"{'; '.join(problems)}.{saved_from}"
        )
    for key, value in expected.items():
        stored = arrays[key]
        if stored.shape != value.shape:
            raise ValueError(
                f"{who}: {key} in {path} has shape {stored.shape} but the model's parameter "
                f"has shape {value.shape}; expected the same architecture.{saved_from}"
            )
        if stored.dtype != value.dtype:
            raise ValueError(
                f"{who}: {key} in {path} has dtype {stored.dtype} but the model's parameter "
                f"has dtype {value.dtype}; build the model with {stored.dtype} parameters "
                "(the same initialiser) so the values load bit for bit."
            )
    for key, value in expected.items():
        np.copyto(value, arrays[key])
    return model
