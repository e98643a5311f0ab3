"""nnlib.training: runs as the book computes them; train records them and stops bad ones."""
import numpy as np
import pytest

from nnlib.activations import Linear, ReLU
from nnlib.layers import Dense, Dropout
from nnlib.losses import Loss, MeanSquaredError, SoftmaxCrossentropy
from nnlib.metrics import regression_accuracy
from nnlib.model import Sequential
from nnlib.optimizers import SGD, Adam
from nnlib.training import evaluate, train


def blobs(seed=0, n=60):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    centres = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
    return centres[y] + 0.5 * rng.standard_normal((n, 2)), y


def make_model(seed=1, dropout=0.0, **regularisation):
    rng = np.random.default_rng(seed)
    layers = [Dense(2, 8, rng=rng, **regularisation), ReLU()]
    if dropout:
        layers.append(Dropout(dropout, rng=rng))
    return Sequential(layers + [Dense(8, 3, rng=rng)])


def test_full_batch_equals_the_loop_written_by_hand():
    X, y = blobs()
    model, twin = make_model(), make_model()
    history = train(model, SoftmaxCrossentropy(), Adam(0.05, decay=1e-3), X, y, epochs=30)

    loss, optimizer = SoftmaxCrossentropy(), Adam(0.05, decay=1e-3)
    losses, accuracies, rates = [], [], []
    for _ in range(30):
        outputs = twin.forward(X, training=True)
        losses.append(loss.calculate(outputs, y))
        accuracies.append(np.mean(np.argmax(loss.output, axis=1) == y))
        rates.append(optimizer.current_learning_rate)
        twin.backward(loss.backward(loss.output, y))
        optimizer.step(twin)

    assert history["data_loss"] == losses               # exactly, not approximately
    assert history["loss"] == losses                    # no regularisation here
    assert history["accuracy"] == accuracies
    assert history["learning_rate"] == rates
    assert history["step_loss"] == losses
    for (a, _), (b, _) in zip(model.parameters(), twin.parameters()):
        np.testing.assert_array_equal(a, b)


@pytest.fixture
def book_numpy():
    """nnfs.init() for one test, with NumPy's functions and random state restored afterwards."""
    nnfs = pytest.importorskip("nnfs")
    saved = [(np, "dot", np.dot), (np, "zeros", np.zeros), (np, "eye", np.eye),
             (np.random, "randn", np.random.randn)]
    state = np.random.get_state()
    nnfs.init()
    yield
    for module, name, function in saved:
        setattr(module, name, function)
    np.random.set_state(state)


def _book_style_run(X, y, epochs):
    """An independent re-implementation of the book's regression loop (Dense-ReLU-Dense-ReLU-
    Dense, MSE, Adam(0.005, decay=1e-3), book's operation order, state on the layer objects)."""

    class Layer:
        def __init__(self, n_in, n_out):
            self.w = 0.01 * np.random.randn(n_in, n_out)
            self.b = np.zeros((1, n_out))

    layers = [Layer(1, 64), Layer(64, 64), Layer(64, 1)]
    lr0, decay, b1, b2, eps = 0.005, 1e-3, 0.9, 0.999, 1e-7
    for layer in layers:
        layer.mw, layer.cw = np.zeros_like(layer.w), np.zeros_like(layer.w)
        layer.mb, layer.cb = np.zeros_like(layer.b), np.zeros_like(layer.b)
    for t in range(epochs):
        inputs, pre = [], []
        out = X
        for i, layer in enumerate(layers):
            inputs.append(out)
            out = np.dot(out, layer.w) + layer.b
            pre.append(out)
            if i < 2:
                out = np.maximum(0, out)
        d = -2 * (y - out) / 1
        d = d / len(out)
        lr = lr0 * (1. / (1. + decay * t))
        for i in (2, 1, 0):
            layer = layers[i]
            if i < 2:
                d = d.copy()
                d[pre[i] <= 0] = 0
            dw, db = np.dot(inputs[i].T, d), np.sum(d, axis=0, keepdims=True)
            d = np.dot(d, layer.w.T)
            layer.dw, layer.db = dw, db
        for layer in layers:
            for p, g, m, c in (("w", "dw", "mw", "cw"), ("b", "db", "mb", "cb")):
                setattr(layer, m, b1 * getattr(layer, m) + (1 - b1) * getattr(layer, g))
                m_hat = getattr(layer, m) / (1 - b1 ** (t + 1))
                setattr(layer, c, b2 * getattr(layer, c) + (1 - b2) * getattr(layer, g) ** 2)
                c_hat = getattr(layer, c) / (1 - b2 ** (t + 1))
                getattr(layer, p)[...] += -lr * m_hat / (np.sqrt(c_hat) + eps)
    return layers


