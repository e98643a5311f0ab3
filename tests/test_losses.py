"""nnlib.losses: every loss's values and gradients by hand, the contract they share, bad input."""
import numpy as np
import pytest

from nnlib.gradcheck import check_loss
from nnlib.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SoftmaxCrossentropy,
    cross_entropy_error,
    sum_squared_error,
)

TOLERANCE = 1e-7          # largest relative error allowed in a float64 gradient check

SAITO_Y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])


def one_hot(index, n=10):
    t = np.zeros(n)
    t[index] = 1
    return t


def test_saito_worked_examples():
    # Published: class 2 -> SSE 0.0975, CE 0.51; class 7 -> SSE 0.5975, CE 2.30.
    assert sum_squared_error(SAITO_Y, one_hot(2)) == pytest.approx(0.0975)
    assert sum_squared_error(SAITO_Y, one_hot(7)) == pytest.approx(0.5975)
    assert cross_entropy_error(SAITO_Y, one_hot(2)) == pytest.approx(-np.log(0.6 + 1e-7))
    assert round(cross_entropy_error(SAITO_Y, one_hot(2)), 2) == 0.51
    assert round(cross_entropy_error(SAITO_Y, one_hot(7)), 2) == 2.30


def test_cross_entropy_error_accepts_index_and_batch():
    assert cross_entropy_error(SAITO_Y, 2) == cross_entropy_error(SAITO_Y, one_hot(2))
    batch = np.stack([SAITO_Y, SAITO_Y])
    expected = (cross_entropy_error(SAITO_Y, 2) + cross_entropy_error(SAITO_Y, 7)) / 2
    assert cross_entropy_error(batch, np.array([2, 7])) == pytest.approx(expected)


def test_categorical_crossentropy_integer_and_one_hot_agree():
    y_pred = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
    labels = np.array([0, 1, 1])
    loss = CategoricalCrossentropy()
    expected = -np.log([0.7, 0.5, 0.9])
    np.testing.assert_allclose(loss.forward(y_pred, labels), expected)
    np.testing.assert_allclose(loss.forward(y_pred, np.eye(3)[labels]), expected)
    assert loss.calculate(y_pred, labels) == pytest.approx(expected.mean())


def test_clipping_keeps_loss_finite_at_zero_and_one():
    y_pred = np.array([[1.0, 0.0], [0.0, 1.0]])
    losses = CategoricalCrossentropy().forward(y_pred, np.array([1, 1]))
    assert losses[0] == pytest.approx(-np.log(1e-7))
    assert losses[1] == pytest.approx(-np.log(1 - 1e-7))


def test_float32_predictions_stay_float32():
    y_pred = np.array([[0.7, 0.3]], dtype=np.float32)
    assert CategoricalCrossentropy().calculate(y_pred, np.array([0])).dtype == np.float32


@pytest.mark.parametrize(
    "y_true, message",
    [
        (np.array([0, 1]), r"y_true has shape \(2,\) but y_pred has shape \(3, 3\)"),
        (np.array([0, 1, 3]), r"labels from 0 to 3 but y_pred has 3 classes"),
        (np.array([0, -1, 2]), r"labels from -1 to 2"),
        (np.array([0.0, 1.5, 2.0]), r"non-integer values"),
        (np.array(["a", "b", "c"]), r"dtype <U1"),
        (np.eye(4)[:3], r"y_true has shape \(3, 4\) but y_pred has shape \(3, 3\)"),
        (np.full((3, 3), 1 / 3), r"rows are not one-hot"),
        (np.zeros((3, 3, 1)), r"y_true has shape \(3, 3, 1\)"),
    ],
)
def test_bad_labels_are_explained(y_true, message):
    y_pred = np.full((3, 3), 1 / 3)
    with pytest.raises((ValueError, TypeError), match=message):
        CategoricalCrossentropy().calculate(y_pred, y_true)


def test_nan_predictions_are_reported_with_position():
    y_pred = np.full((3, 3), 1 / 3)
    y_pred[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"y_pred contains 1 NaN .* first at index \(1, 2\)"):
        CategoricalCrossentropy().calculate(y_pred, np.array([0, 1, 2]))


def test_raw_scores_are_rejected_as_probabilities():
    with pytest.raises(ValueError, match="expected probabilities in \\[0, 1\\]"):
        CategoricalCrossentropy().calculate(np.array([[2.0, -1.0]]), np.array([0]))


