"""Load the teacher's command-line scripts (teacher/*.py) as modules for the tests."""
import importlib.util
from pathlib import Path

TEACHER = Path(__file__).resolve().parent.parent / "teacher"


def load_teacher_module(name):
    """Import ``teacher/<name>.py`` (a script folder, not a package) and return the module."""
    spec = importlib.util.spec_from_file_location(f"teacher_{name}", TEACHER / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
