"""The graded notebook of each chapter: its exercises, and a set-up cell instead of the chapter.

nbgrader re-runs the whole notebook of every submission. Re-running a whole chapter took up to
three minutes per student (chapter 7 trains nine networks), so the notebook handed out and
graded is not the chapter: it is the chapter's exercises section (every cell from the one with
id ``exercises`` to the end), behind

- a header (markdown, id ``graded-header``) that says where the chapter is, and
- one locked set-up cell (id ``graded-setup``) that rebuilds, in a second or two, exactly the
  chapter's names the exercises use: imports, data, the chapter's functions and the few
  results the exercises read. nbgrader restores a locked cell from the teacher's version when
  it grades, so a student cannot change the set-up the tests run on.

The set-up of each chapter is ``SETUP[chapter]`` below: plain code, plus lines of the form

    #< CELL-ID                 the source of that chapter cell, as it is now
    #< CELL-ID: name, name     only the top-level definitions of those names in that cell
                               (def, class, or an assignment to them; "imports": its
                               import statements)

so the chapter's own definitions are copied when the graded notebook is built and cannot drift
from the chapter. What is left out is the chapter's long experiments, its plots and its prints.
tests/test_assignments.py runs every graded notebook with the model solutions and checks that
the exercises print what they print at the end of the chapter, so a set-up that no longer
matches the chapter fails a test.

The chapter notebooks themselves are unchanged by this: a learner working through a chapter
meets its exercises at the end, with the chapter's variables, and with the model solutions,
hidden tests and written answers folded (scripts/fold_solutions.py). The graded notebook
unfolds them (``unfold`` in scripts/fold_solutions.py): a student must see every cell of the version handed out.
"""
import ast
import copy
import importlib.util
import re
from pathlib import Path

import nbformat

HEADER = """\
# {title}: exercises

This is the graded part of the chapter *{title}* (`notebooks/{name}.ipynb` in the course);
read the chapter first. The cell below, **Set-up**, rebuilds in a few seconds what the exercises
use from the chapter: run it first, then work through the exercises from top to bottom. It
is locked: when your work is graded, it runs as it is here.
"""

INTRO = """\
## Exercises

Each exercise has a task, a cell for your code (or your written answer) and a test cell. Replace
`raise NotImplementedError()` by your code and `YOUR ANSWER HERE` by your answer. Run the test
cell after your code: if it runs without an error, your answer has passed the visible checks.
Below each test cell is a cell that holds only a comment: when your work is graded, it is filled
with further checks that you do not see, so test your code beyond the visible checks too.
Written answers are read and marked by your teacher.

The exercises use only what the set-up cell above defines, and each draws its random numbers
from its own `np.random.default_rng(seed)` where the task says so. Keep the names and the
signatures the tasks give: the tests call them.
"""

