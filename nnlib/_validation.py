"""Input checks shared by every part of nnlib.

Each check raises ``ValueError`` (or ``TypeError``) with a message that names who complains,
what was expected and what was got, so a student sees the mistake, not a silent wrong answer.
Introduced in chapter 1.
"""
import math
import numbers

import numpy as np

#: What a NaN in a computed array usually means; said where the NaN cannot come from the data.
NAN_HINT = ("a NaN usually means the learning rate is too high or an earlier step divided by "
            "zero")


def as_float_array(values, *, who, name, ndim=None):
    """Return ``values`` as a floating-point array, checking its rank and that it is finite.

    Shapes: any; with ``ndim`` given, exactly that many dimensions. Integer input is converted
    to float64; float32 input stays float32 (the book-faithful chapters rely on it).
    """
    array = np.asarray(values)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{who}: {name} must hold numbers, got dtype {array.dtype}.")
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(
            f"{who}: {name} must be a {ndim}-D array, got shape {array.shape} ({array.ndim}-D)."
        )
    check_finite(array, who=who, name=name)
    return array


def check_finite(array, *, who, name, hint=NAN_HINT):
    """Raise if ``array`` holds NaN or infinity, saying how many, where the first one is, and
    ``hint`` (what it usually means)."""
    finite = np.isfinite(array)
    if not finite.all():
        bad = np.argwhere(~finite)
        first = tuple(int(i) for i in bad[0])
        raise ValueError(
            f"{who}: {name} contains {len(bad)} NaN or infinite value(s), first at index {first}; "
            f"expected finite numbers ({hint})."
        )


def all_finite(*arrays):
    """True when none of ``arrays`` holds a NaN or an infinity.

    Fast for the usual answer: one dot product of each array with itself, which any NaN or
    infinity makes non-finite (so can squares beyond the dtype's range: then every element is
    checked). Shapes: any.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        for array in arrays:
            array = np.asarray(array)
            if array.dtype.kind != "f":
                if array.dtype.kind in "iub":
                    continue
                if not np.isfinite(array).all():
                    return False
                continue
            flat = array.reshape(-1)
            if not math.isfinite(flat @ flat) and not np.isfinite(array).all():
                return False
    return True


def check_number(value, *, who, name, low=0.0, high=None, low_open=False):
    """Raise unless ``value`` is a finite real number in the allowed range; return it as a float.

    The range is ``[low, high)`` (``(low, high)`` with ``low_open``); ``high=None`` means no
    upper bound.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{who}: {name} must be a number, got {value!r}.")
    number = float(value)
    too_low = number <= low if low_open else number < low
    too_high = high is not None and number >= high
    if not math.isfinite(number) or too_low or too_high:
        left = "(" if low_open else "["
        right = "inf)" if high is None else f"{high:g})"
        raise ValueError(
            f"{who}: {name} must be a finite number in {left}{low:g}, {right}, got {value!r}."
        )
    return number


def check_whole(value, *, who, name, minimum=1, allow_none=False):
    """Raise unless ``value`` is a whole number >= ``minimum`` (or None, with ``allow_none``);
    return it as an int (or None). A float such as 3.0 counts; 2.5, True and "3" do not."""
    if value is None and allow_none:
        return None
    whole = (not isinstance(value, bool) and isinstance(value, numbers.Real)
             and math.isfinite(value) and int(value) == value)
    if not whole or value < minimum:
        raise ValueError(f"{who}: {name} must be a whole number >= {minimum}, got {value!r}.")
    return int(value)


def check_gradient_shape(doutputs, shape, *, who):
    """Raise unless the incoming gradient ``doutputs`` has exactly the layer's output ``shape``.

    NumPy would broadcast a (1, k) gradient to (n, k) without a word; a backward pass must not.
    """
    got = np.shape(doutputs)
    if got != tuple(shape):
        raise ValueError(
            f"{who}: backward got a gradient of shape {got} but the last forward's outputs have "
            f"shape {tuple(shape)}; expected the gradient of the loss w.r.t. those outputs, of the "
            "same shape."
        )


def check_not_empty(array, *, who, name):
    """Raise if ``array`` has no samples (first dimension 0)."""
    if len(array) == 0:
        raise ValueError(f"{who}: {name} has 0 samples; expected at least one.")


def check_samples_match(a, b, *, who, name_a, name_b):
    """Raise unless ``a`` and ``b`` have the same number of samples (first dimension)."""
    if len(a) != len(b):
        raise ValueError(
            f"{who}: {name_a} has {len(a)} samples but {name_b} has {len(b)}; "
            "expected one row per sample in both."
        )


