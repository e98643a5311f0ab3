"""nnlib.regularizers: the L1/L2 penalty, its gradient and a model's regularisation loss.

The penalty gradient's check against central differences is in test_gradcheck.py."""
import numpy as np
import pytest

from nnlib.activations import ReLU
from nnlib.layers import Dense
from nnlib.regularizers import penalty, penalty_gradient, regularization_loss


def test_penalty_values_by_hand():
    values = np.array([[1.0, -2.0], [0.0, 3.0]])
    assert penalty(values, l1=0.5) == 0.5 * 6
    assert penalty(values, l2=0.1) == pytest.approx(0.1 * 14)
    np.testing.assert_allclose(penalty_gradient(values, l1=0.5, l2=0.1),
                               [[0.5 + 0.2, -0.5 - 0.4], [0.5, 0.5 + 0.6]])
    layers = [Dense(2, 2, weight_l2=0.1), ReLU(), Dense(2, 2, bias_l1=1.0)]
    layers[0].weights[...] = values
    layers[2].biases[...] = [[1.0, -1.0]]
    assert regularization_loss(layers) == pytest.approx(0.1 * 14 + 2.0)