def test_sine_run_with_nnlib_is_bit_identical_to_the_book_arithmetic(book_numpy):
    from nnfs.datasets import sine_data

    X, y = sine_data()
    np.random.seed(0)
    reference = _book_style_run(X, y, epochs=150)

    np.random.seed(0)
    model = Sequential([Dense(1, 64), ReLU(), Dense(64, 64), ReLU(), Dense(64, 1), Linear()])
    optimizer, loss = Adam(learning_rate=0.005, decay=1e-3), MeanSquaredError()
    for _ in range(150):
        predictions = model.forward(X, training=True)
        model.backward(loss.backward(predictions, y))
        optimizer.step(model)

    for ours, theirs in zip(model.layers[::2], reference):
        assert ours.weights.dtype == np.float32
        np.testing.assert_array_equal(ours.weights, theirs.w)
        np.testing.assert_array_equal(ours.biases, theirs.b)


def test_learning_happens_and_lists_have_one_entry_per_epoch():
    X, y = blobs()
    history = train(make_model(), SoftmaxCrossentropy(), SGD(0.5), X, y, epochs=40,
                    batch_size=16, rng=np.random.default_rng(2), validation=blobs(seed=9))
    for name in ("loss", "data_loss", "regularization_loss", "accuracy", "learning_rate",
                 "val_loss", "val_accuracy"):
        assert len(history[name]) == 40, name
    assert len(history["step_loss"]) == 40 * 4          # 60 samples in batches of 16
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] > 0.9 and history["val_accuracy"][-1] > 0.9


def test_minibatch_epoch_values_are_size_weighted_means():
    X, y = blobs(n=10)
    history = train(make_model(), SoftmaxCrossentropy(), SGD(0.0), X, y, epochs=1,
                    batch_size=4, shuffle=False)
    # learning rate 0: nothing changes, so the weighted mean of the batches is the full loss
    whole, _ = evaluate(make_model(), SoftmaxCrossentropy(), X, y)
    assert history["data_loss"][0] == pytest.approx(whole, rel=1e-12)
    assert len(history["step_loss"]) == 3


def test_regularisation_is_in_the_loss_and_recorded_apart():
    X, y = blobs()
    history = train(make_model(weight_l2=1e-2), SoftmaxCrossentropy(), SGD(0.5), X, y, epochs=5)
    for total, data, penalty in zip(history["loss"], history["data_loss"],
                                    history["regularization_loss"]):
        assert penalty > 0 and total == pytest.approx(data + penalty)


def test_dropout_is_on_in_training_and_off_in_evaluate():
    X, y = blobs()
    model = make_model(dropout=0.5)
    train(model, SoftmaxCrossentropy(), SGD(0.1), X, y, epochs=2)
    first = evaluate(model, SoftmaxCrossentropy(), X, y)
    assert evaluate(model, SoftmaxCrossentropy(), X, y) == first      # deterministic
    assert np.all(model.layers[2].mask == 1)


def test_regression_with_another_metric():
    rng = np.random.default_rng(3)
    X = rng.uniform(0, 1, (50, 1))
    y = 3 * X - 1
    model = Sequential([Dense(1, 1, rng=rng), Linear()])
    history = train(model, MeanSquaredError(), Adam(0.1), X, y, epochs=300,
                    metric=lambda p, t: regression_accuracy(p, t, precision=0.01))
    assert history["loss"][-1] < 1e-3
    assert history["accuracy"][-1] > 0.9


def test_train_works_with_a_loss_written_the_chapters_way():
    # train uses only the loss contract (calculate, predictions, backward): a loss written as
    # chapter 7 writes one, whose forward keeps nothing, trains as nnlib's own does.
    class HalfSquaredError(Loss):
        def forward(self, y_pred, y_true):
            return np.mean((y_true - y_pred) ** 2, axis=-1) / 2

        def backward(self, y_pred, y_true):
            return -(y_true - y_pred) / y_pred.shape[1] / len(y_pred)

    def run(loss):
        rng = np.random.default_rng(8)
        X = rng.standard_normal((40, 1))
        model = Sequential([Dense(1, 1, rng=rng), Linear()])
        history = train(model, loss, SGD(0.5), X, 2 * X + 1, epochs=20, metric=regression_accuracy)
        return history, model

    ours, _ = run(HalfSquaredError())
    theirs, _ = run(MeanSquaredError())
    # MSE's gradient is exactly twice ours, so SGD(0.5) on ours moves like SGD(0.25) on MSE:
    # the point is that it trains, its loss is half of what MSE reports at the same weights
    assert ours["loss"][-1] < ours["loss"][0] / 100
    assert ours["data_loss"][0] == pytest.approx(theirs["data_loss"][0] / 2)


