"""A stack of layers run in order, with a way to snapshot and restore its parameters.

Introduced in chapter 2 (``forward``), used by hill climbing in chapter 3 (``snapshot`` /
``restore``); ``backward`` from chapter 5.
"""
import numpy as np

from nnlib.layers import Dense


class Sequential:
    """Layers applied one after the other.

    Shapes: inputs (n, n_features) -> outputs of the last layer, e.g. (n, n_classes).
    """

    def __init__(self, layers):
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("Sequential: expected at least one layer, got none.")
        for index, layer in enumerate(self.layers):
            if isinstance(layer, type) or not (callable(getattr(layer, "forward", None))
                    and callable(getattr(layer, "backward", None))):
                raise TypeError(
                    f"Sequential: layer {index} is {layer!r} (a {type(layer).__name__}); expected "
                    "a layer object with forward() and backward(), e.g. ReLU() rather than ReLU."
                )

    def __repr__(self):
        return "Sequential([" + ", ".join(repr(layer) for layer in self.layers) + "])"

    def forward(self, inputs, *, training=False):
        outputs = inputs
        for layer in self.layers:
            outputs = layer.forward(outputs, training=training)
        return outputs

    def backward(self, doutputs, *, input_gradient=True):
        """Propagate the gradient of the loss w.r.t. the outputs back through every layer;
        return the gradient w.r.t. the model's inputs.

        ``input_gradient=False`` (what ``train`` passes: the inputs are data, whose gradient
        nothing uses) returns None instead, and a first layer that is a ``Dense`` then skips
        the product that would compute it (a third of its work; autograd frameworks skip it
        for data too). Every parameter gradient is the same either way.
        """
        for layer in reversed(self.layers[1:]):
            doutputs = layer.backward(doutputs)
        first = self.layers[0]
        if input_gradient:
            return first.backward(doutputs)
        if type(first).backward is Dense.backward:          # not a subclass with its own
            first._backward_parameters(doutputs)
        else:
            first.backward(doutputs)
        return None

    def parameters(self):
        """Every layer's ``(value, gradient)`` pairs, first layer first."""
        return [pair for layer in self.layers for pair in layer.parameters()]

    def penalty(self):
        """Sum of the layers' regularisation losses."""
        return sum(layer.penalty() for layer in self.layers)

    def snapshot(self):
        """Copies of every parameter array, in ``parameters()`` order."""
        return [value.copy() for value, _ in self.parameters()]

    def restore(self, snapshot):
        """Write a ``snapshot()`` back into the parameters, in place (shapes must match)."""
        values = [value for value, _ in self.parameters()]
        if len(snapshot) != len(values):
            raise ValueError(
                f"Sequential.restore: the snapshot holds {len(snapshot)} arrays but the model has "
                f"{len(values)} parameters; expected a snapshot taken from this model."
            )
        for index, (value, saved) in enumerate(zip(values, snapshot)):
            if np.shape(saved) != value.shape:
                raise ValueError(
                    f"Sequential.restore: parameter {index} has shape {value.shape} but the "
                    f"snapshot's array has shape {np.shape(saved)}."
                )
            np.copyto(value, saved)
