"""Every notebook imports from nnlib only what the course has taught by its chapter."""
import ast
import importlib
import json
import re
from pathlib import Path

import pytest

import nnlib

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
MODULES = sorted(p.stem for p in (ROOT / "nnlib").glob("*.py") if p.stem != "__init__")


def code_of(notebook_path):
    """The notebook's code cells as one Python source, IPython magics and shell lines removed."""
    cells = json.loads(notebook_path.read_text(encoding="utf-8"))["cells"]
    lines = []
    for cell in cells:
        if cell["cell_type"] == "code":
            for line in "".join(cell["source"]).splitlines():
                lines.append("" if line.lstrip().startswith(("%", "!")) else line)
    return "\n".join(lines)


def nnlib_modules_used(source):
    """The nnlib modules a piece of code imports, directly or through nnlib's re-exports."""
    used = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("nnlib."):
                    used.add(alias.name.split(".")[1])
                elif alias.name == "nnlib":
                    used.add("nnlib (whole package)")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "nnlib":
            parts = node.module.split(".")
            if len(parts) > 1:
                used.add(parts[1])
            else:
                for alias in node.names:
                    used.add(nnlib.EXPORTS.get(alias.name, alias.name))
    return used


def test_chapters_map_covers_every_module():
    missing = set(MODULES) - set(nnlib.CHAPTERS)
    assert not missing, f"modules without a chapter in nnlib.CHAPTERS: {missing}"


def test_every_export_points_to_a_real_name():
    for name, module in nnlib.EXPORTS.items():
        assert module in nnlib.CHAPTERS, f"{name} exported from unknown module {module}"
        if module in MODULES:
            assert hasattr(importlib.import_module(f"nnlib.{module}"), name), name


def test_the_checker_sees_every_form_of_import():
    source = "import nnlib.layers\nfrom nnlib.optimizers import Adam\nfrom nnlib import Dense, accuracy\n"
    assert nnlib_modules_used(source) == {"layers", "optimizers", "metrics"}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_imports_only_what_its_chapter_has_taught(notebook):
    chapter = int(notebook.name[:2])
    source = code_of(notebook)
    used = nnlib_modules_used(source)
    assert "nnlib (whole package)" not in used, "import names from nnlib explicitly"
    unknown = used - set(nnlib.CHAPTERS)
    assert not unknown, f"{notebook.name} imports unknown nnlib modules {unknown}"
    too_early = {m: nnlib.CHAPTERS[m] for m in used if nnlib.CHAPTERS[m] > chapter}
    assert not too_early, f"{notebook.name} (chapter {chapter}) imports modules of later chapters: {too_early}"
    assert not re.search(r"sys\.path", source), f"{notebook.name} edits sys.path; install nnlib instead"
