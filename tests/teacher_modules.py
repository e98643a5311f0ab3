"""Load the course's command-line scripts (teacher/*.py, scripts/*.py) as modules for the tests."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEACHER = ROOT / "teacher"


def load_script(path, module_name):
    """Import the script at ``path`` (a folder of scripts, not a package) as ``module_name``."""
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_teacher_module(name):
    """Import ``teacher/<name>.py`` and return the module."""
    return load_script(TEACHER / f"{name}.py", f"teacher_{name}")