def test_wrong_shapes_for_saito_forms():
    with pytest.raises(ValueError, match="sum_squared_error: y has shape"):
        sum_squared_error(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="y_pred must be a 2-D array"):
        CategoricalCrossentropy().calculate(np.ones(3) / 3, np.array([0]))


# ---- MeanSquaredError (chapter 7) ------------------------------------------------------------

def test_mse_values_by_hand_average_over_outputs_then_samples():
    y_true = np.array([[0.0, 1.0], [2.0, 2.0]])
    y_pred = np.array([[1.0, 1.0], [0.0, 4.0]])
    loss = MeanSquaredError()
    np.testing.assert_allclose(loss.forward(y_pred, y_true), [0.5, 4.0])   # (1+0)/2, (4+4)/2
    assert loss.calculate(y_pred, y_true) == pytest.approx(2.25)


def test_mse_gradient_formula_by_hand():
    y_true = np.array([[0.0, 1.0], [2.0, 2.0]])
    y_pred = np.array([[1.0, 1.0], [0.0, 4.0]])
    # -2 (y - y_pred) / n_outputs / n_samples
    expected = np.array([[2.0, 0.0], [-4.0, 4.0]]) / 2 / 2
    np.testing.assert_allclose(MeanSquaredError().backward(y_pred, y_true), expected)


@pytest.mark.parametrize("shape", [(1, 1), (5, 1), (6, 3)])
def test_mse_gradient_check(shape):
    rng = np.random.default_rng(sum(shape))
    y_pred, y_true = rng.standard_normal(shape), rng.standard_normal(shape)
    assert check_loss(MeanSquaredError(), y_pred, y_true) < TOLERANCE


def test_mse_keeps_float32_and_rejects_1d_targets_with_a_hint():
    y_pred = np.zeros((3, 1), dtype=np.float32)
    y_true = np.ones((3, 1), dtype=np.float32)
    assert MeanSquaredError().backward(y_pred, y_true).dtype == np.float32
    with pytest.raises(ValueError, match=r"MeanSquaredError: y_true has shape \(3,\).*reshape"):
        MeanSquaredError().calculate(y_pred, np.ones(3))


# ---- MeanAbsoluteError (chapter 7) -----------------------------------------------------------

def test_mae_values_and_gradient_by_hand():
    y_true = np.array([[0.0, 1.0], [2.0, 2.0]])
    y_pred = np.array([[1.0, 1.0], [0.0, 4.0]])
    loss = MeanAbsoluteError()
    np.testing.assert_allclose(loss.forward(y_pred, y_true), [0.5, 2.0])
    assert loss.calculate(y_pred, y_true) == pytest.approx(1.25)
    # -sign(y - y_pred) / n_outputs / n_samples; sign(0) = 0 where the prediction is exact
    np.testing.assert_allclose(loss.backward(y_pred, y_true), [[0.25, 0.0], [-0.25, 0.25]])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mae_gradient_check_away_from_the_kink(seed):
    rng = np.random.default_rng(seed)
    y_true = rng.standard_normal((5, 2))
    offsets = rng.uniform(0.1, 1.0, (5, 2)) * rng.choice([-1.0, 1.0], (5, 2))
    assert check_loss(MeanAbsoluteError(), y_true + offsets, y_true) < TOLERANCE


def test_mse_punishes_a_large_error_more_than_mae():
    y_true = np.zeros((2, 1))
    small, large = np.array([[0.5], [0.0]]), np.array([[2.0], [0.0]])
    mse, mae = MeanSquaredError(), MeanAbsoluteError()
    assert mse.calculate(large, y_true) / mse.calculate(small, y_true) == pytest.approx(16)
    assert mae.calculate(large, y_true) / mae.calculate(small, y_true) == pytest.approx(4)


# --- One contract for every loss (chapter 5 on) ------------------------------------------------

def contract_cases():
    """(loss, y_pred as forward takes it, y_true) for every loss class."""
    rng = np.random.default_rng(11)
    logits = rng.standard_normal((6, 4))
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = rng.integers(0, 4, 6)
    sigmoid = 1 / (1 + np.exp(-logits))
    return [
        (CategoricalCrossentropy(), probabilities, labels),
        (SoftmaxCrossentropy(), logits, labels),
        (BinaryCrossentropy(), sigmoid, (rng.random((6, 4)) < 0.5).astype(float)),
        (MeanSquaredError(), logits, rng.standard_normal((6, 4))),
        (MeanAbsoluteError(), logits, logits + rng.choice([-1.0, 1.0], (6, 4))),
    ]


