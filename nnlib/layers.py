"""Layers with parameters, and the contract every layer of nnlib follows.

The contract (chapter 2 for ``forward``, chapter 5 for ``backward``):

- ``forward(inputs, *, training=False)`` returns the outputs and remembers what ``backward``
  needs; the outputs are also kept in ``self.output`` (the book's habit).
- ``backward(doutputs)`` takes the gradient of the loss w.r.t. the outputs and returns the
  gradient w.r.t. the inputs. Parameter gradients are stored next to their parameters
  (``weights`` / ``dweights``), assigned, never accumulated; ``doutputs`` is never changed.
- ``parameters()`` lists ``(value, gradient)`` pairs, in a fixed order, for the optimizers,
  with ``parameter_names`` naming them; ``penalty()`` is the layer's regularisation loss.
"""
import numpy as np

from nnlib._validation import check_gradient_shape, check_number, check_whole, random_source
from nnlib.initializers import small_normal


class Layer:
    """Base class: a layer without parameters, penalty 0, a ``repr`` of its class name, and the
    checks every ``backward`` starts with. A subclass needs only ``forward`` and ``backward``.
    """

    parameter_names = ()
    inputs = None       # what the last forward was given, (n, k)
    output = None       # what the last forward returned

    def __repr__(self):
        return f"{type(self).__name__}()"

    def parameters(self):
        """``(value, gradient)`` pairs, gradient ``None`` before the first backward."""
        return []

    def penalty(self):
        """Regularisation loss of this layer (0 for layers without parameters)."""
        return 0.0

    def _require_forward(self, attribute, doutputs=None):
        """Raise unless a forward pass has set ``attribute``; then, with ``doutputs`` given,
        unless it has the shape of that attribute (the last forward's inputs or outputs)."""
        kept = getattr(self, attribute, None)
        if kept is None:
            raise RuntimeError(
                f"{self!r}: backward() was called before forward(); run a forward pass first "
                "so the layer knows its inputs."
            )
        if doutputs is not None:
            check_gradient_shape(doutputs, np.shape(kept), who=repr(self))


class Dense(Layer):
    """Fully connected layer: ``outputs = inputs @ weights + biases``.

    Shapes: inputs (n, n_inputs) -> outputs (n, n_neurons); weights (n_inputs, n_neurons),
    biases (1, n_neurons). ``init`` draws the weights (default ``0.01 * randn``, the book's);
    biases start at zero. Optional L1/L2 coefficients add a penalty (chapter 5).
    Introduced in chapter 2.
    """

    parameter_names = ("weights", "biases")

    def __init__(self, n_inputs, n_neurons, *, init=small_normal, rng=None,
                 weight_l1=0.0, weight_l2=0.0, bias_l1=0.0, bias_l2=0.0):
        n_inputs = check_whole(n_inputs, who="Dense", name="n_inputs")
        n_neurons = check_whole(n_neurons, who="Dense", name="n_neurons")
        for name, value in (("weight_l1", weight_l1), ("weight_l2", weight_l2),
                            ("bias_l1", bias_l1), ("bias_l2", bias_l2)):
            check_number(value, who="Dense", name=name)
        self.weights = init((n_inputs, n_neurons), rng=rng)     # (n_inputs, n_neurons)
        self.biases = np.zeros((1, n_neurons))                  # (1, n_neurons)
        if self.biases.dtype != self.weights.dtype:
            self.biases = self.biases.astype(self.weights.dtype)
        self.weight_l1, self.weight_l2 = weight_l1, weight_l2
        self.bias_l1, self.bias_l2 = bias_l1, bias_l2
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
        """Store ``dweights = inputs.T @ doutputs`` and ``dbiases = sum(doutputs)`` (plus the
        penalties' gradients); return ``dinputs = doutputs @ weights.T``.
        Shapes: doutputs (n, n_neurons) -> dinputs (n, n_inputs)."""
        self._backward_parameters(doutputs)
        return np.dot(doutputs, self.weights.T)                        # (n, n_inputs)

    def _backward_parameters(self, doutputs):
        """The parameter half of ``backward``: all a model's first layer needs in training,
        where its inputs are data (``Sequential.backward`` then calls only this)."""
        from nnlib.regularizers import penalty_gradient     # chapter 5, with backward

        self._require_forward("output", doutputs)
        self.dweights = np.dot(self.inputs.T, doutputs)                # (n_inputs, n_neurons)
        self.dbiases = np.sum(doutputs, axis=0, keepdims=True)         # (1, n_neurons)
        if self.weight_l1 or self.weight_l2:
            self.dweights += penalty_gradient(self.weights, self.weight_l1, self.weight_l2)
        if self.bias_l1 or self.bias_l2:
            self.dbiases += penalty_gradient(self.biases, self.bias_l1, self.bias_l2)

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
        check_number(rate, who="Dropout", name="rate (the fraction dropped)", high=1.0)
        self.rate = rate
        random_source(rng, who="Dropout", draws="binomial")    # a wrong rng fails here, not later
        self.rng = rng
        self.mask = None

    def __repr__(self):
        return f"Dropout({self.rate})"

    def forward(self, inputs, *, training=False):
        if not training or self.rate == 0:
            self.mask = np.ones_like(inputs)
        else:
            keep = 1 - self.rate
            generator = random_source(self.rng, who="Dropout", draws="binomial")
            self.mask = generator.binomial(1, keep, size=np.shape(inputs)) / keep
        self.output = inputs * self.mask
        return self.output

    def backward(self, doutputs):
        self._require_forward("mask", doutputs)
        return doutputs * self.mask
