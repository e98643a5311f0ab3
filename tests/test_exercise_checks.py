"""The exercises' tests are fair: typical mistakes lose marks, right answers in another form don't.

For every code exercise, two or three mistakes students make are written down below as edits
of the model solution (the text to replace and its replacement). Each chapter's graded
notebook (teacher/graded.py, hidden tests included) runs once in a kernel with the model
solutions; then, one at a time, a mistake's solution cell runs and the exercise's test cells
run: its visible checks, then its hidden tests (a cell of their own, ``exN-hidden-tests``).
A mistake must fail at least one of them, and the first that fails must fail with an
AssertionError (a failed check, not a crash); then the model solution runs again. Right
answers written differently from the model solution (RIGHT) must pass both cells.
A mistake that only the hidden tests catch costs the hidden cell's points (half of the tests'
points); tests/test_nbgrader_roundtrip.py grades one such submission.
"""
import copy
from pathlib import Path

import nbformat
import pytest

from teacher_modules import load_teacher_module

pytestmark = pytest.mark.classroom      # make test-classroom (and CI), not make test

ROOT = Path(__file__).resolve().parent.parent

# chapter -> [(exercise number, what the student did, text of the model solution, replacement)]
MISTAKES = {
    "01-loss": [
        (1, "no clipping", "p_clipped = np.clip(p, 1e-7, 1 - 1e-7)", "p_clipped = p"),
        (1, "sum instead of mean", "return np.mean(-(t", "return np.sum(-(t"),
        (1, "labels swapped", "(t * np.log(p_clipped) + (1 - t) * np.log(1 - p_clipped))",
         "((1 - t) * np.log(p_clipped) + t * np.log(1 - p_clipped))"),
        (2, "1e-7 added outside the log", '"add 1e-7": np.mean(-np.log(confidences + 1e-7)),',
         '"add 1e-7": np.mean(-np.log(np.maximum(confidences, 1e-300))) + 1e-7,'),
        (2, "clip both ends only at the bottom", "np.clip(confidences, 1e-7, 1 - 1e-7)",
         "np.clip(confidences, 1e-7, 1)"),
        (3, "the global random stream instead of rng",
         "rows = rng.integers(0, len(sample_losses), size=(n_batches, batch_size))",
         "rows = np.random.randint(0, len(sample_losses), size=(n_batches, batch_size))"),
        (3, "means over the wrong axis", "sample_losses[rows].mean(axis=1).std()",
         "sample_losses[rows].mean(axis=0).std()"),
        (3, "slope without logarithms", "np.polyfit(np.log(batch_sizes), np.log(spreads), 1)",
         "np.polyfit(batch_sizes, spreads, 1)"),
        (4, "sharpness ignored", "outputs = template_model(X, sharpness)", "outputs = template_model(X)"),
        (4, "loss and accuracy swapped", "return loss_function.calculate(outputs, y), accuracy(outputs, y)",
         "return accuracy(outputs, y), loss_function.calculate(outputs, y)"),
    ],
    "02-random-search": [
        (1, "the global random stream instead of rng", "scale * rng.standard_normal(value.shape)",
         "scale * np.random.randn(*value.shape)"),
        (1, "references kept instead of copies", "[value.copy() for value in parameters]",
         "[value for value in parameters]"),
        (1, "scale ignored", "value[...] = scale * rng", "value[...] = 0.05 * rng"),
        (2, "one generator shared by the three scales",
         "best_by_scale = {scale: random_search_with(np.random.default_rng(2), search_model, X, y, 2_000, scale=scale)\n                 for scale in (0.05, 0.5, 5)}",
         "shared = np.random.default_rng(2)\nbest_by_scale = {scale: random_search_with(shared, search_model, X, y, 2_000, scale=scale)\n                 for scale in (0.05, 0.5, 5)}"),
        (2, "scale not passed on", "X, y, 2_000, scale=scale)", "X, y, 2_000)"),
        (3, "normalised over the whole batch", "np.sum(exp_values, axis=1, keepdims=True)", "np.sum(exp_values)"),
        (3, "normalised over the columns", "np.sum(exp_values, axis=1, keepdims=True)",
         "np.sum(exp_values, axis=0, keepdims=True)"),
        (4, "the global random stream instead of rng", "scale * rng.standard_normal(value.shape)",
         "scale * np.random.randn(*value.shape)"),
        (4, "the model not restored", "    model.restore(kept)\n", ""),
        (4, "a count instead of a fraction", "return better / trials", "return better"),
    ],
    "03-hill-climbing": [
        (1, "steps accumulate (no restore after each)", "        model.restore(here)\n    return",
         "    model.restore(here)\n    return"),
        (1, "improvement counted with <=", "< current_loss", "<= current_loss"),
        (1, "the global random stream instead of rng", "step * rng.standard_normal(value.shape)",
         "step * np.random.randn(*value.shape)"),
        (2, "the step recorded after it changed", "        steps[iteration] = step\n", ""),
        (2, "no bounds on the step", "step = min(step * grow, largest)", "step = step * grow"),
        (2, "failures not undone", "            model.restore(best_parameters)\n", ""),
        (3, "only the best climb returned", "return final_losses", "return [min(final_losses)]"),
        (3, "models drawn from the global stream",
         "model = Sequential([Dense(2, 3, rng=rng), ReLU(), Dense(3, 3, rng=rng), Softmax()])",
         "model = Sequential([Dense(2, 3), ReLU(), Dense(3, 3), Softmax()])"),
        (4, "copies after all (the correct hill climb)",
         "best_loss, best_parameters = loss, [value for value, _ in model.parameters()]",
         "best_loss, best_parameters = loss, model.snapshot()"),
    ],
    "04-numerical-gradient": [
        (1, "a central difference", "gradient[index] = (f(x) - f_here) / h",
         "x[index] = original - h\n        f_minus = f(x)\n        x[index] = original + h\n        gradient[index] = (f(x) - f_minus) / (2 * h)"),
        (1, "x not restored", "        x[index] = original\n    return gradient", "    return gradient"),
        (2, "losses compared instead of distances",
         "return np.linalg.norm(end) < np.linalg.norm([-3.0, 4.0])",
         "return stretched_bowl(end) < stretched_bowl(np.array([-3.0, 4.0]))"),
        (2, "the first unsafe rate reported", "largest_safe_lr = safe", "largest_safe_lr = unsafe + 0.01"),
        (3, "the global weights instead of w", "np.dot(x, w)", "np.dot(x, weights)"),
        (4, "the loss at the new point forgotten", "2 * n_parameters + 1", "2 * n_parameters"),
        (4, "the step ignored", "value += step * rng", "value += 0.05 * rng"),
    ],
    "05-backpropagation": [
        (1, "no division by the batch size", "np.sign(y_pred - y_true) / outputs / n",
         "np.sign(y_pred - y_true) / outputs"),
        (1, "the sign reversed", "np.sign(y_pred - y_true) / outputs / n", "np.sign(y_true - y_pred) / outputs / n"),
        (2, "backward from the inputs' square", "return doutputs * (1 - self.output ** 2)",
         "return doutputs * (1 - np.arctanh(self.output) ** 2)"),
        (2, "the broken backward not broken", "return doutputs * (1 - self.output)\n",
         "return doutputs * (1 - self.output ** 2)\n"),
        (3, "both from the combined loss",
         "chained_dlogits = risky_softmax.backward(CategoricalCrossentropy().backward(risky_probabilities, risky_label))",
         "chained_dlogits = SoftmaxCrossentropy().backward(risky_probabilities, risky_label)"),
        (3, "the softmax backward left out of the chain",
         "chained_dlogits = risky_softmax.backward(CategoricalCrossentropy().backward(risky_probabilities, risky_label))",
         "chained_dlogits = CategoricalCrossentropy().backward(risky_probabilities, risky_label)"),
        (4, "dropout before the ReLU", "ReLU(),\n                                Dropout(0.1, rng=rng),",
         "Dropout(0.1, rng=rng),\n                                ReLU(),"),
        (4, "validated on the training data", "validation=spiral_points(100, 3, rng))",
         "validation=(X, y))"),
        (4, "no penalty on the biases", "weight_l2=5e-4, bias_l2=5e-4", "weight_l2=5e-4"),
    ],
    "06-optimizers": [
        (1, "the lowest f on the path instead of the final one",
         "f(descend(SGD(learning_rate=0.1, momentum=m, nesterov=nesterov), steps=steps)[-1])",
         "min(f(point) for point in descend(SGD(learning_rate=0.1, momentum=m, nesterov=nesterov), steps=steps))"),
        (1, "30 steps for both", "for steps in (30, 100))", "for steps in (30, 30))"),
        (1, "Nesterov ignored", "momentum=m, nesterov=nesterov)", "momentum=m)"),
        (2, "Adam's bias-corrected form", "rate_t = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)",
         "rate_t = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)\n    epsilon = epsilon * np.sqrt(1 - beta_2 ** t)"),
        (2, "epsilon inside the square root", "(np.sqrt(state[\"v\"]) + epsilon)", "np.sqrt(state[\"v\"] + epsilon)"),
        (3, "no bias correction", "(state[\"m\"] / (1 - self.beta_1 ** t))", "state[\"m\"]"),
        (3, "no decay of u", "np.maximum(self.beta_2 * state[\"u\"], np.abs(gradient))",
         "np.maximum(state[\"u\"], np.abs(gradient))"),
        (4, "a different start for each network", "        racers[name].restore(start)\n", ""),
        (4, "batches from the global stream", "sample_batch(X_train, y_train, 128, rng=rng)",
         "sample_batch(X_train, y_train, 128)"),
    ],
    "07-regression": [
        (1, "the loss measured after the update",
         "        losses.append(float(loss_function.calculate(predictions, y_fit)))\n        model.backward(loss_function.backward(predictions, y_fit))\n        optimizer.step(model)",
         "        model.backward(loss_function.backward(predictions, y_fit))\n        optimizer.step(model)\n        losses.append(float(loss_function.calculate(model.forward(X_fit), y_fit)))"),
        (1, "one epoch too few", "for _ in range(epochs):", "for _ in range(epochs - 1):"),
        (2, "accuracy on the training points only", "regression_accuracy(init_model.forward(X), y)",
         "regression_accuracy(init_model.forward(X_small), y_small)"),
        (2, "a different number of epochs", "Adam(), X_small, y_small, 500)", "Adam(), X_small, y_small, 50)"),
        (3, "the divisor used as the tolerance", "precision=np.std(y) / divisor", "precision=1 / divisor"),
        (3, "the standard deviation of the predictions", "precision=np.std(y) / divisor",
         "precision=np.std(model.forward(X)) / divisor"),
    ],
    "08-mnist-mlp": [
        (1, "ties move the best epoch", "if self.history[\"valid_acc\"][-1] > best_accuracy:",
         "if self.history[\"valid_acc\"][-1] >= best_accuracy:"),
        (1, "references kept instead of copies", "getattr(self, name).copy() for name in names",
         "getattr(self, name) for name in names"),
        (1, "epochs counted from 0", "self.best_epoch = self.history[\"valid_acc\"][-1], epoch + 1",
         "self.best_epoch = self.history[\"valid_acc\"][-1], epoch"),
        (2, "the delta not divided by the batch size", "delta_out = (probabilities - targets_batch) / len(X_batch)",
         "delta_out = probabilities - targets_batch"),
        (2, "a summed cost", "return np.mean(-np.sum(targets", "return np.sum(-np.sum(targets"),
        (3, "repeated pairs counted once", "np.add.at(counts, (true_labels, predicted_labels), 1)",
         "counts[true_labels, predicted_labels] += 1"),
        (3, "rows and columns swapped", "np.add.at(counts, (true_labels, predicted_labels), 1)",
         "np.add.at(counts, (predicted_labels, true_labels), 1)"),
        (4, "the array not replaced", "    arrays[name] = value\n", ""),
        (4, "the array added under another name", "arrays[name] = value", "arrays[name + \"_new\"] = value"),
    ],
}

