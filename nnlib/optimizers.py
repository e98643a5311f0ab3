"""Optimizers: how a gradient becomes a change of the parameters.

Every optimizer walks the ``(value, gradient)`` pairs of ``layer.parameters()`` and updates each
value in place; ``step`` then counts one more iteration. The arithmetic is the book's (Kinsley &
Kukiela, "Neural Networks from Scratch", chapter on optimizers), operation for operation, so a
seeded run under ``nnfs.init()`` prints the book's numbers:

- learning-rate decay: ``current_learning_rate = learning_rate * (1 / (1 + decay * iterations))``
  with ``iterations`` counted from 0;
- SGD: ``value += -lr * grad``; with momentum ``v = momentum * v - lr * grad; value += v``;
- AdaGrad: ``cache += grad**2; value += -lr * grad / (sqrt(cache) + eps)``;
- RMSprop: ``cache = rho * cache + (1 - rho) * grad**2``, then the AdaGrad update;
- Adam: first and second moments with bias correction.

The book splits a step into ``pre_update_params`` (decay), ``update_params(layer)`` and
``post_update_params`` (count the iteration); here one ``step(model)`` does all three. The
optimizer keeps its state (velocities, caches, moments) itself, keyed by the parameter array
and created the first time it sees it; nothing is attached to the layers.

Each update below reads as the book's formula, operation for operation and in the same order, so
the results are bit for bit the book's. Updating the moments and caches in place
(``m *= beta_1; m += (1 - beta_1) * grad``) is the same arithmetic as the book's
``m = beta_1 * m + (1 - beta_1) * grad`` without a new state array per step. For parameters of
thousands of elements, ``step`` runs the same operations from ``nnlib._fast_steps`` instead,
into arrays kept from step to step (bit for bit the same results, without the cost of a fresh
array per operation); reading this file is enough to know what a step computes.
Introduced in chapter 6.
"""
import numpy as np

from nnlib import _fast_steps
from nnlib._validation import NAN_HINT, all_finite, check_finite, check_number


def _parameter_pairs(layers_or_model, *, who):
    """The ``(value, gradient)`` pairs of a model, a layer, or a list of layers."""
    if hasattr(layers_or_model, "parameters"):
        return list(layers_or_model.parameters())
    try:
        layers = list(layers_or_model)
    except TypeError:
        raise TypeError(
            f"{who}.step: expected a model, a layer or a list of layers (objects with a "
            f"parameters() method), got {type(layers_or_model).__name__}."
        ) from None
    pairs = []
    for layer in layers:
        if not hasattr(layer, "parameters"):
            raise TypeError(
                f"{who}.step: every item must be a layer with a parameters() method, "
                f"got {type(layer).__name__}."
            )
        pairs.extend(layer.parameters())
    return pairs


