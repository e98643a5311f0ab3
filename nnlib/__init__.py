"""nnlib: the neural-network library the course "Neural Networks from Scratch" builds.

``CHAPTERS`` says which chapter introduces each module (and each name a later chapter adds to
it); a chapter's notebook reaches only what was introduced up to its own chapter. The public names are re-exported here lazily, so
``from nnlib import Dense`` works without importing every module (matplotlib included).
The library never prints, never downloads on import and never changes global state.
"""
import importlib

__version__ = "0.1.0"

#: What each chapter introduces. A module maps to the chapter of its first piece; a name a
#: later chapter adds to an earlier module has its own entry ("module.Name", or
#: "module.Class.method" for a method). A chapter's notebook reaches, through what it imports
#: and what nnlib imports in turn, nothing introduced after it (tests/test_chapters.py).
CHAPTERS = {
    "_validation": 1,
    "losses": 1,
    "metrics": 1,
    "batches": 1,
    "idx": 1,
    "downloads": 1,
    "datasets": 1,
    "progress": 1,
    "layers": 2,
    "activations": 2,
    "model": 2,
    "plotting": 2,
    "diagrams": 2,
    "initializers": 2,
    "gradcheck": 4,
    "descent": 4,
    "search": 4,
    "regularizers": 5,
    "training": 5,
    "optimizers": 6,
    "_fast_steps": 6,
    "persistence": 8,
    # names added to a module after the chapter that introduced it
    "plotting.INTERACTIVE_NOTE": 3,
    "plotting.InteractiveFigure": 3,
    "plotting.interactive_figure": 3,
    "plotting.plot_contour_paths": 4,
    "plotting.plot_image_grid": 8,
    "diagrams.draw_computational_graph": 5,
    "activations.Sigmoid": 4,
    "activations.Linear": 5,
    "gradcheck.relative_error": 5,
    "gradcheck.check_layer": 5,
    "gradcheck.check_loss": 5,
    "batches.minibatches": 5,
    "layers.Dense.backward": 5,
    "layers.Dense._backward_parameters": 5,
    "layers.Dense.penalty": 5,
    "layers.Dropout": 5,
    "losses.SoftmaxCrossentropy": 5,
    "losses.BinaryCrossentropy": 5,
    "losses.MeanAbsoluteError": 5,
    "losses.MeanSquaredError": 7,
    "metrics.regression_accuracy": 7,
    "initializers.he_normal": 6,
    "initializers.in_float32": 6,
    "initializers.glorot_uniform": 7,
}


def chapter_of(name):
    """The chapter that introduces ``name`` ("module", "module.Name" or "module.Class.method"):
    its own entry in ``CHAPTERS`` if it has one, else that of the closest enclosing name."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        key = ".".join(parts[:end])
        if key in CHAPTERS:
            return CHAPTERS[key]
    raise KeyError(f"chapter_of: {name!r} is in no module of nnlib.CHAPTERS.")


#: public name -> the module that defines it: the one list of nnlib's public functions and
#: classes (constants such as ``datasets.SAMPLE_DIR`` are reached through their module; the data
#: modules' names are importable from ``nnlib.datasets`` too)
EXPORTS = {
    "sum_squared_error": "losses",
    "Loss": "losses",
    "cross_entropy_error": "losses",
    "CategoricalCrossentropy": "losses",
    "SoftmaxCrossentropy": "losses",
    "BinaryCrossentropy": "losses",
    "MeanSquaredError": "losses",
    "MeanAbsoluteError": "losses",
    "accuracy": "metrics",
    "regression_accuracy": "metrics",
    "sample_batch": "batches",
    "train_test_split": "batches",
    "minibatches": "batches",
    "load_mnist": "datasets",
    "flatten": "datasets",
    "default_data_dir": "downloads",
    "Dataset": "datasets",
    "FileInfo": "downloads",
    "ChecksumError": "downloads",
    "DownloadError": "downloads",
    "read_idx": "idx",
    "write_idx": "idx",
    "download_mnist": "downloads",
    "scale_pixels": "datasets",
    "progress": "progress",
    "progress_enabled": "progress",
    "Dense": "layers",
    "Layer": "layers",
    "Dropout": "layers",
    "ReLU": "activations",
    "Softmax": "activations",
    "Sigmoid": "activations",
    "Linear": "activations",
    "Sequential": "model",
    "numerical_gradient": "gradcheck",
    "relative_error": "gradcheck",
    "check_layer": "gradcheck",
    "check_loss": "gradcheck",
    "gradient_descent": "descent",
    "CountedLoss": "search",
    "SearchResult": "search",
    "random_search": "search",
    "hill_climbing": "search",
    "numerical_gradients": "search",
    "descend_to_target": "search",
    "plot_decision_regions": "plotting",
    "plot_contour_paths": "plotting",
    "plot_curves": "plotting",
    "plot_image_grid": "plotting",
    "interactive_figure": "plotting",
    "InteractiveFigure": "plotting",
    "draw_network": "diagrams",
    "draw_computational_graph": "diagrams",
    "regularization_loss": "regularizers",
    "penalty": "regularizers",
    "penalty_gradient": "regularizers",
    "train": "training",
    "evaluate": "training",
    "Optimizer": "optimizers",
    "SGD": "optimizers",
    "AdaGrad": "optimizers",
    "RMSprop": "optimizers",
    "Adam": "optimizers",
    "small_normal": "initializers",
    "glorot_uniform": "initializers",
    "he_normal": "initializers",
    "in_float32": "initializers",
    "save_parameters": "persistence",
    "load_parameters": "persistence",
}

__all__ = sorted(EXPORTS)


def __getattr__(name):
    module = EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nnlib' has no attribute {name!r}")
    return getattr(importlib.import_module(f"nnlib.{module}"), name)


def __dir__():
    return sorted(list(globals()) + list(EXPORTS))