# chapter -> [(exercise number, what the student did, text of the model solution, replacement)]
RIGHT = {
    "02-random-search": [
        (4, "the scale applied after the draw", "value[...] = scale * rng.standard_normal(value.shape)",
         "value[...] = rng.standard_normal(value.shape) * scale"),
    ],
    "05-backpropagation": [
        (2, "tanh written from exp", "self.output = np.tanh(inputs)",
         "self.output = (np.exp(inputs) - np.exp(-inputs)) / (np.exp(inputs) + np.exp(-inputs))"),
    ],
    "07-regression": [
        (1, "an array of losses instead of a list", "    return losses\n", "    return np.array(losses)\n"),
    ],
    "08-mnist-mlp": [
        (3, "a loop over the pairs",
         "np.add.at(counts, (true_labels, predicted_labels), 1)",
         "for true_label, predicted_label in zip(true_labels, predicted_labels):\n        counts[true_label, predicted_label] += 1"),
    ],
}

CHAPTERS = sorted(MISTAKES)


def replace_solution(cell, old, new):
    assert cell.source.count(old) == 1, f"{cell.get('id')}: the model solution no longer reads {old!r}"
    changed = copy.deepcopy(cell)
    changed.source = cell.source.replace(old, new)
    return changed


@pytest.fixture(scope="module", params=CHAPTERS)
def outcomes(request, tmp_path_factory):
    """{(kind, exercise, description): [(test cell id, ename or None, error text), ...]} for one
    chapter: the exercise's visible checks, then its hidden tests."""
    from nbclient import NotebookClient

    chapter = request.param
    graded_tools = load_teacher_module("graded")
    notebook = graded_tools.graded_notebook(ROOT / "notebooks" / f"{chapter}.ipynb")
    work = tmp_path_factory.mktemp(chapter)
    for name, source in graded_tools.extra_files(chapter).items():
        (work / name).write_bytes(source.read_bytes())
    cells = {cell.get("id"): (index, cell) for index, cell in enumerate(notebook.cells)}
    client = NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(work)}})

    def run(cell, index):
        cell = copy.deepcopy(cell)
        client.execute_cell(cell, index)
        errors = [output for output in cell.outputs if output.output_type == "error"]
        return (errors[0].ename, f"{errors[0].ename}: {errors[0].evalue}") if errors else (None, "")

    results = {}
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                ename, text = run(cell, index)
                assert ename is None, f"{chapter}, cell {cell.get('id')}, model solution: {text}"
        for kind, variants in (("mistake", MISTAKES), ("right", RIGHT)):
            for number, description, old, new in variants.get(chapter, []):
                solution_index, solution = cells[f"ex{number}-solution"]
                tests = [cells[name] for name in (f"ex{number}-tests", f"ex{number}-hidden-tests") if name in cells]
                assert len(tests) == 2, f"{chapter}, exercise {number}: expected visible and hidden test cells"
                ename, text = run(replace_solution(solution, old, new), solution_index)
                assert ename is None, (f"{chapter}, exercise {number}, {description}: the solution cell itself "
                                       f"fails ({text}); list mistakes whose code runs")
                results[(kind, number, description)] = [(test.get("id"), *run(test, test_index))
                                                         for test_index, test in tests]
                ename, text = run(solution, solution_index)          # back to the model solution
                assert ename is None, f"{chapter}, ex{number}-solution restored: {text}"
    return chapter, results


