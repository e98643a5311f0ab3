"""Two small fixes to what Jupyter Book 1.x's theme puts on every page, so pages load without
console errors (tests_site/ checks that):

* sphinx-thebe adds its configuration script (``const THEBE_JS_URL = ...``) once per reading
  of the sources, and Jupyter Book reads them twice: the second copy throws "Identifier
  'THEBE_JS_URL' has already been declared". Each page keeps one copy of every script.
* the PyData theme logs "Got invalid theme mode" when no default colour mode is set: it is
  "auto" (the reader's system setting) unless ``html_context`` sets one.
"""


def one_copy_of_each_script(app, pagename, templatename, context, doctree):
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        filename = getattr(script, "filename", script) or ""      # None and "" both mean inline
        key = (str(filename), repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept


def setup(app):
    app.connect("html-page-context", one_copy_of_each_script, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
