"""The optimizers' updates for large parameters, without a temporary array per operation.

Not course material: ``nnlib.optimizers`` holds the updates as the chapter writes them. Those
expressions allocate a fresh array for every intermediate result; for an MNIST-sized weight
matrix, returning that memory to the system and faulting it back in on the next step cost more
than the arithmetic (Adam took a third of an epoch). Here each update does the same operations,
on the same dtypes and in the same order, into arrays kept from step to step, so the results are
bit for bit those of the readable version (tests/test_fast_steps.py checks every optimizer).

Each of nnlib's four optimizer classes names its function here as ``_fast_update``;
``Optimizer.step`` uses it for parameters of at least ``MIN_SIZE`` elements (a subclass, which
may change ``_update``, always runs its own ``_update``).
"""
import numpy as np

#: Parameters with fewer elements than this use the readable update: allocation is cheap there.
MIN_SIZE = 4096


def _work(optimizer, value):
    """``work(name, dtype)``: an array of ``value``'s shape for the intermediate result ``name``,
    kept by the optimizer and shared by its parameters of that shape (they are updated one
    after the other, so its contents mean nothing between updates)."""
    arrays = optimizer.__dict__.setdefault("_work_arrays", {})

    def work(name, dtype):
        key = (name, value.shape, np.dtype(dtype))
        if key not in arrays:
            arrays[key] = np.empty(value.shape, dtype)
        return arrays[key]

    return work


def _moment(state, name, value, dtype):
    if name not in state:
        state[name] = np.zeros(value.shape, dtype)
    return state[name]


def sgd(opt, value, gradient, state):
    work = _work(opt, value)
    lr = opt.current_learning_rate
    if not opt.momentum:
        value += np.multiply(gradient, -lr, out=work("step", gradient.dtype))
        return
    velocity = _moment(state, "velocity", value, np.result_type(value, gradient))
    lr_gradient = np.multiply(gradient, lr, out=work("lr_grad", gradient.dtype))
    velocity *= opt.momentum
    velocity -= lr_gradient
    if opt.nesterov:
        step = np.multiply(velocity, opt.momentum, out=work("step", velocity.dtype))
        step -= lr_gradient
        value += step
    else:
        value += velocity


def _cache_step(opt, value, gradient, cache, work):
    """``value += -lr * grad / (sqrt(cache) + epsilon)``."""
    denominator = np.sqrt(cache, out=work("denominator", cache.dtype))
    denominator += opt.epsilon
    lr_gradient = np.multiply(gradient, -opt.current_learning_rate,
                              out=work("lr_grad", gradient.dtype))
    value += np.divide(lr_gradient, denominator,
                       out=work("step", np.result_type(gradient, cache)))


def adagrad(opt, value, gradient, state):
    work = _work(opt, value)
    cache = _moment(state, "cache", value, value.dtype)
    cache += np.square(gradient, out=work("squared", gradient.dtype))
    _cache_step(opt, value, gradient, cache, work)


def rmsprop(opt, value, gradient, state):
    work = _work(opt, value)
    cache = _moment(state, "cache", value, np.result_type(value, gradient))
    squared = np.square(gradient, out=work("squared", gradient.dtype))
    squared *= 1 - opt.rho
    cache *= opt.rho
    cache += squared
    _cache_step(opt, value, gradient, cache, work)


def adam(opt, value, gradient, state):
    work = _work(opt, value)
    dtype = np.result_type(value, gradient)
    m = _moment(state, "m", value, dtype)
    v = _moment(state, "v", value, dtype)
    t = opt.iterations + 1
    m *= opt.beta_1
    m += np.multiply(gradient, 1 - opt.beta_1, out=work("scaled_grad", gradient.dtype))
    m_hat = np.divide(m, 1 - opt.beta_1 ** t, out=work("m_hat", dtype))
    v *= opt.beta_2
    squared = np.square(gradient, out=work("scaled_grad", gradient.dtype))
    squared *= 1 - opt.beta_2
    v += squared
    denominator = np.divide(v, 1 - opt.beta_2 ** t, out=work("denominator", dtype))
    np.sqrt(denominator, out=denominator)
    denominator += opt.epsilon
    m_hat *= -opt.current_learning_rate
    m_hat /= denominator
    value += m_hat
