"""Gradient descent driven by numerical gradients: the first learning rule that uses a direction.

``gradient_descent`` repeats ``x <- x - lr * gradient(f, x)`` with the central-difference
gradient of ``nnlib.gradcheck``. It is slow (two evaluations of ``f`` per element of ``x`` per
step), which is the point chapter 4 makes before backpropagation arrives in chapter 5.
Introduced in chapter 4.
"""
import numpy as np

from nnlib._validation import check_number, check_whole
from nnlib.gradcheck import numerical_gradient


def gradient_descent(f, init_x, lr=0.01, step_num=100, *, return_path=False):
    """Minimise the scalar function ``f`` by ``step_num`` steps of ``x -= lr * gradient``.

    ``init_x`` is not modified: the descent works on a float64 copy. With ``return_path`` the
    points visited are returned too, the start first and the end last.
    Shapes: init_x any shape -> x of the same shape, float64; path (step_num + 1, *init_x.shape).
    Introduced in chapter 4.
    """
    start = np.asarray(init_x)
    if start.dtype.kind not in "fiu":
        raise TypeError(
            f"gradient_descent: init_x has dtype {start.dtype}; expected real numbers."
        )
    if not np.all(np.isfinite(start)):
        raise ValueError("gradient_descent: init_x contains NaN or infinity; expected finite numbers.")
    lr = check_number(lr, who="gradient_descent", name="lr")
    step_num = check_whole(step_num, who="gradient_descent", name="step_num", minimum=0)
    x = start.astype(np.float64)                       # a copy, so init_x stays as it was
    path = np.empty((step_num + 1, *x.shape)) if return_path else None
    if return_path:
        path[0] = x
    for step in range(step_num):
        x -= lr * numerical_gradient(f, x)
        if return_path:
            path[step + 1] = x
    return (x, path) if return_path else x
