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

Each update is written as the book's expression (in a comment) followed by the same operations,
in the same order, done in place with ``out=`` into arrays kept from step to step: the results
are bit for bit the book's, but a step allocates nothing (a fresh array per operation made Adam
a third of an MNIST epoch). Every intermediate array has the dtype the book's expression gives
it (``lr * grad`` stays float32 for a float32 gradient even when the parameter is float64), so
runs that mix float32 and float64 match the book too.
Introduced in chapter 6.
"""
import numpy as np

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
        self._work = {}     # (name, shape, dtype) -> array reused by every update of that shape

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
            if not all_finite(gradient):
                check_finite(gradient, who=f"{who}.step",
                             name=f"the gradient of parameter {index} (shape {np.shape(value)})",
                             hint="no parameter was changed; " + NAN_HINT)
        if self.decay:
            self.current_learning_rate = self.learning_rate * (
                1. / (1. + self.decay * self.iterations))
        for value, gradient in pairs:
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

    def work_array(self, name, value, dtype):
        """An array to hold the intermediate result ``name`` of an update, so that none is
        allocated: ``value``'s shape, ``dtype`` the one the book's expression gives it.

        Parameters are updated one after the other, so all those of one shape share it; its
        contents mean nothing between updates.
        """
        key = (name, value.shape, dtype)
        if key not in self._work:
            self._work[key] = np.empty(value.shape, dtype)
        return self._work[key]

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

    def _update(self, value, gradient, state):
        lr = self.current_learning_rate
        if not self.momentum:
            # value += -lr * grad
            value += np.multiply(gradient, -lr, out=self.work_array("step", value, gradient.dtype))
            return
        velocity = self.state_array(state, "velocity", value, np.result_type(value, gradient))
        # velocity = momentum * velocity - lr * grad
        lr_gradient = np.multiply(gradient, lr,
                                  out=self.work_array("lr_grad", value, gradient.dtype))
        velocity *= self.momentum
        velocity -= lr_gradient
        if self.nesterov:
            # value += momentum * velocity - lr * grad
            step = np.multiply(velocity, self.momentum,
                               out=self.work_array("step", value, velocity.dtype))
            step -= lr_gradient
            value += step
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

    def _update(self, value, gradient, state):
        cache = self.state_array(state, "cache", value, value.dtype)
        # cache += grad**2
        cache += np.square(gradient, out=self.work_array("squared", value, gradient.dtype))
        _adaptive_step(self, value, gradient, cache)


def _adaptive_step(optimizer, value, gradient, cache):
    """AdaGrad's and RMSprop's ``value += -lr * grad / (sqrt(cache) + epsilon)``, in place."""
    denominator = np.sqrt(cache, out=optimizer.work_array("denominator", value, cache.dtype))
    denominator += optimizer.epsilon
    lr_gradient = np.multiply(gradient, -optimizer.current_learning_rate,
                              out=optimizer.work_array("lr_grad", value, gradient.dtype))
    step = optimizer.work_array("step", value, np.result_type(gradient, cache))
    value += np.divide(lr_gradient, denominator, out=step)


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

    def _update(self, value, gradient, state):
        cache = self.state_array(state, "cache", value, np.result_type(value, gradient))
        # cache = rho * cache + (1 - rho) * grad**2
        squared = np.square(gradient, out=self.work_array("squared", value, gradient.dtype))
        squared *= 1 - self.rho
        cache *= self.rho
        cache += squared
        _adaptive_step(self, value, gradient, cache)


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

    def _update(self, value, gradient, state):
        dtype = np.result_type(value, gradient)     # the moments' dtype in the book's expressions
        m = self.state_array(state, "m", value, dtype)
        v = self.state_array(state, "v", value, dtype)
        scaled = self.work_array("scaled_grad", value, gradient.dtype)
        t = self.iterations + 1
        # m = beta_1 * m + (1 - beta_1) * grad
        m *= self.beta_1
        m += np.multiply(gradient, 1 - self.beta_1, out=scaled)
        # m_hat = m / (1 - beta_1**t)
        m_hat = np.divide(m, 1 - self.beta_1 ** t, out=self.work_array("m_hat", value, dtype))
        # v = beta_2 * v + (1 - beta_2) * grad**2
        v *= self.beta_2
        squared = np.square(gradient, out=scaled)
        squared *= 1 - self.beta_2
        v += squared
        # v_hat = v / (1 - beta_2**t), then the denominator sqrt(v_hat) + epsilon
        denominator = np.divide(v, 1 - self.beta_2 ** t,
                                out=self.work_array("denominator", value, dtype))
        np.sqrt(denominator, out=denominator)
        denominator += self.epsilon
        # value += -lr * m_hat / (sqrt(v_hat) + epsilon)
        m_hat *= -self.current_learning_rate
        m_hat /= denominator
        value += m_hat
