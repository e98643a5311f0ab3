"""Weight initialisers: functions ``init(shape, *, rng=None) -> array`` for a Dense layer.

``small_normal`` is the book's ``0.01 * randn`` (the default, introduced in chapter 2);
``he_normal`` (chapter 6) and ``glorot_uniform`` (chapter 7) scale the weights to the layer's size.
With ``rng=None`` the draws come from NumPy's global ``np.random`` (what ``nnfs.init()`` seeds
and makes float32); pass ``rng=np.random.default_rng(seed)`` for an independent stream.
"""
import numpy as np


def _standard_normal(shape, rng):
    if rng is None:
        return np.random.randn(*shape)
    return rng.standard_normal(shape)


def small_normal(shape, *, rng=None, scale=0.01):
    """``scale * randn(*shape)``: the book's small random start. Shapes: shape -> array of shape."""
    return scale * _standard_normal(shape, rng)


def glorot_uniform(shape, *, rng=None):
    """Uniform in ``[-limit, limit]`` with ``limit = sqrt(6 / (fan_in + fan_out))``.

    Shapes: shape = (fan_in, fan_out) -> array of that shape.
    """
    fan_in, fan_out = shape
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    generator = np.random if rng is None else rng
    return generator.uniform(-limit, limit, size=shape)


def he_normal(shape, *, rng=None):
    """Normal with standard deviation ``sqrt(2 / fan_in)``, suited to ReLU layers.

    Shapes: shape = (fan_in, fan_out) -> array of that shape.
    """
    fan_in = shape[0]
    return np.sqrt(2.0 / fan_in) * _standard_normal(shape, rng)