def first_failure(cells):
    """(cell id, ename, text) of the first test cell that failed, or None."""
    return next((cell for cell in cells if cell[1] is not None), None)


def test_typical_mistakes_lose_marks_with_a_failed_check(outcomes):
    chapter, results = outcomes
    mistakes = {key: first_failure(cells) for key, cells in results.items() if key[0] == "mistake"}
    passed = [f"exercise {number}: {description}" for (_, number, description), failure in mistakes.items()
              if failure is None]
    crashed = [f"exercise {number}: {description} ({failure[0]}: {failure[2]})"
               for (_, number, description), failure in mistakes.items()
               if failure is not None and failure[1] != "AssertionError"]
    assert not passed, f"{chapter}: these mistakes still get full marks: {passed}"
    assert not crashed, f"{chapter}: these mistakes make a test crash instead of failing a check: {crashed}"
    numbers = {number for kind, number, _ in results if kind == "mistake"}
    assert numbers == set(range(1, max(numbers) + 1)), f"{chapter}: an exercise without mistakes listed"


def test_right_answers_in_another_form_pass(outcomes):
    chapter, results = outcomes
    rights = {key: first_failure(cells) for key, cells in results.items() if key[0] == "right"}
    failed = [f"exercise {number}: {description} ({failure[0]}: {failure[2]})"
              for (_, number, description), failure in rights.items() if failure is not None]
    assert not failed, f"{chapter}: right answers that lose marks: {failed}"
