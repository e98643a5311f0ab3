"""Layers with parameters, and the contract every layer of nnlib follows.

The contract (chapter 2 for ``forward``, chapter 5 for ``backward``):

- ``forward(inputs, *, training=False)`` returns the outputs and remembers what ``backward``
  needs; the outputs are also kept in ``self.output`` (the book's habit).
- ``backward(doutputs)`` takes the gradient of the loss w.r.t. the outputs and returns the
  gradient w.r.t. the inputs (None from a ``Dense`` built with ``input_gradient=False``, for
  a model's first layer). Parameter gradients are stored next to their parameters
  (``weights`` / ``dweights``), assigned, never accumulated; ``doutputs`` is never changed.
- ``parameters()`` lists ``(value, gradient)`` pairs, in a fixed order, for the optimizers,
  with ``parameter_names`` naming them; ``penalty()`` is the layer's regularisation loss.
"""
import numpy as np

from nnlib.initializers import small_normal


class Layer:
    """Base class: a layer without parameters, penalty 0, and the backward-before-forward check."""

    parameter_names = ()

    def parameters(self):
        """``(value, gradient)`` pairs, gradient ``None`` before the first backward."""
        return []

    def penalty(self):
        """Regularisation loss of this layer (0 for layers without parameters)."""
        return 0.0

    def _require_forward(self, attribute):
        if getattr(self, attribute, None) is None:
            raise RuntimeError(
                f"{self!r}: backward() was called before forward(); run a forward pass first "
                "so the layer knows its inputs."
            )


class Dense(Layer):
    """Fully connected layer: ``outputs = inputs @ weights + biases``.

    Shapes: inputs (n, n_inputs) -> outputs (n, n_neurons); weights (n_inputs, n_neurons),
    biases (1, n_neurons). ``init`` draws the weights (default ``0.01 * randn``, the book's);
    biases start at zero. Optional L1/L2 coefficients add a penalty (chapter 5).
    ``input_gradient=False`` is for a model's first layer: its inputs are the data, whose
    gradient training never uses, so ``backward`` skips that matrix product (a third of the
    layer's work, as autograd frameworks skip it for data) and returns None.
    Introduced in chapter 2.
    """

    parameter_names = ("weights", "biases")

    def __init__(self, n_inputs, n_neurons, *, init=small_normal, rng=None,
                 weight_l1=0.0, weight_l2=0.0, bias_l1=0.0, bias_l2=0.0, input_gradient=True):
        for name, value in (("n_inputs", n_inputs), ("n_neurons", n_neurons)):
            if int(value) != value or value < 1:
                raise ValueError(f"Dense: {name} must be a positive whole number, got {value!r}.")
        for name, value in (("weight_l1", weight_l1), ("weight_l2", weight_l2),
                            ("bias_l1", bias_l1), ("bias_l2", bias_l2)):
            if not value >= 0:
                raise ValueError(f"Dense: {name} must be >= 0, got {value!r}.")
        self.weights = init((n_inputs, n_neurons), rng=rng)     # (n_inputs, n_neurons)
        self.biases = np.zeros((1, n_neurons))                  # (1, n_neurons)
        if self.biases.dtype != self.weights.dtype:
            self.biases = self.biases.astype(self.weights.dtype)
        self.weight_l1, self.weight_l2 = weight_l1, weight_l2
        self.bias_l1, self.bias_l2 = bias_l1, bias_l2
        self.input_gradient = bool(input_gradient)
        self.inputs = self.output = None
        self.dweights = self.dbiases = None

    def __repr__(self):
        n_inputs, n_neurons = self.weights.shape
        return f"Dense({n_inputs}, {n_neurons})"

    def forward(self, inputs, *, training=False):
        inputs = np.asarray(inputs)
        n_inputs = self.weights.shape[0]
        if inputs.ndim != 2 or inputs.shape[1] != n_inputs:
            raise ValueError(
                f"{self!r}: inputs have shape {inputs.shape}; expected (n_samples, {n_inputs}), "
                f"one row of {n_inputs} features per sample."
            )
        self.inputs = inputs
        self.output = np.dot(inputs, self.weights) + self.biases      # (n, n_neurons)
        return self.output

    def backward(self, doutputs):
        from nnlib.regularizers import penalty_gradient     # chapter 5, with backward

        self._require_forward("inputs")
        self.dweights = np.dot(self.inputs.T, doutputs)                # (n_inputs, n_neurons)
        self.dbiases = np.sum(doutputs, axis=0, keepdims=True)         # (1, n_neurons)
        if self.weight_l1 or self.weight_l2:
            self.dweights += penalty_gradient(self.weights, self.weight_l1, self.weight_l2)
        if self.bias_l1 or self.bias_l2:
            self.dbiases += penalty_gradient(self.biases, self.bias_l1, self.bias_l2)
        if not self.input_gradient:
            return None
        return np.dot(doutputs, self.weights.T)                        # (n, n_inputs)

    def parameters(self):
        return [(self.weights, self.dweights), (self.biases, self.dbiases)]

    def penalty(self):
        from nnlib.regularizers import penalty              # chapter 5, with backward

        return (penalty(self.weights, self.weight_l1, self.weight_l2)
                + penalty(self.biases, self.bias_l1, self.bias_l2))


class Dropout(Layer):
    """Inverted dropout: in training, zero each input with probability ``rate`` and scale the
    rest by ``1 / (1 - rate)``; at inference, pass inputs through unchanged.

    Shapes: inputs (n, k) -> outputs (n, k). Introduced in chapter 5.
    """

    def __init__(self, rate, *, rng=None):
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate is the fraction dropped and must lie in [0, 1), got {rate!r}.")
        self.rate = rate
        self.rng = rng
        self.mask = self.output = None

    def __repr__(self):
        return f"Dropout({self.rate})"

    def forward(self, inputs, *, training=False):
        if not training or self.rate == 0:
            self.mask = np.ones_like(inputs)
        else:
            keep = 1 - self.rate
            generator = np.random if self.rng is None else self.rng
            self.mask = generator.binomial(1, keep, size=np.shape(inputs)) / keep
        self.output = inputs * self.mask
        return self.output

    def backward(self, doutputs):
        self._require_forward("mask")
        return doutputs * self.mask
