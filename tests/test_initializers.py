"""nnlib.initializers: each draw's scale and source, and shapes that are not a weight matrix's."""
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


def test_glorot_uniform_limit_and_spread():
    weights = glorot_uniform((300, 200), rng=np.random.default_rng(0))
    limit = np.sqrt(6 / 500)
    assert weights.shape == (300, 200)
    assert np.abs(weights).max() <= limit and np.abs(weights).max() > 0.99 * limit
    assert weights.std() == pytest.approx(np.sqrt(2 / 500), rel=0.02)   # variance limit**2 / 3


def test_he_normal_spread():
    weights = he_normal((400, 300), rng=np.random.default_rng(0))
    assert weights.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert abs(weights.mean()) < 0.1 * weights.std()


@pytest.mark.parametrize("init", [small_normal, glorot_uniform, he_normal],
                         ids=lambda f: f.__name__)
def test_initialisers_are_reproducible_and_use_the_global_generator_by_default(init):
    a = init((5, 4), rng=np.random.default_rng(3))
    b = init((5, 4), rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    state = np.random.get_state()
    try:
        np.random.seed(11)
        first = init((5, 4))
        np.random.seed(11)
        np.testing.assert_array_equal(init((5, 4)), first)
    finally:
        np.random.set_state(state)


def test_he_keeps_the_spread_of_a_deep_relu_stack_and_small_weights_lose_it():
    def spread_after(init, depth=10):
        rng = np.random.default_rng(1)
        signal = rng.standard_normal((2000, 64))
        for _ in range(depth):
            signal = np.maximum(0, signal @ init((64, 64), rng=rng))
        return signal.std()

    assert 0.3 < spread_after(he_normal) < 2
    assert spread_after(lambda s, rng: small_normal(s, rng=rng, scale=0.01)) < 1e-10


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


@pytest.mark.parametrize("init", [small_normal, he_normal, glorot_uniform])
def test_an_rng_that_is_not_a_generator_is_refused(init):
    with pytest.raises(TypeError, match=f"{init.__name__}: rng must be a NumPy Generator.*got int"):
        init((3, 2), rng=7)
