"""Every notebook reaches from nnlib only what the course has taught by its chapter.

"Reaches" is transitive: importing ``Dense`` runs ``nnlib/layers.py``, and with it every import
at the top of that file, and theirs in turn. An import inside a function or method runs only
when that is called, so it is charged to that function: ``CHAPTERS`` must introduce the
function no earlier than what it imports.
"""
import ast
import importlib
import json
import re
from pathlib import Path

import pytest

import nnlib
from nnlib import CHAPTERS, chapter_of

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


def nnlib_names_imported(tree, where):
    """``[(where_it_runs, "module.Name" or "module"), ...]`` for every nnlib import in ``tree``.

    ``where_it_runs`` is ``where`` for a module-level import, ``where.Func`` (``where.Class.method``)
    for one inside a function or class body.
    """
    found = []

    def visit(node, scope):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                visit(child, f"{scope}.{child.name}")
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    parts = alias.name.split(".")
                    if parts[0] == "nnlib":
                        found.append((scope, parts[1] if len(parts) > 1 else "nnlib"))
            elif isinstance(child, ast.ImportFrom) and child.module:
                parts = child.module.split(".")
                if parts[0] == "nnlib" and child.level == 0:
                    for alias in child.names:
                        if len(parts) > 1:
                            found.append((scope, f"{parts[1]}.{alias.name}"))
                        elif alias.name in CHAPTERS:                 # from nnlib import a module
                            found.append((scope, alias.name))
                        else:
                            found.append((scope, f"{nnlib.EXPORTS.get(alias.name, '?')}.{alias.name}"))
            visit(child, scope)

    visit(tree, where)
    return found


def import_graph(sources):
    """``{module: [(where_it_runs, target), ...]}`` from ``{module: source}``."""
    return {module: nnlib_names_imported(ast.parse(source), module)
            for module, source in sources.items()}


NNLIB_GRAPH = import_graph({m: (ROOT / "nnlib" / f"{m}.py").read_text(encoding="utf-8")
                            for m in MODULES})


def reached(targets, graph):
    """Everything importing ``targets`` makes Python run: the targets, and for each, the imports
    at the top of its module, transitively. ``{target: the chain of targets that led to it}``."""
    chains = {}
    todo = [(target, (target,)) for target in targets]
    while todo:
        target, chain = todo.pop()
        if target in chains:
            continue
        chains[target] = chain
        module = target.split(".")[0]
        for where, imported in graph.get(module, []):
            if where == module:                       # a module-level import: runs on import
                todo.append((imported, chain + (imported,)))
    return chains


def too_late(targets, chapter, graph, chapter_of=chapter_of):
    """The reached names introduced after ``chapter``, each with the chain that reaches it."""
    return {target: " -> ".join(chain)
            for target, chain in reached(targets, graph).items()
            if chapter_of(target) > chapter}


def late_function_imports(graph, chapter_of=chapter_of):
    """Imports inside a function that bring in something newer than the function itself."""
    return [f"{where} ({chapter_of(where)}) imports {imported} ({chapter_of(imported)})"
            for module, imports in graph.items() for where, imported in imports
            if where != module and chapter_of(imported) > chapter_of(where)]


# --- the map itself ----------------------------------------------------------------------------

def test_chapters_map_covers_every_module():
    missing = set(MODULES) - set(CHAPTERS)
    assert not missing, f"modules without a chapter in nnlib.CHAPTERS: {missing}"


def test_every_entry_of_the_map_names_something_real():
    for key in CHAPTERS:
        module, *path = key.split(".")
        assert module in MODULES, key
        value = importlib.import_module(f"nnlib.{module}")
        for part in path:
            assert hasattr(value, part), f"CHAPTERS has {key!r}, but nnlib has no such name"
            value = getattr(value, part)


def test_later_names_are_not_dated_before_their_module():
    for key, chapter in CHAPTERS.items():
        if "." in key:
            parent = key.rsplit(".", 1)[0]
            assert chapter > chapter_of(parent), f"{key}: {chapter} adds nothing to {parent}"