@pytest.mark.parametrize("options, message", [
    ({"epochs": 0}, "epochs must be a whole number >= 1"),
    ({"epochs": 2.5}, "epochs must be a whole number >= 1"),
    ({"epochs": 1, "batch_size": 0}, "batch_size must be a whole number >= 1"),
])
def test_bad_options(options, message):
    X, y = blobs()
    with pytest.raises(ValueError, match=message):
        train(make_model(), SoftmaxCrossentropy(), SGD(0.1), X, y, **options)


def test_mismatched_data_and_missing_optimizer():
    X, y = blobs()
    with pytest.raises(ValueError, match="X has 60 samples but y has 59"):
        train(make_model(), SoftmaxCrossentropy(), SGD(0.1), X, y[:-1], epochs=1)
    with pytest.raises(TypeError, match=r"optimizer must have a step\(model\) method"):
        train(make_model(), SoftmaxCrossentropy(), 0.1, X, y, epochs=1)


def test_a_diverging_run_stops_with_a_clear_error():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((20, 1))
    model = Sequential([Dense(1, 1, rng=rng), Linear()])
    with pytest.raises((FloatingPointError, ValueError), match="learning rate"):
        with np.errstate(over="ignore", invalid="ignore"):
            train(model, MeanSquaredError(), SGD(1e6), X, 5 * X, epochs=50,
                      metric=regression_accuracy)


def test_a_run_whose_capped_loss_only_rises_is_stopped():
    # cross-entropy's clipping caps the loss near 16, so this run never reaches NaN
    X, y = blobs()
    with pytest.raises(FloatingPointError, match=r"train: the loss rose from 1.09\d+ in epoch 1 "
                                                 r"to \d+\.?\d* in epoch \d+, more than 10 times; "
                                                 r"expected it to fall: the training diverged"):
        train(make_model(), SoftmaxCrossentropy(), SGD(1e6), X, y, epochs=20)


def test_the_divergence_check_can_be_switched_off_and_is_not_fooled_by_a_good_run():
    X, y = blobs()
    history = train(make_model(), SoftmaxCrossentropy(), SGD(1e6), X, y, epochs=20,
                    divergence_factor=None)
    assert max(history["loss"]) > 10 * history["loss"][0]          # it did diverge
    good = train(make_model(), SoftmaxCrossentropy(), Adam(0.05), X, y, epochs=50)
    assert good["loss"][-1] < good["loss"][0]


BAD_INPUT = [
    (lambda X, y: (X[:0], y[:0]), {}, ValueError, r"train: X has 0 samples; expected at least one"),
    (lambda X, y: (np.where(np.arange(120).reshape(60, 2) == 14, np.nan, X), y), {}, ValueError,
     r"train: X contains 1 NaN or infinite value\(s\), first at index \(7, 0\); expected finite "
     r"numbers \(the training data must be clean before training starts\)"),
    (lambda X, y: (X, y), {"epochs": True}, ValueError, r"train: epochs must be a whole number >= 1, got True"),
    (lambda X, y: (X, y), {"epochs": -3}, ValueError, r"train: epochs must be a whole number >= 1"),
    (lambda X, y: (X, y), {"batch_size": 2.5}, ValueError,
     r"train: batch_size must be a whole number >= 1, got 2.5"),
    (lambda X, y: (X, y), {"divergence_factor": 0.5}, ValueError,
     r"train: divergence_factor must be a finite number in \[1, inf\), got 0.5"),
    (lambda X, y: (X, y + 3), {}, ValueError, r"SoftmaxCrossentropy: y_true holds labels from 3 to 5 "
                                              r"but y_pred has 3 classes"),
    (lambda X, y: (X[:, :1], y), {}, ValueError, r"Dense\(2, 8\): inputs have shape \(60, 1\)"),
]


@pytest.mark.parametrize("data, options, error, message", BAD_INPUT,
                         ids=[f"case{i}" for i in range(len(BAD_INPUT))])
def test_bad_input_gets_a_clear_error(data, options, error, message):
    X, y = data(*blobs())
    with pytest.raises(error, match=message):
        train(make_model(), SoftmaxCrossentropy(), SGD(0.1), X, y, **{"epochs": 2, **options})