SETUP = {
    "01-loss": """\
import matplotlib.pyplot as plt
import numpy as np

from nnlib.datasets import load_mnist
from nnlib.losses import CategoricalCrossentropy
from nnlib.metrics import accuracy

np.set_printoptions(precision=8, suppress=True)
#< cell-007: softmax
#< cell-018: categorical_crossentropy
loss_function = CategoricalCrossentropy()
mnist = load_mnist()
#< cell-034: X_train, X_test, y_train
#< cell-036: templates, template_model
train_outputs = template_model(X_train)
""",
    "02-random-search": """\
#< 5861c268
#< 51b0b8a5: SimpleSoftmax
#< b114ce8d: scores
nnfs.init()
#< 96c7fd84: book_start
#< aa1573d2: loss_function
X, y, model = book_start()
probabilities = model.forward(X)
#< 50948cdd: random_search
X, y, model = book_start()
curve_10k, records_10k, best_10k = random_search(model, X, y, 10_000)
""",
    "03-hill-climbing": """\
#< 01df72ce
#< 015cebab: loss_function, hill_climb, print_records
nnfs.init()
#< 4b816fd8: book_start
X_vertical, y_vertical, vertical_model = book_start(vertical_data)
X_spiral, y_spiral, spiral_model = book_start(spiral_data)
spiral_curve, spiral_records = hill_climb(spiral_model, X_spiral, y_spiral, 10_000)
""",
    "04-numerical-gradient": """\
#< fdc9079c
#< 78e3fc57: bowl
#< 18cd7c70: simple_numerical_gradient
#< ea288a35: weights, x, t, softmax, simple_net_loss
dweights = numerical_gradient(simple_net_loss, weights)
#< 1cb60bb5: rng, net, loss_function, names, sizes, n_parameters
#< 0f77c92f
#< 85347b03: count_hill_climbing
seeds = (0, 1, 2)
""",
    "05-backpropagation": """\
#< 1e3aa417
nnfs.init()
X, y = spiral_data(samples=100, classes=3)
#< 1787f392: PlainSGD
""",
    "06-optimizers": """\
#< c9ee9a7d
#< 024d55be
#< 18f5ca05
#< 21b3be97
momentum_path = descend_open(momentum_update, 0.1)
#< 7601deb5: nesterov_update, nesterov_path
#< 53e43706: adam_update, adam_path
#< bf4b5f44: mnist, X_train, X_test, y_train
#< 42c600aa: SIZES, he_float32, small_float32, mlp
#< 7a4e70f1
# The first 100 of section 10's 2,000 iterations: the same batches, the same losses.
for iteration in range(100):
    X_batch, y_batch = sample_batch(X_train, y_train, 128, rng=rng)
    for name, network in networks.items():
        loss = loss_function.calculate(network.forward(X_batch, training=True), y_batch)
        network.backward(loss_function.backward(loss_function.output, y_batch))
        mnist_optimizers[name].step(network)
        batch_losses[name].append(float(loss))
""",
    "07-regression": """\
#< c73ffa1e
X, y = sine_data()
#< 1e6ce71e: sine_model
#< 02cb13e5: active_units
# The nine trained networks of the chapter (10,000 epochs each), from the file that comes
# with this notebook: {name: (model, history)}.
runs = {}
with np.load("07-regression-setup.npz", allow_pickle=False) as stored:
    saved = {key: stored[key] for key in stored.files}
for index in sorted({int(key.split("|")[0]) for key in saved}):
    keys = [key for key in saved if key.split("|")[0] == str(index)]
    name = keys[0].split("|")[1]
    values = [saved[f"{index}|{name}|parameter|{number}"]
              for number in range(sum(key.split("|")[2] == "parameter" for key in keys))]
    fitted = sine_model(hidden_layers=len(values) // 2 - 1)
    for (value, _), kept in zip(fitted.parameters(), values):
        value[...] = kept
    runs[name] = fitted, {key.split("|")[3]: saved[key].tolist() for key in keys
                          if key.split("|")[2] == "history"}
""",
    "08-mnist-mlp": """\
#< bef255b2
SOURCE = "sample"               # the saved predictions below are for the shipped sample's test images
#< 6374889c: imports
data = load_mnist(kind=DATASET, source=SOURCE)
#< 17f38d24: prepare, X_train_all, X_test, y_train_all
#< 63d837d9: n_valid, X_train, X_valid
#< 8ace58d9
#< d1a12503: course_model
model = course_model()          # exercise 4 saves it: only its architecture matters there
loss_function = SoftmaxCrossentropy()
# The test-set predictions of Raschka's network after the chapter's 200 epochs, from the file
# that comes with this notebook.
with np.load("08-mnist-mlp-setup.npz", allow_pickle=False) as stored:
    predictions = stored["predictions"]
assert len(predictions) == len(y_test), "08-mnist-mlp-setup.npz does not belong to these test images"
""",
}


# Results too long to recompute in a set-up cell, saved once from a run of the chapter
# (`python teacher/graded.py fixtures CHAPTER`) into teacher/fixtures/<chapter>.npz. The file
# goes out with the assignment (nbgrader copies the files next to the graded notebook into the
# student version, and back over each submission when it grades), and the set-up cell loads it.
# The code runs at the end of the chapter, with its variables, and writes the arrays to PATH.
FIXTURES = {
    "07-regression": """\
arrays = {}
for index, (name, (fitted, history)) in enumerate(runs.items()):
    for number, (value, _) in enumerate(fitted.parameters()):
        arrays[f"{index}|{name}|parameter|{number}"] = value
    for key, values in history.items():
        arrays[f"{index}|{name}|history|{key}"] = np.asarray(values)
np.savez_compressed(PATH, **arrays)
""",
    "08-mnist-mlp": """\
assert data.source == "sample", "run the chapter on the shipped sample (SOURCE = 'sample') for this file"
np.savez_compressed(PATH, predictions=predictions)
""",
}
FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures"


def fixture_name(chapter):
    return f"{chapter}-setup.npz"


def make_fixture(chapter, notebooks=Path(__file__).resolve().parent.parent / "notebooks"):
    """Run the chapter up to its exercises and save FIXTURES[chapter]'s arrays. Returns the path."""
    from nbclient import NotebookClient

    notebook = nbformat.read(notebooks / f"{chapter}.ipynb", as_version=4)
    ids = [cell.get("id") for cell in notebook.cells]
    notebook.cells = notebook.cells[:ids.index("exercises")]
    FIXTURE_DIR.mkdir(exist_ok=True)
    path = FIXTURE_DIR / fixture_name(chapter)
    notebook.cells.append(nbformat.v4.new_code_cell(f"PATH = {str(path)!r}\n" + FIXTURES[chapter]))
    NotebookClient(notebook, timeout=1800, kernel_name="python3",
                   resources={"metadata": {"path": str(notebooks)}}).execute()
    return path