def test_docstrings_that_name_a_chapter_agree_with_the_map():
    # "Introduced in chapter N" in a module's or a name's own docstring
    pattern = re.compile(r"Introduced in chapter (\d+)")
    checked = 0
    for module in MODULES:
        value = importlib.import_module(f"nnlib.{module}")
        names = [module] + [f"{module}.{name}" for name, obj in vars(value).items()
                            if getattr(obj, "__module__", None) == value.__name__]
        for name in names:
            obj = value if name == module else getattr(value, name.split(".", 1)[1])
            match = pattern.search(obj.__doc__ or "")
            if match:
                checked += 1
                assert int(match.group(1)) == chapter_of(name), (
                    f"{name}'s docstring says chapter {match.group(1)}, CHAPTERS {chapter_of(name)}")
    assert checked > 30


def test_nnlib_imports_nothing_inside_a_function_that_is_newer_than_the_function():
    assert late_function_imports(NNLIB_GRAPH) == []


# --- the checker can fail ----------------------------------------------------------------------

FAKE_CHAPTERS = {"early": 1, "middle": 2, "late": 5, "middle.later_name": 4}


def fake_chapter_of(name):
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in FAKE_CHAPTERS:
            return FAKE_CHAPTERS[".".join(parts[:end])]
    raise KeyError(name)


def test_the_checker_follows_imports_through_modules():
    graph = import_graph({
        "early": "from nnlib.middle import helper\n",
        "middle": "import numpy\nfrom nnlib.late import thing\n\ndef helper():\n    pass\n",
        "late": "def thing():\n    pass\n",
    })
    found = too_late(["early.f"], 1, graph, fake_chapter_of)
    assert found == {"middle.helper": "early.f -> middle.helper",
                     "late.thing": "early.f -> middle.helper -> late.thing"}
    assert too_late(["early.f"], 5, graph, fake_chapter_of) == {}


def test_the_checker_charges_a_function_level_import_to_its_function():
    graph = import_graph({
        "middle": "class A:\n    def later_name(self):\n        from nnlib.late import thing\n",
        "late": "",
    })
    assert too_late(["middle.A"], 2, graph, fake_chapter_of) == {}     # runs only when called
    assert late_function_imports(graph, fake_chapter_of) == [
        "middle.A.later_name (2) imports late.thing (5)"]
    graph["middle"] = import_graph({"middle": "def later_name():\n    from nnlib.late import thing\n"})["middle"]
    assert late_function_imports(graph, fake_chapter_of) == [
        "middle.later_name (4) imports late.thing (5)"]


def test_the_checker_sees_every_form_of_import():
    source = ("import nnlib.layers\nfrom nnlib.optimizers import Adam\n"
              "from nnlib import Dense, accuracy, _fast_steps\n")
    assert {target for _, target in nnlib_names_imported(ast.parse(source), "nb")} == {
        "layers", "optimizers.Adam", "layers.Dense", "metrics.accuracy", "_fast_steps"}


# --- the notebooks -----------------------------------------------------------------------------

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_reaches_only_what_its_chapter_has_taught(notebook):
    chapter = int(notebook.name[:2])
    source = code_of(notebook)
    targets = [target for _, target in nnlib_names_imported(ast.parse(source), "notebook")]
    assert "nnlib" not in targets, "import names from nnlib explicitly"
    assert targets, f"{notebook.name} imports nothing from nnlib"
    unknown = [t for t in targets if t.split(".")[0] not in CHAPTERS]
    assert not unknown, f"{notebook.name} imports unknown nnlib modules {unknown}"
    late = too_late(targets, chapter, NNLIB_GRAPH)
    assert not late, f"{notebook.name} (chapter {chapter}) reaches later chapters' names: {late}"
    assert not re.search(r"sys\.path", source), f"{notebook.name} edits sys.path; install nnlib instead"


# --- one export list ---------------------------------------------------------------------------

def test_exports_is_the_one_list_of_public_functions_and_classes():
    import inspect

    public = {}
    for module in MODULES:
        if module.startswith("_"):
            continue
        value = importlib.import_module(f"nnlib.{module}")
        assert not hasattr(value, "__all__"), f"nnlib.{module} keeps its own export list"
        for name, obj in vars(value).items():
            if (not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
                    and obj.__module__ == value.__name__):
                public[name] = module
    assert nnlib.EXPORTS == public
    assert nnlib.__all__ == sorted(public)


def test_exported_names_resolve_lazily_from_the_package():
    assert nnlib.Dense is importlib.import_module("nnlib.layers").Dense
    with pytest.raises(AttributeError, match="module 'nnlib' has no attribute 'Dens'"):
        nnlib.Dens  # noqa: B018
