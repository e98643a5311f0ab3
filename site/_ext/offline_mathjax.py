"""Serve MathJax 3 from the site itself, so that no page asks another host for it.

Sphinx loads MathJax from a CDN unless ``mathjax_path`` says otherwise. This extension points
``mathjax_path`` at ``_static/mathjax/tex-chtml.js`` and, after a successful build, copies there
the parts of MathJax 3 that this component loads: the TeX input and its extensions, the CHTML
output with its web fonts, the menu and the accessibility code. The files come from PyPI's
``django-static-mathjax`` (MathJax's own ES5 build; requirements-site.txt), which is only a
folder of files here: nothing of Django is used or installed.
"""
import shutil
from pathlib import Path

PARTS = ("tex-chtml.js", "input", "output/chtml", "ui", "a11y", "sre", "adaptors")


def mathjax_es5():
    """The folder of MathJax's ES5 build inside the installed django-static-mathjax."""
    import mathjax  # django-static-mathjax's package

    folder = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"
    if not (folder / "tex-chtml.js").is_file():
        raise FileNotFoundError(f"no MathJax in {folder}: pip install -r requirements-site.txt")
    return folder


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_es5()
    target = Path(app.outdir) / "_static" / "mathjax"
    shutil.rmtree(target, ignore_errors=True)
    for part in PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)
    shutil.copy2(source.parent / "LICENSE", target / "LICENSE")


def setup(app):
    mathjax_es5()                       # fail at the start of the build, not at its end
    app.config.mathjax_path = "mathjax/tex-chtml.js"
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
