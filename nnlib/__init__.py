"""nnlib: the neural-network library the course "Neural Networks from Scratch" builds.

Each module is introduced by one chapter (``CHAPTERS``); a chapter's notebook imports only
modules introduced up to its own chapter. The public names are re-exported here lazily, so
``from nnlib import Dense`` works without importing every module (matplotlib included).
The library never prints, never downloads on import and never changes global state.
"""
import importlib

__version__ = "0.1.0"

#: module -> the chapter that introduces it
CHAPTERS = {
    "_validation": 1,
    "losses": 1,
    "metrics": 1,
    "batches": 1,
    "datasets": 1,
    "progress": 2,
    "layers": 2,
    "activations": 2,
    "model": 2,
    "plotting": 2,
    "gradcheck": 4,
    "descent": 4,
    "regularizers": 5,
    "training": 5,
    "optimizers": 6,
    "initializers": 6,
    "persistence": 8,
}

#: public name -> the module that defines it
EXPORTS = {
    "sum_squared_error": "losses",
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
    "read_idx": "datasets",
    "write_idx": "datasets",
    "download_mnist": "datasets",
    "scale_pixels": "datasets",
    "progress": "progress",
    "Dense": "layers",
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
    "plot_decision_regions": "plotting",
    "plot_contour_paths": "plotting",
    "plot_curves": "plotting",
    "plot_image_grid": "plotting",
    "regularization_loss": "regularizers",
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