@pytest.mark.parametrize("loss, y_pred, y_true", contract_cases(), ids=lambda v: repr(v)[:24])
def test_backward_without_arguments_is_the_gradient_of_what_forward_was_given(loss, y_pred, y_true):
    # the numerical gradient of calculate(y_pred, y_true) w.r.t. forward's own input
    assert check_loss(loss, y_pred, y_true) < TOLERANCE


@pytest.mark.parametrize("loss, y_pred, y_true", contract_cases(), ids=lambda v: repr(v)[:24])
def test_explicit_backward_takes_the_predictions_forward_kept(loss, y_pred, y_true):
    loss.forward(y_pred, y_true)
    kept = loss.backward()
    assert loss.predictions.shape == np.shape(y_pred)
    np.testing.assert_array_equal(loss.backward(loss.predictions, y_true), kept)


def test_the_combined_loss_keeps_its_probabilities_under_both_names():
    loss = SoftmaxCrossentropy()
    logits = np.array([[1.0, 2.0, 3.0]])
    loss.forward(logits, np.array([2]))
    assert loss.predictions is loss.output
    np.testing.assert_allclose(loss.output.sum(axis=1), 1.0)
    assert MeanSquaredError().forward(logits, logits) is not None


@pytest.mark.parametrize("loss", [CategoricalCrossentropy(), SoftmaxCrossentropy(),
                                  BinaryCrossentropy(), MeanSquaredError(), MeanAbsoluteError()],
                         ids=repr)
def test_backward_before_forward_says_so(loss):
    with pytest.raises(RuntimeError, match=rf"{type(loss).__name__}: backward\(\) was called "
                                           r"before forward\(\)"):
        loss.backward()


def test_backward_with_only_one_argument_says_what_is_missing():
    with pytest.raises(TypeError, match=r"MeanSquaredError.backward: got no y_true; expected "
                                        r"both y_pred and y_true, or neither"):
        MeanSquaredError().backward(np.zeros((2, 1)))


# --- bad input, all answered -------------------------------------------------------------------

ROWS_1_5 = np.array([[0.5, 0.5, 0.5], [0.2, 0.3, 0.5]])        # first row sums to 1.5
ROWS_0_03 = np.array([[0.2, 0.3, 0.5], [0.01, 0.01, 0.01]])    # second row sums to 0.03
LOGITS = np.array([[2.0, -1.0, 0.5], [0.1, 0.2, 0.3]])

