"""Build the course's website (`make site`): Jupyter Book 1.x, from the committed notebooks.

The book is assembled in build/site-src/ and built into build/site/ (open build/site/index.html,
or `make serve-site`). Assembling it, rather than building in place, keeps the repository's
layout as it is: site/ holds the book's own files (_config.yml, the front page intro.md, the
offline-MathJax extension in _ext/), notebooks/ the chapters. On the way in:

* the table of contents lists every chapter notebook that is committed, in chapter order;
* the front page gets its chapter list (titles from the notebooks, one-line summaries from
  README's chapter table) and the table of published numbers from scripts/reproduce.py, so
  neither can drift from its source;
* the toggles of folded cells (tags ``solution`` and ``hidden-tests``, see
  scripts/fold_solutions.py) say "Show solution" and "Show the hidden tests";
* an ipywidgets output, which needs a running kernel, is shown as a note that says so.

Nothing is executed: the pages show the notebooks' stored outputs. Usage:

    python scripts/build_site.py [--out build/site]
"""
import argparse
import copy
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "site"
NOTEBOOKS = REPO / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

WIDGET_NOTE = (
    '<div class="widget-note"><p><strong>Interactive widget.</strong> Here the chapter shows '
    "a control that redraws its figure when you move it. It needs a running Python kernel, so "
    "it does not work on this page: open the chapter in Binder or Colab (the rocket button at "
    "the top of the page) or in JupyterLab (<code>make lab</code>) to use it.</p></div>"
)


def chapters():
    """The chapter notebooks, in chapter order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def title_of(notebook, fallback):
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def readme_summaries():
    """{chapter stem: what it teaches} from README's chapter table."""
    summaries = {}
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        row = re.fullmatch(r"\|\s*`(\d\d-[\w-]+)`\s*\|(.*)\|\s*", line)
        if row:
            summaries[row.group(1)] = row.group(2).strip()
    return summaries


def chapter_list(titles):
    summaries = readme_summaries()
    lines = []
    for stem, title in titles.items():            # titles read "Chapter N — ...": bullets, not numbers
        summary = summaries.get(stem, "")
        lines.append(f"- [{title}](notebooks/{stem}.ipynb)" + (f": {summary}" if summary else ""))
    return "\n".join(lines)


def published_table():
    """The published numbers that `make reproduce` re-runs, from scripts/reproduce.py itself."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import reproduce
    finally:
        sys.path.pop(0)
    kinsley = "Kinsley & Kukieła, *Neural Networks from Scratch in Python*"
    rows = []
    for name, (*_, accuracy, loss) in reproduce.SINE_RUNS.items():
        published = f"accuracy {accuracy}" + (f", loss {loss}" if loss != "-" else "")
        published = published.replace("*", "\\*")           # the book's footnote mark, not emphasis
        rows.append((kinsley, f"sine regression, {name}, 10,000 epochs", published,
                     "[7](notebooks/07-regression.ipynb)"))
    raschka = ", ".join(f"{part} {value:.2f} %" for part, value in reproduce.RASCHKA_PUBLISHED.items())
    rows.append(("Raschka, *Python Machine Learning*", "784-100-10 sigmoid MLP, 200 epochs "
                 "on MNIST: accuracy", raschka, "[8](notebooks/08-mnist-mlp.ipynb)"))
    rows.append(("Saito, *Deep Learning from Scratch*", "optimizers on MNIST, 2,000 "
                 "iterations: final loss, lowest first", "AdaGrad, Adam, Momentum << SGD",
                 "[6](notebooks/06-optimizers.ipynb)"))
    table = ["| book | experiment | published | chapter |", "| --- | --- | --- | --- |"]
    previous = None
    for source, *rest in rows:                  # each book named once, on its first row
        cells = ["" if source == previous else source] + rest
        previous = source
        table.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    footnotes = [note.replace("*", "\\*", 1) for note in [getattr(reproduce, "SINE_FOOTNOTE", "")] if note]
    return "\n".join(table) + "".join(f"\n\n{note}" for note in footnotes)


# The label of the toggle that folds a cell, by the cell's tag (the folding contract's tags).
TOGGLE_LABELS = {
    "solution": ("Show solution", "Hide solution"),
    "hidden-tests": ("Show the hidden tests (they run at grading)", "Hide the hidden tests"),
}


def for_the_site(notebook):
    """A copy of ``notebook`` for the site: folded cells' toggles say what they hide, and each
    widget output is replaced by a note (widgets need a kernel)."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        for tag, (show, hide) in TOGGLE_LABELS.items():
            if cell.cell_type == "code" and tag in cell.metadata.get("tags", []):
                cell.metadata.setdefault("mystnb", {}).update(code_prompt_show=show,
                                                             code_prompt_hide=hide)
        for number, output in enumerate(cell.get("outputs", [])):
            if WIDGET_VIEW in output.get("data", {}):
                cell.outputs[number] = nbformat.v4.new_output(
                    "display_data", data={"text/html": WIDGET_NOTE,
                                          "text/plain": html.unescape(re.sub("<[^>]+>", "", WIDGET_NOTE))})
    return notebook


def assemble(source):
    """Lay out the book in ``source``: site/'s files, the chapters, the table of contents."""
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(SITE, source, ignore=shutil.ignore_patterns("__pycache__", "_build"))
    (source / "notebooks").mkdir()
    titles = {}
    for path in chapters():
        notebook = nbformat.read(path, as_version=4)
        titles[path.stem] = title_of(notebook, path.stem)
        nbformat.write(for_the_site(notebook), source / "notebooks" / path.name)
    toc = ["# Made by scripts/build_site.py from the committed notebooks.", "format: jb-book",
           "root: intro", "chapters:"]
    toc += [f"- file: notebooks/{stem}" for stem in titles]
    (source / "_toc.yml").write_text("\n".join(toc) + "\n", encoding="utf-8")
    intro = (source / "intro.md").read_text(encoding="utf-8")
    for marker, text in (("<!-- CHAPTERS -->", chapter_list(titles)),
                         ("<!-- PUBLISHED -->", published_table())):
        if marker not in intro:
            raise ValueError(f"site/intro.md has no {marker} line")
        intro = intro.replace(marker, text)
    (source / "intro.md").write_text(intro, encoding="utf-8")
    return titles


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "site",
                        help="where the finished site goes (default build/site)")
    args = parser.parse_args(argv)
    source = REPO / "build" / "site-src"
    titles = assemble(source)
    print(f"build_site: {len(titles)} chapters assembled in {source.relative_to(REPO)}", flush=True)
    log = REPO / "build" / "site-build.log"
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(source), "--builder", "html"]
    with log.open("w") as stream:
        result = subprocess.run(command, stdout=stream, stderr=subprocess.STDOUT, cwd=REPO)
    text = log.read_text(errors="replace")
    if result.returncode != 0:
        print(text[-4000:], file=sys.stderr)
        sys.exit(f"build_site: jupyter-book failed (exit {result.returncode}); full log in {log}")
    warnings = [line for line in text.splitlines() if "WARNING" in line]
    out = args.out.resolve()
    shutil.rmtree(out, ignore_errors=True)
    shutil.move(str(source / "_build" / "html"), out)
    for line in warnings:
        print("  " + line)
    print(f"build_site: {len(warnings)} warnings (log: {log.relative_to(REPO)}); "
          f"the site is in {out}: open {out / 'index.html'} or run `make serve-site`")


if __name__ == "__main__":
    main()
