"""A small training loop: forward, loss, backward, optimizer step, and a history of it all.

One epoch is one pass over the training data, as one batch (``batch_size=None``, the book's
spiral runs) or in mini-batches. What happens in each step is exactly what the chapters write
out by hand::

    outputs = model.forward(X_batch, training=True)
    data_loss = loss.calculate(outputs, y_batch)
    model.backward(loss.backward(loss.predictions, y_batch))
    optimizer.step(model)

``loss.predictions`` are the predictions the loss judged (the probabilities for
``SoftmaxCrossentropy``, the model's outputs for every other loss); the metric judges them too.

The library never prints: ``train`` returns a history whose lists hold every number a progress
line needs (``epoch: ..., acc: ..., loss: ...``), and the notebook prints what it wants from it.
Introduced in chapter 5.
"""
import math

import numpy as np

from nnlib._validation import (
    all_finite,
    check_finite,
    check_not_empty,
    check_number,
    check_samples_match,
    check_whole,
)
from nnlib.batches import minibatches
from nnlib.metrics import accuracy
from nnlib.model import Sequential
from nnlib.progress import progress

def evaluate(model, loss, X, y, *, metric=accuracy):
    """Loss and metric of ``model`` on ``(X, y)`` in inference mode (dropout off).

    Shapes: X (n, n_features), y as the loss expects. Returns ``(loss, metric)`` as floats; the
    loss includes no regularisation penalty (it measures the fit only). Introduced in chapter 5.
    """
    outputs = model.forward(X, training=False)
    data_loss = loss.calculate(outputs, y)
    return float(data_loss), float(metric(loss.predictions, y))


def train(model, loss, optimizer, X, y, *, epochs, batch_size=None, shuffle=True, rng=None,
          validation=None, metric=accuracy, desc="train", divergence_factor=10.0):
    """Train ``model`` for ``epochs`` passes over ``(X, y)``; return the history.

    Parameters
    ----------
    model : a ``Sequential`` (anything with ``forward``, ``backward``, ``penalty``,
        ``parameters``).
    loss : a loss object (``calculate``, ``predictions``, ``backward``; see nnlib.losses).
    optimizer : anything with ``step(model)``; its ``current_learning_rate``, if it has one, is
        recorded.
    epochs : number of passes over the training data.
    batch_size : None for one batch of all samples per epoch (one step per epoch), else the
        mini-batch size (the last batch of an epoch may be smaller).
    shuffle, rng : mini-batches come in a fresh random order each epoch, drawn from ``rng``
        (default: NumPy's global ``np.random``, which ``nnfs.init()`` seeds).
    validation : optional ``(X_val, y_val)``, evaluated after every epoch in inference mode.
    metric : ``metric(predictions, y) -> float``, default ``accuracy``.
    divergence_factor : stop with ``FloatingPointError`` when an epoch's data loss exceeds the
        first epoch's this many times: training made the model far worse than it started, so it
        diverged. (Cross-entropy's clipping caps the loss, so a diverging run need not reach
        NaN.) ``None`` switches the check off; a NaN or infinite loss always stops.

    Returns
    -------
    dict of lists, one entry per epoch: ``loss`` (data + regularisation), ``data_loss``,
    ``regularization_loss``, ``accuracy`` (the metric), ``learning_rate`` (the optimizer's rate
    at the start of the epoch, the value the book prints) and, with ``validation``,
    ``val_loss`` and ``val_accuracy``; ``step_loss`` holds the data loss of every step. Epoch
    values are measured during the epoch's forward passes (before each step's update) and
    averaged over its batches, weighted by batch size.

    Shapes: X (n, n_features), y (n,) labels or (n, k) targets. Introduced in chapter 5.
    """
    epochs = check_whole(epochs, who="train", name="epochs")
    if divergence_factor is not None:
        check_number(divergence_factor, who="train", name="divergence_factor", low=1.0)
    batch_size = check_whole(batch_size, who="train", name="batch_size", allow_none=True)
    check_samples_match(X, y, who="train", name_a="X", name_b="y")
    check_not_empty(X, who="train", name="X")
    if not hasattr(optimizer, "step"):
        raise TypeError(
            f"train: optimizer must have a step(model) method, got {type(optimizer).__name__}."
        )
    names = ["loss", "data_loss", "regularization_loss", "accuracy", "learning_rate"]
    if validation is not None:
        names += ["val_loss", "val_accuracy"]
    history = {name: [] for name in names}
    history["step_loss"] = []

    for _ in progress(range(epochs), desc=desc, unit="epoch"):
        learning_rate = getattr(optimizer, "current_learning_rate", None)
        if batch_size is None:
            batches = [(X, y)]
        else:
            batches = minibatches(X, y, batch_size, shuffle=shuffle, rng=rng)
        sizes, measured = [], []                 # per batch: size, (data loss, penalty, metric)
        for X_batch, y_batch in batches:
            outputs = model.forward(X_batch, training=True)
            if not all_finite(outputs):
                _explain_non_finite("the model's outputs", X, epoch=len(history["loss"]) + 1)
            data_loss = loss.calculate(outputs, y_batch)
            if not math.isfinite(data_loss):
                _explain_non_finite(f"the loss ({data_loss})", X, epoch=len(history["loss"]) + 1)
            penalty = model.penalty()
            score = metric(loss.predictions, y_batch)
            dlogits = loss.backward(loss.predictions, y_batch)
            if isinstance(model, Sequential):
                model.backward(dlogits, input_gradient=False)   # X is data: no gradient needed
            else:
                model.backward(dlogits)
            optimizer.step(model)
            sizes.append(len(X_batch))
            measured.append((float(data_loss), float(penalty), float(score)))
            history["step_loss"].append(float(data_loss))
        if len(measured) == 1:
            data_loss, penalty, score = measured[0]
        else:
            data_loss, penalty, score = np.average(measured, axis=0, weights=sizes).tolist()
        epoch = len(history["loss"]) + 1
        if (divergence_factor is not None and history["data_loss"]
                and data_loss > divergence_factor * history["data_loss"][0]):
            raise FloatingPointError(
                f"train: the loss rose from {history['data_loss'][0]:.4g} in epoch 1 to "
                f"{data_loss:.4g} in epoch {epoch}, more than {divergence_factor:g} times; expected "
                "it to fall: the training diverged (the learning rate is probably too high)."
            )
        history["loss"].append(float(data_loss + penalty))
        history["data_loss"].append(float(data_loss))
        history["regularization_loss"].append(float(penalty))
        history["accuracy"].append(float(score))
        history["learning_rate"].append(learning_rate)
        if validation is not None:
            val_loss, val_score = evaluate(model, loss, *validation, metric=metric)
            history["val_loss"].append(val_loss)
            history["val_accuracy"].append(val_score)
    return history


def _explain_non_finite(what, X, *, epoch):
    """Raise the right error when ``what`` became NaN or infinite: bad data if ``X`` holds any,
    else training that diverged."""
    if not all_finite(X):
        check_finite(np.asarray(X), who="train", name="X",
                     hint="the training data must be clean before training starts")
    raise FloatingPointError(
        f"train: {what} became NaN or infinite in epoch {epoch}; expected finite numbers "
        "(the learning rate is probably too high)."
    )