def _top_level_definitions(source, names, where):
    """The source lines of the top-level statements in ``source`` that define ``names``."""
    tree = ast.parse(source)
    lines = source.splitlines()
    wanted, found, pieces = set(names), set(), []
    for node in tree.body:
        defined = set()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            defined = {"imports"}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined = {node.name}
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name):
                        defined.add(leaf.id)
        if defined & wanted:
            first = min([node.lineno] + [decorator.lineno for decorator in getattr(node, "decorator_list", [])])
            pieces.append("\n".join(lines[first - 1:node.end_lineno]))
            found |= defined & wanted
    missing = wanted - found
    if missing:
        raise ValueError(f"graded.py: {where} defines no {', '.join(sorted(missing))} at top level "
                         "any more; update SETUP in teacher/graded.py")
    return "\n\n".join(pieces)


def setup_source(chapter, notebook):
    """The set-up cell's code for ``chapter``, the directives filled in from ``notebook``."""
    if chapter not in SETUP:
        raise ValueError(f"graded.py: no set-up for {chapter}; add one to SETUP in teacher/graded.py")
    cells = {cell.get("id"): cell for cell in notebook.cells}
    out = [f"# Set-up: what the exercises use from the chapter {chapter}, rebuilt from its cells."]
    for line in SETUP[chapter].splitlines():
        directive = re.fullmatch(r"#<\s*([\w-]+)\s*(?::\s*(.*))?", line.strip())
        if not directive:
            out.append(line)
            continue
        cell_id, names = directive.group(1), directive.group(2)
        if cell_id not in cells or cells[cell_id].cell_type != "code":
            raise ValueError(f"graded.py: {chapter} has no code cell {cell_id!r} any more; "
                             "update SETUP in teacher/graded.py")
        source = cells[cell_id].source
        if names:
            source = _top_level_definitions(source, [name.strip() for name in names.split(",")],
                                            f"cell {cell_id} of {chapter}")
        out.append(source.rstrip())
    return "\n".join(out).rstrip() + "\n"


def exercise_cells(notebook):
    """The cells of the chapter's exercises section, from the cell with id "exercises" on."""
    ids = [cell.get("id") for cell in notebook.cells]
    if "exercises" not in ids:
        raise ValueError("graded.py: no cell with id 'exercises' opening the exercises")
    return notebook.cells[ids.index("exercises"):]


def _fold_solutions():
    """scripts/fold_solutions.py, which folds the chapters' exercises and unfolds them again."""
    path = Path(__file__).resolve().parent.parent / "scripts" / "fold_solutions.py"
    spec = importlib.util.spec_from_file_location("fold_solutions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def graded_notebook(path):
    """The teacher's graded notebook of the chapter at ``path`` (solutions and hidden tests
    still in it: nbgrader's generate_assignment takes them out)."""
    path = Path(path)
    chapter = nbformat.read(path, as_version=4)
    title = next((cell.source.splitlines()[0].lstrip("# ").strip() for cell in chapter.cells
                  if cell.cell_type == "markdown" and cell.source.startswith("# ")), path.stem)
    graded = nbformat.v4.new_notebook(metadata=copy.deepcopy(chapter.metadata))
    header = nbformat.v4.new_markdown_cell(HEADER.format(title=title, name=path.stem))
    header.id = "graded-header"
    setup = nbformat.v4.new_code_cell(setup_source(path.stem, chapter))
    setup.id = "graded-setup"
    setup.metadata["nbgrader"] = {"grade": False, "grade_id": "graded-setup", "locked": True,
                                  "schema_version": 3, "solution": False, "task": False}
    setup.metadata["editable"] = False
    setup.metadata["deletable"] = False
    unfold = _fold_solutions().unfold
    cells = []
    for cell in exercise_cells(chapter):
        cell = unfold(copy.deepcopy(cell))
        if cell.get("id") == "exercises":
            cell.source = INTRO
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    graded.cells = [header, setup] + cells
    return graded


def extra_files(chapter):
    """{file name: path} of the files that go out with the chapter's graded notebook."""
    if chapter not in FIXTURES:
        return {}
    path = FIXTURE_DIR / fixture_name(chapter)
    if not path.exists():
        raise FileNotFoundError(f"graded.py: {path} is missing; make it with "
                                f"`python teacher/graded.py fixtures {chapter}`")
    return {fixture_name(chapter): path}


if __name__ == "__main__":
    import sys

    if len(sys.argv) < 2 or sys.argv[1] != "fixtures":
        sys.exit("usage: python teacher/graded.py fixtures [CHAPTER ...]")
    for chapter in sys.argv[2:] or sorted(FIXTURES):
        print(f"{chapter}: running the chapter ...", flush=True)
        print(f"{chapter}: wrote {make_fixture(chapter)}")
