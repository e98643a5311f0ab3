"""Make every chapter runnable wherever a learner opens it, from the repository set ONCE in
site/_config.yml (``repository: url, branch``).

* Each chapter notebook gets, as its first code cell (before its imports), a short cell with id
  ``install-course`` that installs the course's package with what the chapters use,
  ``nnlib[course]`` from the repository, when ``nnlib`` cannot be imported: a chapter opened
  alone, as Colab opens it, then runs top to bottom. Where the course is installed (``make
  install``, Binder, conda) the cell prints nothing and changes nothing, so the stored outputs
  and nbval are as before. Its tag ``remove-cell`` leaves it out of the website.
* README's launch links (between the ``launch-links`` comment lines) are rewritten: Binder for
  the whole course, Colab for each chapter.

Idempotent: a cell that is already there is brought up to date in place (its id, position and
everything else kept), and files are written only when they change. Re-run it after merging
notebook changes or after changing the repository in site/_config.yml. ``--check`` changes
nothing and exits 1 when a file is not up to date (tests/test_launch.py uses it).

    python scripts/add_setup_cell.py [--check] [NOTEBOOK ...]
"""
import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "site" / "_config.yml"
README = REPO / "README.md"
CELL_ID = "install-course"
TAGS = ["remove-cell"]
BEGIN, END = "<!-- launch-links", "<!-- /launch-links -->"

CELL = '''\
# Opened on its own (in Colab, say)? This installs the course's package, nnlib, and what the
# chapter uses. Where the course is installed already, it does nothing.
import importlib.util
import subprocess
import sys

COURSE_PACKAGE = "{requirement}"
if importlib.util.find_spec("nnlib") is None:
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", COURSE_PACKAGE],
                             capture_output=True, text=True)
    if install.returncode != 0:
        raise RuntimeError(f"installing the course's package failed:\\n{install.stderr}")
    importlib.invalidate_caches()'''


def repository():
    """(url without .git, branch) from site/_config.yml."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["repository"]
    return config["url"].rstrip("/").removesuffix(".git"), config.get("branch", "main")


def requirement(url, branch):
    return f"nnlib[course] @ git+{url}@{branch}"


def cell_source(url, branch):
    return CELL.replace("{requirement}", requirement(url, branch))


def launch_urls(url, branch, path):
    """(Binder, Colab) addresses that open ``path`` (relative to the repository)."""
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+)", url)
    if not match:
        raise ValueError(f"site/_config.yml: Binder and Colab links need a GitHub repository, got {url}")
    owner, name = match.groups()
    binder = f"https://mybinder.org/v2/gh/{owner}/{name}/{branch}?urlpath=lab/tree/{path}"
    colab = f"https://colab.research.google.com/github/{owner}/{name}/blob/{branch}/{path}"
    return binder, colab


def with_setup_cell(notebook, source):
    """``notebook`` with its install cell present and up to date; True when something changed."""
    cells = notebook.cells
    existing = [cell for cell in cells if cell.get("id") == CELL_ID]
    if existing:
        cell = existing[0]
        changed = cell.source != source or cell.metadata.get("tags") != TAGS
        cell.source = source
        cell.metadata["tags"] = list(TAGS)
        return changed
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(TAGS)})
    cell.id = CELL_ID
    first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    cells.insert(first_code, cell)
    return True


def readme_block(url, branch, notebooks):
    binder, _ = launch_urls(url, branch, "notebooks")
    lines = [f"{BEGIN}: made by scripts/add_setup_cell.py from site/_config.yml -->",
             f"**Run it in your browser:** [open the course in Binder]({binder})"
             " (everything installed, ready to run), or open one chapter in Colab (its first cell"
             " installs the course's package):"]
    lines.append(" · ".join(f"[{path.stem}]({launch_urls(url, branch, f'notebooks/{path.name}')[1]})"
                            for path in notebooks) + ".")
    lines.append(END)
    return "\n".join(lines)


def with_readme_block(text, block):
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < 0:
        raise ValueError(f"README.md has no {BEGIN} ... {END} lines")
    return text[:start] + block + text[end + len(END):]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if not up to date")
    args = parser.parse_args(argv)
    chapters = sorted((REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    url, branch = repository()
    source = cell_source(url, branch)
    stale = []
    for path in args.notebooks or chapters:
        notebook = nbformat.read(path, as_version=4)
        if with_setup_cell(notebook, source):
            stale.append(path)
            if not args.check:
                nbformat.write(notebook, path)
    readme = README.read_text(encoding="utf-8")
    updated = with_readme_block(readme, readme_block(url, branch, chapters))
    if updated != readme:
        stale.append(README)
        if not args.check:
            README.write_text(updated, encoding="utf-8")
    for path in stale:
        print(f"{'not up to date' if args.check else 'updated'}: {path.relative_to(REPO) if path.is_absolute() else path}")
    if args.check and stale:
        print("run: .venv/bin/python scripts/add_setup_cell.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
