"""Folded exercises, seen in a real browser (run with ``make test-browser``).

Opens a temporary COPY of chapter 2 in JupyterLab and in Notebook 7 (headless Chromium, the
same server and browser set-up as test_widgets_in_browser.py) and checks what a learner sees
at exercise 1: the task and the visible checks are shown; the model solution's input and
output, and the hidden tests' input, are collapsed; clicking the solution's placeholders shows
its code, then its output; our written answer is a closed <details> that opens on a click; the View menu offers
*Expand All Code* and *Expand All Outputs*, as the chapters' exercises intro says. Nothing is
run: what is folded is decided by the stored notebook. Screenshots of the folded and the
opened exercise land in build/browser/.
"""
import contextlib
import re
from pathlib import Path

import pytest

from test_widgets_in_browser import (FRONTENDS, PAGE_LOAD_S, chromium_page, jupyter_server,
                                     screenshot_prefix, serve_a_copy, wait_for)

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "02-random-search.ipynb"
TASK_HEADING = re.compile(r"Exercise 1 — A different stream")


def cell_after(cells, index, offset):
    return cells.nth(index + offset)


@pytest.mark.parametrize("frontend", list(FRONTENDS))
def test_the_solution_is_folded_and_opens_on_a_click(frontend, tmp_path):
    page_path, root_dir = serve_a_copy(frontend, NOTEBOOK, tmp_path)
    committed = NOTEBOOK.read_bytes()
    prefix = screenshot_prefix(f"{frontend}-{NOTEBOOK.stem}-folding")

    with jupyter_server(frontend, root_dir, tmp_path) as server, \
            chromium_page(tmp_path / "chromium-profile") as page:
        try:
            page.set_default_timeout(PAGE_LOAD_S * 1000)
            page.goto(f"{server.base_url}/{page_path.format(name=NOTEBOOK.name)}?token={server.token}",
                      wait_until="domcontentloaded")
            cells = page.locator(".jp-Notebook .jp-Cell")
            cells.first.wait_for(state="visible")
            heading = page.locator(".jp-Notebook h3", has_text=TASK_HEADING)
            heading.wait_for(state="attached")
            texts = cells.all_inner_texts()
            (task,) = [i for i, text in enumerate(texts) if TASK_HEADING.search(text)]
            solution, checks, hidden, answer = (cell_after(cells, task, k) for k in (1, 2, 3, 4))

            # folded: the solution's input and output, the hidden tests' input
            solution.scroll_into_view_if_needed()
            assert solution.locator(".jp-InputPlaceholder").is_visible(), "the solution's input is shown"
            assert not solution.locator(".jp-InputArea-editor").is_visible()
            # (with input and output folded, JupyterLab hides the whole output area)
            assert not solution.locator(".jp-OutputArea-output").first.is_visible(), "the solution's output is shown"
            # a folded input shows its first line (here the function's signature), no more
            assert "BEGIN SOLUTION" not in solution.inner_text()
            assert hidden.locator(".jp-InputPlaceholder").is_visible(), "the hidden tests' input is shown"
            assert "BEGIN HIDDEN TESTS" not in hidden.inner_text()
            assert "further checks" in hidden.inner_text()            # its first line, the comment
            # shown: the visible checks; our answer is a closed <details>
            assert checks.locator(".jp-InputArea-editor").is_visible()
            assert "assert" in checks.inner_text()
            details = answer.locator("details")
            assert details.count() == 1 and not details.evaluate("d => d.open")
            assert "Our answer (try yours first)" in answer.inner_text()
            assert not details.locator("p").first.is_visible(), "our answer is shown before a click"
            page.screenshot(path=f"{prefix}-folded.png")

            # a click on the placeholder opens the solution's code; a click on the summary, our answer
            solution.locator(".jp-InputPlaceholder").click()
            wait_for(lambda: solution.locator(".jp-InputArea-editor").is_visible(), 10,
                     "the solution's code to be shown after a click on its placeholder")
            wait_for(lambda: "BEGIN SOLUTION" in solution.inner_text(), 10, "the solution's code to appear")
            # its output is still folded, behind a placeholder of its own
            assert not solution.locator(".jp-OutputArea-output").first.is_visible()
            solution.locator(".jp-OutputPlaceholder").click()
            wait_for(lambda: solution.locator(".jp-OutputArea-output").first.is_visible(), 10,
                     "the solution's output to be shown after a click on its placeholder")
            answer.locator("summary").click()
            wait_for(lambda: details.evaluate("d => d.open"), 10, "our answer to open on a click")
            assert details.locator("p").first.is_visible()
            solution.scroll_into_view_if_needed()
            page.screenshot(path=f"{prefix}-opened.png")

            # the menu items the exercises intro names
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^View$")).click()
            items = page.locator(".lm-Menu-itemLabel").all_inner_texts()
            page.keyboard.press("Escape")
            assert "Expand All Code" in items and "Expand All Outputs" in items, items
        except BaseException:
            with contextlib.suppress(Exception):
                page.screenshot(path=f"{prefix}-failure.png")
            raise
    assert NOTEBOOK.read_bytes() == committed, "the committed notebook was modified"