def class_indices(y_true, y_pred, *, who):
    """Return the true labels as integer class indices of shape (n,).

    Accepts class indices of shape (n,) (any integer dtype, values in ``[0, n_classes)``) or
    one-hot rows of shape (n, n_classes). ``y_pred`` has shape (n, n_classes) and only fixes n
    and n_classes. Introduced in chapter 1.
    """
    y_true = np.asarray(y_true)
    n, n_classes = y_pred.shape
    expected = (
        f"expected class indices of shape ({n},) or one-hot labels of shape ({n}, {n_classes})"
    )
    if y_true.ndim == 1:
        if y_true.shape[0] != n:
            raise ValueError(
                f"{who}: y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; "
                f"{expected}."
            )
        if y_true.dtype.kind == "f":
            if not np.all(np.isfinite(y_true)) or np.any(y_true != np.round(y_true)):
                raise ValueError(
                    f"{who}: y_true holds non-integer values (dtype {y_true.dtype}); "
                    f"{expected} with whole numbers."
                )
            y_true = y_true.astype(np.int64)
        elif y_true.dtype.kind not in "iu":
            raise TypeError(f"{who}: y_true has dtype {y_true.dtype}; {expected}.")
        if n and (y_true.min() < 0 or y_true.max() >= n_classes):
            raise ValueError(
                f"{who}: y_true holds labels from {y_true.min()} to {y_true.max()} but y_pred "
                f"has {n_classes} classes; expected labels in 0..{n_classes - 1}."
            )
        return y_true
    if y_true.ndim == 2:
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"{who}: y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; "
                f"{expected}."
            )
        is_binary = np.isin(y_true, (0, 1)).all()
        if not is_binary or np.any(y_true.sum(axis=1) != 1):
            raise ValueError(
                f"{who}: y_true has shape {y_true.shape} but its rows are not one-hot "
                f"(each row must hold a single 1 and zeros elsewhere); {expected}."
            )
        return np.argmax(y_true, axis=1)
    raise ValueError(f"{who}: y_true has shape {y_true.shape}; {expected}.")


#: How far a row of probabilities may sum from 1: room for float32 rounding and for the small
#: nudges of a numerical gradient check, far below any real mistake (rows summing to 1.5, 0.03).
ROW_SUM_TOLERANCE = 1e-3


def check_probabilities(y_pred, *, who, rows_sum_to_one=False):
    """Raise unless ``y_pred`` is a finite 2-D array of values in [0, 1]; return it as floats.

    With ``rows_sum_to_one`` each row must also sum to 1 (within ``ROW_SUM_TOLERANCE``), as a
    softmax output does. Shapes: y_pred (n, n_classes).
    """
    y_pred = as_float_array(y_pred, who=who, name="y_pred", ndim=2)
    if y_pred.size and (y_pred.min() < 0 or y_pred.max() > 1):
        raise ValueError(
            f"{who}: y_pred holds values from {y_pred.min():.4g} to {y_pred.max():.4g}; "
            "expected probabilities in [0, 1] (did you pass raw scores instead of softmax outputs?)."
        )
    if rows_sum_to_one and y_pred.size:
        sums = y_pred.sum(axis=1)                                  # (n,)
        bad = np.flatnonzero(np.abs(sums - 1) > ROW_SUM_TOLERANCE)
        if bad.size:
            raise ValueError(
                f"{who}: y_pred has {bad.size} row(s) that do not sum to 1, the first is row "
                f"{bad[0]} with sum {sums[bad[0]]:.4g}; expected each row to be a probability "
                "distribution over the classes (a softmax output)."
            )
    return y_pred


def check_positive(value, *, who, name, allow_zero=False):
    """Raise unless ``value`` is a positive (or, with ``allow_zero``, non-negative) finite number."""
    ok = np.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{who}: {name} must be a finite number {bound}, got {value!r}.")
    return value


def random_source(rng, *, who, draws):
    """Where random numbers come from: ``rng`` (a NumPy ``Generator`` such as
    ``np.random.default_rng(0)``, or anything else with the method ``draws`` names), or NumPy's
    global ``np.random`` when it is None, the stream ``nnfs.init()`` seeds and the books draw
    from."""
    if rng is None:
        return np.random
    if not callable(getattr(rng, draws, None)):
        raise TypeError(f"{who}: rng must be a NumPy Generator such as np.random.default_rng(0) "
                        f"(it draws with rng.{draws}), or None for NumPy's global generator; "
                        f"got {type(rng).__name__}, which has no {draws}().")
    return rng
