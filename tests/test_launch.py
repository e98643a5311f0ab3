"""Every chapter runs wherever a learner opens it (scripts/add_setup_cell.py).

Cheap checks, no kernel: each chapter's first code cell is the install cell made from the
repository in site/_config.yml, and README's launch links are too; that cell prints nothing
and installs nothing where the course is installed; and ``nnlib[course]`` installs everything
the chapters import, in requirements.txt's versions. make test-wheel runs a chapter alone in a
fresh environment, where the cell does install the course.
"""
import ast
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

from teacher_modules import load_script

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
add_setup_cell = load_script(ROOT / "scripts" / "add_setup_cell.py", "add_setup_cell")
# What a chapter may import without the course extra: Python itself, Jupyter's own IPython, nnlib.
PROVIDED = set(sys.stdlib_module_names) | {"IPython", "nnlib"}
IMPORT_NAMES = {"nnfs": "nnfs", "numpy": "numpy", "matplotlib": "matplotlib",
                "ipywidgets": "ipywidgets", "tqdm": "tqdm"}


def test_install_cells_and_readme_links_are_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "add_setup_cell.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_install_cell_comes_first_and_installs_from_the_repository(path):
    code = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    assert code[0].get("id") == add_setup_cell.CELL_ID
    url, branch = add_setup_cell.repository()
    assert f'"{add_setup_cell.requirement(url, branch)}"' in code[0].source
    assert code[0].outputs == [], "the install cell prints nothing where the course is installed"


def test_the_install_cell_does_nothing_where_nnlib_is_installed():
    url, branch = add_setup_cell.repository()
    source = add_setup_cell.cell_source(url, branch)
    guard = ("import subprocess\n"
             "def refuse(*args, **kwargs):\n"
             "    raise AssertionError(f'the install cell ran {args}')\n"
             "subprocess.run = refuse\n")
    result = subprocess.run([sys.executable, "-c", guard + source], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""


def test_the_install_cell_would_install_when_nnlib_is_missing():
    """With nnlib hidden, the cell calls pip with the course package (pip itself stubbed)."""
    url, branch = add_setup_cell.repository()
    source = add_setup_cell.cell_source(url, branch)
    stub = ("import importlib.util, json, subprocess, sys, types\n"
            "real_find_spec = importlib.util.find_spec\n"
            "importlib.util.find_spec = lambda name, *a: None if name == 'nnlib' else real_find_spec(name, *a)\n"
            "def record(command, **kwargs):\n"
            "    print(json.dumps(command[1:]))\n"
            "    return types.SimpleNamespace(returncode=0, stdout='', stderr='')\n"
            "subprocess.run = record\n")
    result = subprocess.run([sys.executable, "-c", stub + source], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["-m", "pip", "install", "--quiet",
                                         add_setup_cell.requirement(url, branch)]


def requirements():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return {line.split("=")[0].split(">")[0].split("<")[0].strip().lower(): line.replace(" ", "")
            for line in lines if line.strip() and not line.startswith("#")}


def test_the_course_extra_has_what_the_chapters_import_in_requirements_versions():
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["course"]
    pinned = requirements()
    for requirement in extra:
        name = requirement.split("=")[0].split(">")[0].split("<")[0].strip().lower()
        assert pinned.get(name) == requirement.replace(" ", ""), \
            f"pyproject's course extra has {requirement}, requirements.txt {pinned.get(name)}"
    names = {requirement.split("=")[0].split(">")[0].split("<")[0].strip() for requirement in extra}
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            lines = [line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))]
            for node in ast.walk(ast.parse("\n".join(lines))):
                modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import) else
                           [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level
                           else [])
                for module in modules:
                    top = module.split(".")[0]
                    assert top in PROVIDED or IMPORT_NAMES.get(top) in names, \
                        f"{path.name} imports {top}, which nnlib[course] does not install"
