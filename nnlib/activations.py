"""Activation functions as layers without parameters: ReLU, Softmax, Sigmoid, Linear.

They follow the layer contract of ``nnlib.layers`` (``forward``/``backward``).
Introduced in chapter 2 (ReLU, Softmax forward); Sigmoid in chapter 4; backward passes and Linear
in chapter 5.
"""
import numpy as np

from nnlib.layers import Layer


class ReLU(Layer):
    """``max(0, x)`` element-wise. Shapes: (n, k) -> (n, k)."""

    def __init__(self):
        self.inputs = self.output = None

    def __repr__(self):
        return "ReLU()"

    def forward(self, inputs, *, training=False):
        self.inputs = inputs
        self.output = np.maximum(0, inputs)
        return self.output

    def backward(self, doutputs):
        """Pass the gradient where the input was positive, 0 where it was <= 0.

        Multiplying by the 0/1 mask gives the same numbers as copying ``doutputs`` and setting
        the masked entries to 0, in one fast vectorised pass instead of a masked assignment that
        goes element by element (about seven times slower). Two harmless differences: a negative
        gradient that is masked becomes -0.0 rather than 0.0, and a NaN or infinite one becomes
        NaN, so a broken run shows it.
        """
        self._require_forward("inputs")
        return doutputs * (self.inputs > 0)


class Softmax(Layer):
    """Row-wise ``exp(x) / sum(exp(x))``, computed after subtracting each row's maximum so that
    large inputs (even +-1000) cannot overflow. Shapes: (n, k) -> (n, k), rows sum to 1."""

    def __init__(self):
        self.output = None

    def __repr__(self):
        return "Softmax()"

    def forward(self, inputs, *, training=False):
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)
        return self.output

    def backward(self, doutputs):
        """Each row's Jacobian ``diag(s) - s s^T`` applied to its gradient, without building it:
        ``s * (d - sum(d * s))``. Shapes: (n, k) -> (n, k)."""
        self._require_forward("output")
        s = self.output
        return s * (doutputs - np.sum(doutputs * s, axis=1, keepdims=True))


class Sigmoid(Layer):
    """``1 / (1 + exp(-x))`` element-wise. Shapes: (n, k) -> (n, k)."""

    def __init__(self):
        self.output = None

    def __repr__(self):
        return "Sigmoid()"

    def forward(self, inputs, *, training=False):
        self.output = 1 / (1 + np.exp(-inputs))
        return self.output

    def backward(self, doutputs):
        """``doutputs * (1 - s) * s``."""
        self._require_forward("output")
        return doutputs * (1 - self.output) * self.output


class Linear(Layer):
    """Identity ``y = x``, the output activation for regression. Shapes: (n, k) -> (n, k)."""

    def __init__(self):
        self.output = None

    def __repr__(self):
        return "Linear()"

    def forward(self, inputs, *, training=False):
        self.output = inputs
        return self.output

    def backward(self, doutputs):
        self._require_forward("output")
        return doutputs.copy()
