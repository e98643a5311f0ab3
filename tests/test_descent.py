"""Tests of nnlib.descent.gradient_descent (chapter 4)."""
import numpy as np
import pytest

from nnlib.descent import gradient_descent
from nnlib.gradcheck import numerical_gradient


def bowl(x):
    return x[0] ** 2 + x[1] ** 2


def test_converges_on_the_bowl_from_minus_3_4_with_lr_0_1():
    end = gradient_descent(bowl, np.array([-3.0, 4.0]), lr=0.1, step_num=100)
    assert end.dtype == np.float64 and end.shape == (2,)
    assert np.linalg.norm(end) < 1e-8
    # each step multiplies the point by 1 - 2 * lr = 0.8 (central differences are exact here
    # up to rounding), so after 100 steps it is 0.8**100 times the start
    np.testing.assert_allclose(end, 0.8 ** 100 * np.array([-3.0, 4.0]), rtol=1e-3)


def test_reports_the_path_from_start_to_end():
    start = np.array([-3.0, 4.0])
    end, path = gradient_descent(bowl, start, lr=0.1, step_num=100, return_path=True)
    assert path.shape == (101, 2) and path.dtype == np.float64
    np.testing.assert_array_equal(path[0], start)
    np.testing.assert_array_equal(path[-1], end)
    np.testing.assert_allclose(path[1:4], [[-2.4, 3.2], [-1.92, 2.56], [-1.536, 2.048]], rtol=1e-9)
    distances = np.linalg.norm(path, axis=1)
    assert np.all(np.diff(distances) < 0)                   # every step gets closer


def test_each_step_is_x_minus_lr_times_the_numerical_gradient():
    def f(x):
        return np.sum(np.sin(x) * np.arange(1, 7).reshape(2, 3))

    start = np.random.default_rng(0).standard_normal((2, 3))
    _, path = gradient_descent(f, start, lr=0.05, step_num=3, return_path=True)
    assert path.shape == (4, 2, 3)
    x = start.copy()
    for step in range(3):
        x = x - 0.05 * numerical_gradient(f, x.copy())
        np.testing.assert_array_equal(path[step + 1], x)


def test_reproduces_saitos_learning_rate_results():
    start = np.array([-3.0, 4.0])
    np.testing.assert_allclose(gradient_descent(bowl, start, lr=0.1, step_num=100),
                               [-6.11110793e-10, 8.14814391e-10], rtol=1e-8)
    np.testing.assert_allclose(gradient_descent(bowl, start, lr=10.0, step_num=100),
                               [-2.58983747e13, -1.29524862e12], rtol=1e-8)       # diverged
    np.testing.assert_allclose(gradient_descent(bowl, start, lr=1e-10, step_num=100),
                               [-2.99999994, 3.99999992], rtol=1e-8)              # barely moved


@pytest.mark.parametrize("init", [np.array([-3.0, 4.0]), np.array([-3.0, 4.0], dtype=np.float32),
                                  np.array([-3, 4])])
def test_input_is_not_modified_and_the_result_is_float64(init):
    before = init.copy()
    end, path = gradient_descent(bowl, init, lr=0.1, step_num=5, return_path=True)
    assert init.dtype == before.dtype and init.tobytes() == before.tobytes()
    assert end is not init and not np.shares_memory(end, init)
    assert end.dtype == np.float64 and path.dtype == np.float64


def test_accepts_a_list_and_zero_steps():
    end, path = gradient_descent(bowl, [1.0, 2.0], lr=0.1, step_num=0, return_path=True)
    np.testing.assert_array_equal(end, [1.0, 2.0])
    assert path.shape == (1, 2)


@pytest.mark.parametrize("init, error, message", [
    (np.array([1.0, np.nan]), ValueError, "NaN or infinity"),
    (np.array(["a", "b"]), TypeError, "expected real numbers"),
])
def test_rejects_bad_starting_points(init, error, message):
    with pytest.raises(error, match=f"gradient_descent: .*{message}"):
        gradient_descent(bowl, init)


@pytest.mark.parametrize("step_num", [-1, 2.5])
def test_rejects_a_bad_number_of_steps(step_num):
    with pytest.raises(ValueError, match="step_num must be a whole number >= 0"):
        gradient_descent(bowl, np.array([1.0, 2.0]), step_num=step_num)


def _bowl(x):
    return float(np.sum(x ** 2))


@pytest.mark.parametrize("options, error, message", [
    ({"lr": -0.1}, ValueError, r"gradient_descent: lr must be a finite number in \[0, inf\), got -0.1"),
    ({"lr": float("nan")}, ValueError, r"gradient_descent: lr must be a finite number .* got nan"),
    ({"lr": "0.1"}, TypeError, r"gradient_descent: lr must be a number, got '0.1'"),
    ({"step_num": -1}, ValueError, r"gradient_descent: step_num must be a whole number >= 0, got -1"),
    ({"step_num": 2.5}, ValueError, r"gradient_descent: step_num must be a whole number >= 0, got 2.5"),
], ids=["lr-negative", "lr-nan", "lr-str", "steps-negative", "steps-fraction"])
def test_bad_settings_get_a_clear_error(options, error, message):
    with pytest.raises(error, match=message):
        gradient_descent(_bowl, np.array([-3.0, 4.0]), **options)
