"""nnlib._fast_steps: the faster code paths give the same numbers as the straightforward ones."""
import numpy as np
import pytest

from nnlib import _fast_steps
from nnlib.activations import ReLU
from nnlib.layers import Dense
from nnlib.model import Sequential
from nnlib.optimizers import SGD, AdaGrad, Adam, RMSprop

# Each check compares nnlib against the plain expression, bit for bit (``view`` as integers, so
# that even the sign of a zero or a NaN's payload would show), on float32 and float64.
DTYPES = [np.float32, np.float64]


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a.view(f"u{a.itemsize}"), b.view(f"u{b.itemsize}"))


@pytest.mark.parametrize("dtype", DTYPES)
def test_relu_backward_equals_masked_assignment(dtype):
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((50, 7)).astype(dtype)
    inputs[0, :3] = 0                                   # exactly zero counts as "not positive"
    doutputs = rng.standard_normal((50, 7)).astype(dtype)
    relu = ReLU()
    relu.forward(inputs)
    expected = doutputs.copy()
    expected[inputs <= 0] = 0
    got = relu.backward(doutputs)
    np.testing.assert_array_equal(got, expected)        # equal values (-0.0 == 0.0)
    assert got.dtype == dtype
    # what follows a ReLU in a network gets bit-identical gradients either way
    weights = rng.standard_normal((5, 7)).astype(dtype)
    layer_inputs = rng.standard_normal((50, 5)).astype(dtype)
    same_bits(np.dot(layer_inputs.T, got), np.dot(layer_inputs.T, expected))
    same_bits(np.dot(got, weights.T), np.dot(expected, weights.T))
    same_bits(np.sum(got, axis=0) + 0.0, np.sum(expected, axis=0) + 0.0)


def test_dense_parameter_half_of_backward_stores_the_same_parameter_gradients():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((6, 4)).astype(np.float32)
    doutputs = rng.standard_normal((6, 3)).astype(np.float32)
    full = Dense(4, 3, rng=np.random.default_rng(2))
    first = Dense(4, 3, rng=np.random.default_rng(2))
    full.forward(X)
    first.forward(X)
    assert full.backward(doutputs).shape == (6, 4)
    assert first._backward_parameters(doutputs) is None
    same_bits(first.dweights, full.dweights)
    same_bits(first.dbiases, full.dbiases)


def test_a_model_that_skips_the_input_gradient_trains_identically():
    def model():
        rng = np.random.default_rng(3)
        return Sequential([Dense(4, 5, rng=rng, weight_l2=1e-3), ReLU(), Dense(5, 2, rng=rng)])

    rng = np.random.default_rng(4)
    X, d = rng.standard_normal((8, 4)), rng.standard_normal((8, 2))
    a, b = model(), model()
    optimizer_a, optimizer_b = Adam(0.01), Adam(0.01)
    for _ in range(5):
        a.forward(X)
        b.forward(X)
        assert a.backward(d).shape == (8, 4)
        assert b.backward(d, input_gradient=False) is None
        optimizer_a.step(a)
        optimizer_b.step(b)
    for (va, _), (vb, _) in zip(a.parameters(), b.parameters()):
        same_bits(va, vb)


def test_a_first_layer_with_its_own_backward_runs_it_even_without_input_gradient():
    calls = []

    class Logged(Dense):
        def backward(self, doutputs):
            calls.append(doutputs.shape)
            return super().backward(doutputs)

    model = Sequential([Logged(3, 2, rng=np.random.default_rng(0))])
    model.forward(np.ones((4, 3)))
    assert model.backward(np.ones((4, 2)), input_gradient=False) is None
    assert calls == [(4, 2)]


def book_adam(value, gradients, lr, decay, b1=0.9, b2=0.999, eps=1e-7):
    m = v = np.zeros_like(value)
    for t, gradient in enumerate(gradients):
        rate = lr * (1. / (1. + decay * t))
        m = b1 * m + (1 - b1) * gradient
        m_hat = m / (1 - b1 ** (t + 1))
        v = b2 * v + (1 - b2) * gradient**2
        v_hat = v / (1 - b2 ** (t + 1))
        value += -rate * m_hat / (np.sqrt(v_hat) + eps)
    return value


