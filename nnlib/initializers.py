"""Weight initialisers: functions ``init(shape, *, rng=None) -> array`` for a Dense layer.

``small_normal`` is the book's ``0.01 * randn`` (the default, introduced in chapter 2);
``he_normal`` (chapter 6) and ``glorot_uniform`` (chapter 7) scale the weights to the layer's size;
``in_float32`` (chapter 6) turns any of them into one that returns float32 weights.
With ``rng=None`` the draws come from NumPy's global ``np.random`` (what ``nnfs.init()`` seeds
and makes float32); pass ``rng=np.random.default_rng(seed)`` for an independent stream.
"""
import numpy as np

from nnlib._validation import random_source


def _fans(shape, *, who):
    """``(fan_in, fan_out)`` from a weight shape, which must be two whole numbers >= 1."""
    if (len(np.shape(shape)) != 1 or len(shape) != 2
            or not all(isinstance(n, (int, np.integer)) and n >= 1 for n in shape)):
        raise ValueError(
            f"{who}: shape is {shape!r}; expected (fan_in, fan_out), two whole numbers >= 1, "
            "the shape of a Dense layer's weights."
        )
    return shape


def _standard_normal(shape, rng, *, who):
    if rng is None:
        return np.random.randn(*shape)                  # the books' call, the same stream
    return random_source(rng, who=who, draws="standard_normal").standard_normal(shape)


def small_normal(shape, *, rng=None, scale=0.01):
    """``scale * randn(*shape)``: the book's small random start. Shapes: shape -> array of shape."""
    return scale * _standard_normal(shape, rng, who="small_normal")


def glorot_uniform(shape, *, rng=None):
    """Uniform in ``[-limit, limit]`` with ``limit = sqrt(6 / (fan_in + fan_out))``.

    Shapes: shape = (fan_in, fan_out) -> array of that shape.
    """
    fan_in, fan_out = _fans(shape, who="glorot_uniform")
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    generator = random_source(rng, who="glorot_uniform", draws="uniform")
    return generator.uniform(-limit, limit, size=shape)


def he_normal(shape, *, rng=None):
    """Normal with standard deviation ``sqrt(2 / fan_in)``, suited to ReLU layers.

    Shapes: shape = (fan_in, fan_out) -> array of that shape.
    """
    fan_in, _ = _fans(shape, who="he_normal")
    return np.sqrt(2.0 / fan_in) * _standard_normal(shape, rng, who="he_normal")


def in_float32(init):
    """The initialiser ``init`` with its weights returned as float32.

    Networks trained on MNIST in float32 need float32 weights (float64 weights would turn every
    product back into float64). The draws are ``init``'s own, converted afterwards, so the same
    ``rng`` gives the same weights up to float32 rounding. Shapes: as ``init``.
    """
    def init_float32(shape, *, rng=None):
        return init(shape, rng=rng).astype(np.float32)

    init_float32.__name__ = f"{init.__name__}_float32"
    init_float32.__doc__ = f"``{init.__name__}``, returned as float32."
    return init_float32