class Optimizer:
    """Common part of the optimizers: learning-rate decay, the iteration count, per-parameter
    state and the checks. Subclasses implement ``_update(value, gradient, state)``.

    Shapes: each gradient has its parameter's shape. Introduced in chapter 6.
    """

    def __init__(self, learning_rate, *, decay=0.0):
        who = type(self).__name__
        self.learning_rate = check_number(learning_rate, who=who, name="learning_rate")
        self.decay = check_number(decay, who=who, name="decay")
        self.current_learning_rate = self.learning_rate
        self.iterations = 0
        self._states = {}   # id(value) -> (value, state dict); value kept so its id stays unique

    #: Attributes that ``repr`` shows; a subclass adds its own hyper-parameters.
    hyperparameters = ("learning_rate", "decay")

    def __repr__(self):
        settings = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.hyperparameters)
        return f"{type(self).__name__}({settings})"

    def step(self, layers_or_model):
        """Update every parameter of ``layers_or_model`` in place, then count the iteration.

        ``layers_or_model`` is anything with a ``parameters()`` method (a model, a layer) or a
        list of layers. The gradients are the ones the last ``backward()`` stored.
        """
        who = type(self).__name__
        pairs = _parameter_pairs(layers_or_model, who=who)
        for index, (value, gradient) in enumerate(pairs):
            if gradient is None:
                raise RuntimeError(
                    f"{who}.step: parameter {index} (shape {np.shape(value)}) has no gradient "
                    "yet; call backward() before step()."
                )
            if np.shape(gradient) != np.shape(value):
                raise ValueError(
                    f"{who}.step: parameter {index} has shape {np.shape(value)} but its gradient "
                    f"has shape {np.shape(gradient)}; expected the same shape."
                )
            if not isinstance(value, np.ndarray):
                raise TypeError(
                    f"{who}.step: parameter {index} is a {type(value).__name__}; expected a "
                    "NumPy array that can be updated in place."
                )

        if not all_finite(*(gradient for _, gradient in pairs)):
            for index, (value, gradient) in enumerate(pairs):
                check_finite(gradient, who=f"{who}.step",
                             name=f"the gradient of parameter {index} (shape {np.shape(value)})",
                             hint="no parameter was changed; " + NAN_HINT)
        if self.decay:
            self.current_learning_rate = self.learning_rate * (
                1. / (1. + self.decay * self.iterations))
        fast_update = type(self).__dict__.get("_fast_update")   # nnlib's own classes only
        for value, gradient in pairs:
            if fast_update is not None and value.size >= _fast_steps.MIN_SIZE:
                fast_update(self, value, gradient, self.state_of(value))   # same numbers, faster
            else:
                self._update(value, gradient, self.state_of(value))
        self.iterations += 1

    def state_of(self, value):
        """The optimizer's state for the parameter array ``value`` (a dict, empty at first)."""
        key = id(value)
        if key not in self._states:
            self._states[key] = (value, {})
        return self._states[key][1]

    def state_array(self, state, name, value, dtype):
        """``state[name]``, created as zeros of ``value``'s shape and ``dtype`` the first time."""
        if name not in state:
            state[name] = np.zeros(value.shape, dtype)
        return state[name]

    def _update(self, value, gradient, state):
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum or Nesterov momentum.

    Plain: ``value += -lr * grad``. Momentum: ``v = momentum * v - lr * grad; value += v``.
    Nesterov (``nesterov=True``): the same velocity, then ``value += momentum * v - lr * grad``.
    That is Nesterov's accelerated gradient as Sutskever, Martens, Dahl & Hinton (2013, "On the
    importance of initialization and momentum in deep learning", eq. 3-4) write it, with the
    gradient taken at the look-ahead point ``theta + momentum * v``; storing that look-ahead
    point as the parameter (Bengio, Boulanger-Lewandowski & Pascanu 2013, "Advances in
    optimizing recurrent networks", sec. 3.5) lets the gradient be the usual one at the
    parameter. Shapes: each gradient has its parameter's shape. Introduced in chapter 6.
    """

    hyperparameters = Optimizer.hyperparameters + ("momentum", "nesterov")

    def __init__(self, learning_rate=1.0, *, decay=0.0, momentum=0.0, nesterov=False):
        super().__init__(learning_rate, decay=decay)
        self.momentum = check_number(momentum, who="SGD", name="momentum", high=1.0)
        if nesterov and not self.momentum:
            raise ValueError("SGD: nesterov=True needs a momentum > 0, got momentum=0.")
        self.nesterov = bool(nesterov)

    _fast_update = _fast_steps.sgd      # the same update for large arrays, see there

    def _update(self, value, gradient, state):
        lr = self.current_learning_rate
        if not self.momentum:
            value += -lr * gradient
            return
        velocity = self.state_array(state, "velocity", value, np.result_type(value, gradient))
        velocity *= self.momentum                   # velocity = momentum * velocity - lr * grad
        velocity -= lr * gradient
        if self.nesterov:
            value += self.momentum * velocity - lr * gradient
        else:
            value += velocity


class AdaGrad(Optimizer):
    """Per-parameter learning rates from the running sum of squared gradients.

    ``cache += grad**2; value += -lr * grad / (sqrt(cache) + epsilon)``.
    Shapes: each gradient has its parameter's shape. Introduced in chapter 6.
    """

    hyperparameters = Optimizer.hyperparameters + ("epsilon",)

    def __init__(self, learning_rate=1.0, *, decay=0.0, epsilon=1e-7):
        super().__init__(learning_rate, decay=decay)
        self.epsilon = check_number(epsilon, who="AdaGrad", name="epsilon", low_open=True)

    _fast_update = _fast_steps.adagrad      # the same update for large arrays, see there

    def _update(self, value, gradient, state):
        cache = self.state_array(state, "cache", value, value.dtype)
        cache += gradient ** 2
        value += -self.current_learning_rate * gradient / (np.sqrt(cache) + self.epsilon)


class RMSprop(Optimizer):
    """AdaGrad with a leaky cache: ``cache = rho * cache + (1 - rho) * grad**2``.

    Update ``value += -lr * grad / (sqrt(cache) + epsilon)``.
    Shapes: each gradient has its parameter's shape. Introduced in chapter 6.
    """

    hyperparameters = Optimizer.hyperparameters + ("rho", "epsilon")

    def __init__(self, learning_rate=0.001, *, decay=0.0, rho=0.9, epsilon=1e-7):
        super().__init__(learning_rate, decay=decay)
        self.rho = check_number(rho, who="RMSprop", name="rho", high=1.0)
        self.epsilon = check_number(epsilon, who="RMSprop", name="epsilon", low_open=True)

    _fast_update = _fast_steps.rmsprop      # the same update for large arrays, see there

    def _update(self, value, gradient, state):
        cache = self.state_array(state, "cache", value, np.result_type(value, gradient))
        cache *= self.rho                           # cache = rho * cache + (1 - rho) * grad**2
        cache += (1 - self.rho) * gradient ** 2
        value += -self.current_learning_rate * gradient / (np.sqrt(cache) + self.epsilon)


class Adam(Optimizer):
    """Momentum (first moment) and RMSprop (second moment), both bias-corrected.

    With ``t = iterations + 1``: ``m = beta_1 * m + (1 - beta_1) * grad``,
    ``m_hat = m / (1 - beta_1**t)``, ``v = beta_2 * v + (1 - beta_2) * grad**2``,
    ``v_hat = v / (1 - beta_2**t)``, ``value += -lr * m_hat / (sqrt(v_hat) + epsilon)``
    (Kingma & Ba 2015, with epsilon 1e-7 as the book uses).
    Shapes: each gradient has its parameter's shape. Introduced in chapter 6.
    """

    hyperparameters = Optimizer.hyperparameters + ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, *, decay=0.0, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7):
        super().__init__(learning_rate, decay=decay)
        self.beta_1 = check_number(beta_1, who="Adam", name="beta_1", high=1.0)
        self.beta_2 = check_number(beta_2, who="Adam", name="beta_2", high=1.0)
        self.epsilon = check_number(epsilon, who="Adam", name="epsilon", low_open=True)

    _fast_update = _fast_steps.adam      # the same update for large arrays, see there

    def _update(self, value, gradient, state):
        dtype = np.result_type(value, gradient)     # the moments' dtype in the book's expressions
        m = self.state_array(state, "m", value, dtype)
        v = self.state_array(state, "v", value, dtype)
        t = self.iterations + 1
        m *= self.beta_1                            # m = beta_1 * m + (1 - beta_1) * grad
        m += (1 - self.beta_1) * gradient
        v *= self.beta_2                            # v = beta_2 * v + (1 - beta_2) * grad**2
        v += (1 - self.beta_2) * gradient ** 2
        m_hat = m / (1 - self.beta_1 ** t)
        v_hat = v / (1 - self.beta_2 ** t)
        value += -self.current_learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)
