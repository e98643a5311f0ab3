"""nnlib.initializers: the scale of each draw, and shapes that are not a weight matrix's."""
import numpy as np
import pytest

from nnlib.initializers import glorot_uniform, he_normal, in_float32, small_normal


def test_the_scales_follow_the_layer_size():
    rng = np.random.default_rng(0)
    assert np.std(he_normal((400, 300), rng=rng)) == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    limit = np.sqrt(6 / (400 + 300))
    draw = glorot_uniform((400, 300), rng=rng)
    assert np.abs(draw).max() <= limit and np.std(draw) == pytest.approx(limit / np.sqrt(3), rel=0.02)
    assert np.std(small_normal((400, 300), rng=rng)) == pytest.approx(0.01, rel=0.02)


@pytest.mark.parametrize("init", [he_normal, glorot_uniform], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [(3,), (3, 4, 5), (0, 4), (3, 2.5)], ids=str)
def test_a_shape_that_is_not_a_weight_matrix_is_refused(init, shape):
    with pytest.raises(ValueError, match=rf"{init.__name__}: shape is .*; expected \(fan_in, "
                                         r"fan_out\), two whole numbers >= 1"):
        init(shape)


@pytest.mark.parametrize("init", [small_normal, he_normal, glorot_uniform], ids=lambda f: f.__name__)
def test_in_float32_draws_like_init_and_returns_float32(init):
    weights = in_float32(init)((30, 20), rng=np.random.default_rng(3))
    assert weights.dtype == np.float32 and weights.shape == (30, 20)
    np.testing.assert_array_equal(weights, init((30, 20), rng=np.random.default_rng(3)).astype(np.float32))
    assert in_float32(init).__name__ == f"{init.__name__}_float32"


def test_in_float32_keeps_the_initialisers_shape_check():
    with pytest.raises(ValueError, match="expected \\(fan_in, fan_out\\)"):
        in_float32(he_normal)((3,))