def book_sgd(value, gradients, lr, decay, momentum=0.0, nesterov=False):
    velocity = np.zeros_like(value)
    for t, gradient in enumerate(gradients):
        rate = lr * (1. / (1. + decay * t))
        if not momentum:
            value += -rate * gradient
            continue
        velocity = momentum * velocity - rate * gradient
        value += momentum * velocity - rate * gradient if nesterov else velocity
    return value


def book_cache(value, gradients, lr, decay, rho=None, eps=1e-7):
    cache = np.zeros_like(value)
    for t, gradient in enumerate(gradients):
        rate = lr * (1. / (1. + decay * t))
        if rho is None:
            cache += gradient**2
        else:
            cache = rho * cache + (1 - rho) * gradient**2
        value += -rate * gradient / (np.sqrt(cache) + eps)
    return value


class Parameters:
    """Stand-in layer: several parameters (two of the same shape share the work arrays)."""

    def __init__(self, values):
        self.values = values
        self.gradients = [None] * len(values)

    def parameters(self):
        return list(zip(self.values, self.gradients))


CASES = [
    (lambda: Adam(0.05, decay=1e-3), lambda v, g: book_adam(v, g, 0.05, 1e-3)),
    (lambda: SGD(0.1, decay=1e-2), lambda v, g: book_sgd(v, g, 0.1, 1e-2)),
    (lambda: SGD(0.1, momentum=0.9), lambda v, g: book_sgd(v, g, 0.1, 0.0, 0.9)),
    (lambda: SGD(0.1, momentum=0.9, nesterov=True),
     lambda v, g: book_sgd(v, g, 0.1, 0.0, 0.9, nesterov=True)),
    (lambda: AdaGrad(0.5, decay=1e-2), lambda v, g: book_cache(v, g, 0.5, 1e-2)),
    (lambda: RMSprop(0.02, rho=0.9), lambda v, g: book_cache(v, g, 0.02, 0.0, rho=0.9)),
]


@pytest.mark.parametrize("make, book", CASES)
@pytest.mark.parametrize("value_dtype, gradient_dtype", [
    (np.float32, np.float32), (np.float64, np.float64),
    (np.float32, np.float64), (np.float64, np.float32),   # mixed: the book's promotion rules
])
@pytest.mark.parametrize("shapes", [
    [(4, 3), (4, 3), (1, 3)],           # the readable updates of nnlib.optimizers
    [(80, 60), (80, 60), (1, 60)],      # two of nnlib._fast_steps' size (sharing work arrays)
], ids=["readable", "fast"])
def test_updates_are_bit_identical_to_the_book_expressions(
        make, book, value_dtype, gradient_dtype, shapes):
    rng = np.random.default_rng(5)
    starts = [rng.standard_normal(shape).astype(value_dtype) for shape in shapes]
    gradients = [[rng.standard_normal(shape).astype(gradient_dtype) for shape in shapes]
                 for _ in range(6)]
    layer = Parameters([start.copy() for start in starts])
    optimizer = make()
    for step_gradients in gradients:
        layer.gradients = step_gradients
        optimizer.step(layer)
    for index, start in enumerate(starts):
        expected = book(start.copy(), [step[index] for step in gradients])
        same_bits(layer.values[index], expected)
    uses_fast_steps = any(np.prod(shape) >= _fast_steps.MIN_SIZE for shape in shapes)
    assert bool(getattr(optimizer, "_work_arrays", None)) == uses_fast_steps


def test_a_subclass_runs_its_own_update_even_for_large_arrays():
    class Halved(SGD):
        def _update(self, value, gradient, state):
            value += -0.5 * self.current_learning_rate * gradient

    layer = Parameters([np.ones((80, 60))])
    layer.gradients = [np.ones((80, 60))]
    Halved(0.1).step(layer)
    np.testing.assert_array_equal(layer.values[0], np.full((80, 60), 0.95))