BAD_INPUT = [
    (lambda: CategoricalCrossentropy().calculate(ROWS_1_5, np.array([0, 1])), ValueError,
     r"CategoricalCrossentropy: y_pred has 1 row\(s\) that do not sum to 1, the first is row 0 "
     r"with sum 1.5; expected each row to be a probability distribution"),
    (lambda: CategoricalCrossentropy().calculate(ROWS_0_03, np.array([0, 1])), ValueError,
     r"row 1 with sum 0.03"),
    (lambda: CategoricalCrossentropy().backward(ROWS_1_5, np.array([0, 1])), ValueError,
     r"CategoricalCrossentropy: y_pred has 1 row\(s\) that do not sum to 1"),
    (lambda: cross_entropy_error(np.array([0.5, 0.5, 0.5]), 0), ValueError,
     r"cross_entropy_error: y_pred has 1 row\(s\) that do not sum to 1, the first is row 0 with "
     r"sum 1.5"),
    (lambda: cross_entropy_error(ROWS_0_03, np.array([0, 1])), ValueError, r"with sum 0.03"),
    (lambda: SoftmaxCrossentropy().backward(np.full((2, 3), 0.1), np.array([0, 1])), ValueError,
     r"SoftmaxCrossentropy: y_pred has 2 row\(s\) that do not sum to 1"),
    (lambda: SoftmaxCrossentropy().backward(LOGITS, np.array([0, 1])), ValueError,
     r"did you pass raw scores instead of softmax outputs"),
    (lambda: SoftmaxCrossentropy().forward(np.array([[1.0, np.nan, 0.0]]), np.array([0])),
     ValueError, r"SoftmaxCrossentropy: logits contains 1 NaN or infinite value\(s\), first at "
                 r"index \(0, 1\)"),
    (lambda: SoftmaxCrossentropy().forward(np.array([1.0, 2.0]), np.array([0])), ValueError,
     r"SoftmaxCrossentropy: logits must be a 2-D array, got shape \(2,\)"),
    (lambda: SoftmaxCrossentropy().forward(np.array([["a", "b"]]), np.array([0])), TypeError,
     r"SoftmaxCrossentropy: logits must hold numbers, got dtype <U1"),
    (lambda: SoftmaxCrossentropy().forward(LOGITS, np.array([0, 3])), ValueError,
     r"labels from 0 to 3 but y_pred has 3 classes"),
    (lambda: BinaryCrossentropy().calculate(np.array([[0.5], [0.2]]), np.array([[2.0], [0.0]])),
     ValueError, r"BinaryCrossentropy: y_true holds values from 0 to 2; expected targets in "
                 r"\[0, 1\]"),
    (lambda: BinaryCrossentropy().calculate(np.array([[1.7], [0.2]]), np.array([[1.0], [0.0]])),
     ValueError, r"BinaryCrossentropy: y_pred holds values from 0.2 to 1.7; expected "
                 r"probabilities in \[0, 1\]"),
    (lambda: BinaryCrossentropy().calculate(np.array([[-0.3], [0.2]]), np.array([[1.0], [0.0]])),
     ValueError, r"y_pred holds values from -0.3 to 0.2"),
    (lambda: BinaryCrossentropy().backward(np.array([[1.7]]), np.array([[1.0]])), ValueError,
     r"BinaryCrossentropy: y_pred holds values from 1.7 to 1.7"),
    (lambda: MeanSquaredError().calculate(np.zeros((3, 1)), np.zeros(3)), ValueError,
     r"MeanSquaredError: y_true has shape \(3,\) but y_pred has shape \(3, 1\); expected targets "
     r"of shape \(3, 1\) \(reshape 1-D targets with y.reshape\(-1, 1\)\)"),
    (lambda: MeanSquaredError().calculate(np.zeros((3, 1)), np.array([[0.0], [np.inf], [0.0]])),
     ValueError, r"MeanSquaredError: y_true contains 1 NaN or infinite value\(s\), first at "
                 r"index \(1, 0\)"),
    (lambda: MeanAbsoluteError().calculate(np.zeros(3), np.zeros(3)), ValueError,
     r"MeanAbsoluteError: y_pred must be a 2-D array, got shape \(3,\)"),
    (lambda: MeanAbsoluteError().backward(np.zeros((3, 1)), np.zeros((2, 1))), ValueError,
     r"MeanAbsoluteError: y_pred has 3 samples but y_true has 2"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUT,
                         ids=[f"case{i}" for i in range(len(BAD_INPUT))])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_losses_reject_logits_where_probabilities_are_expected():
    logits = np.array([[2.0, -1.0, 0.5]])
    with pytest.raises(ValueError, match="did you pass raw scores instead of softmax outputs"):
        CategoricalCrossentropy().backward(logits, np.array([0]))
    with pytest.raises(ValueError, match="did you pass raw scores"):
        SoftmaxCrossentropy().backward(logits, np.array([0]))


def test_loss_backward_label_shape_mismatch():
    probabilities = np.full((2, 3), 1 / 3)
    with pytest.raises(ValueError, match=r"y_true has shape \(3,\) but y_pred has shape \(2, 3\)"):
        SoftmaxCrossentropy().backward(probabilities, np.array([0, 1, 2]))


def test_rows_of_a_gradient_check_are_close_enough_to_one():
    # the tolerance lets a numerical gradient nudge one probability by h, and no more than that
    from nnlib._validation import ROW_SUM_TOLERANCE

    y_pred = np.array([[0.2, 0.3, 0.5]])
    y_pred[0, 0] += ROW_SUM_TOLERANCE / 2
    CategoricalCrossentropy().calculate(y_pred, np.array([0]))
    y_pred[0, 0] += ROW_SUM_TOLERANCE
    with pytest.raises(ValueError, match="do not sum to 1"):
        CategoricalCrossentropy().calculate(y_pred, np.array([0]))
