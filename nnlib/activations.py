"""Activation functions as layers without parameters: ReLU, Softmax, Sigmoid, Linear.

They follow the layer contract of ``nnlib.layers`` (``forward``/``backward``).
Introduced in chapter 2 (ReLU, Softmax forward); Sigmoid in chapter 4; backward passes and Linear
in chapter 5.
"""
import numpy as np

from nnlib.layers import Layer


class ReLU(Layer):
    """``max(0, x)`` element-wise. Shapes: (n, k) -> (n, k)."""

    def forward(self, inputs, *, training=False):
        self.inputs = inputs
        self.output = np.maximum(0, inputs)
        return self.output

    def backward(self, doutputs):
        """Pass the gradient where the input was positive, 0 where it was <= 0: the gradient
        times the 0/1 mask ``inputs > 0``."""
        self._require_forward("inputs", doutputs)
        return doutputs * (self.inputs > 0)


class Softmax(Layer):
    """Row-wise ``exp(x) / sum(exp(x))``, computed after subtracting each row's maximum so that
    large inputs (even +-1000) cannot overflow. Shapes: (n, k) -> (n, k), rows sum to 1."""

    def forward(self, inputs, *, training=False):
        if np.ndim(inputs) != 2:
            raise ValueError(
                f"Softmax: inputs have shape {np.shape(inputs)}; expected (n_samples, n_classes), "
                "one row of scores per sample (reshape a single sample with x.reshape(1, -1))."
            )
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)
        return self.output

    def backward(self, doutputs):
        """Each row's Jacobian ``diag(s) - s s^T`` applied to its gradient, without building it:
        ``s * (d - sum(d * s))``. Shapes: (n, k) -> (n, k)."""
        self._require_forward("output", doutputs)
        s = self.output
        return s * (doutputs - np.sum(doutputs * s, axis=1, keepdims=True))


class Sigmoid(Layer):
    """``1 / (1 + exp(-x))`` element-wise. Shapes: (n, k) -> (n, k)."""

    def forward(self, inputs, *, training=False):
        self.output = 1 / (1 + np.exp(-inputs))
        return self.output

    def backward(self, doutputs):
        """``doutputs * (1 - s) * s``."""
        self._require_forward("output", doutputs)
        return doutputs * (1 - self.output) * self.output


class Linear(Layer):
    """Identity ``y = x``, the output activation for regression. Shapes: (n, k) -> (n, k)."""

    def forward(self, inputs, *, training=False):
        self.output = inputs
        return self.output

    def backward(self, doutputs):
        self._require_forward("output", doutputs)
        return doutputs.copy()
