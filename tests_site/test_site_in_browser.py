"""The course's website, tested in a real browser (``make test-site``, after ``make site``).

The built site (build/site/, or SITE_DIR) is served on 127.0.0.1 from a free port, and every
HTML page of it is opened in headless Chromium (the system's, driven by Playwright as in
tests_browser/). On each page:

* no console error and no uncaught exception;
* no request leaves 127.0.0.1: every request to another host is blocked and fails the test
  (MathJax, fonts and scripts must be served by the site itself);
* no request fails and no response is an HTTP error;
* every image has loaded (complete, with a width);
* every formula is typeset: after MathJax has finished, each math element holds a MathJax
  rendering and none is a MathJax error;
* every internal link resolves: its page exists and, for a link to #anchor, the element too.

Then the folded exercises: each chapter that has exercises folds its solutions, the solution
cell's code is hidden until its "Show solution" toggle is clicked and visible after, and a
written answer opens from its "Our answer" summary. Screenshots of every page (and of an opened
solution) land in build/site-screenshots/ for a person to look at.
"""
import functools
import http.server
import os
import re
import socket
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("SITE_DIR", REPO / "build" / "site"))
SCREENSHOTS = REPO / "build" / "site-screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGE_LOAD_MS = 60_000
MATHJAX_MS = 60_000


def pages():
    """Every HTML page of the built site, relative to its root."""
    if not (SITE / "index.html").is_file():
        return []
    return sorted(str(path.relative_to(SITE)) for path in SITE.rglob("*.html")
                  if "_static" not in path.parts and "_sources" not in path.parts)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site in {SITE}: run `make site` first")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM} (sudo apt-get install chromium, or set CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageWatch:
    """A fresh page whose console errors, failed and outside requests are recorded."""

    def __init__(self, browser, site_url):
        self.site_url = site_url
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.errors, self.outside, self.failed = [], [], []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(
            f"console: {m.text} ({m.location.get('url', '')})"))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("requestfailed", lambda r: r.url.startswith(site_url) and self.failed.append(
            f"{r.url}: {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(
            f"{r.url}: HTTP {r.status}"))

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.site_url) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def close(self):
        self.context.close()


def typeset_math(page):
    """(number of math elements, number typeset, MathJax errors) once MathJax has finished."""
    count = page.locator(".math").count()
    if count == 0:
        return 0, 0, 0
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise",
                           timeout=MATHJAX_MS)
    page.evaluate("MathJax.startup.promise")
    typeset = page.evaluate(
        "[...document.querySelectorAll('.math')].filter(e => e.querySelector('mjx-container')"
        " || e.tagName.toLowerCase() === 'mjx-container').length")
    return count, typeset, page.locator("mjx-merror").count()


def broken_images(page):
    return page.evaluate(
        "[...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.getAttribute('src'))")


def internal_links(page, site_url):
    hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    return sorted({href for href in hrefs if href.startswith(site_url)})


@functools.lru_cache(maxsize=None)
def fetch(url):
    """(status, text) of ``url`` on the test's server."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def unresolved(link):
    """Why ``link`` does not resolve, or None."""
    target, _, fragment = link.partition("#")
    status, text = fetch(target)
    if status != 200:
        return f"HTTP {status}"
    if fragment and not re.search(r'\bid="%s"' % re.escape(urllib.parse.unquote(fragment)), text):
        return f"no element with id {fragment!r}"
    return None


@pytest.mark.parametrize("name", pages() or ["(no built site)"])
def test_page(browser, site_url, name):
    watch = PageWatch(browser, site_url)
    try:
        page = watch.page
        page.goto(site_url + name, wait_until="load", timeout=PAGE_LOAD_MS)
        page.wait_for_load_state("networkidle", timeout=PAGE_LOAD_MS)
        count, typeset, merrors = typeset_math(page)
        page.wait_for_load_state("networkidle", timeout=PAGE_LOAD_MS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / (name.replace("/", "_") + ".png")),
                        full_page=name == "intro.html")     # the front page whole, others their top
        images = broken_images(page)
        links = internal_links(page, site_url)
        bad_links = {link: why for link in links if (why := unresolved(link))}
        assert not watch.outside, f"{name} asked other hosts: {watch.outside}"
        assert not watch.errors, f"{name}: {watch.errors}"
        assert not watch.failed, f"{name}: failed requests {watch.failed}"
        assert not images, f"{name}: images that did not load: {images}"
        assert typeset == count and merrors == 0, \
            f"{name}: {typeset} of {count} formulas typeset, {merrors} MathJax errors"
        assert not bad_links, f"{name}: internal links that do not resolve: {bad_links}"
        if name.startswith("notebooks/"):
            assert count == 0 or typeset > 0
            assert links, f"{name}: no internal links (navigation missing?)"
    finally:
        watch.close()


def chapter_pages():
    return [name for name in pages() if name.startswith("notebooks/")]


def test_every_chapter_is_a_page_and_the_front_page_lists_it(browser, site_url):
    notebooks = sorted(p.stem for p in (REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert [Path(name).stem for name in chapter_pages()] == notebooks
    watch = PageWatch(browser, site_url)
    try:
        watch.page.goto(site_url + "intro.html", wait_until="load", timeout=PAGE_LOAD_MS)
        linked = set(internal_links(watch.page, site_url))
        for stem in notebooks:
            assert f"{site_url}notebooks/{stem}.html" in linked, f"the front page does not link {stem}"
        text = watch.page.inner_text("main")
        for claim in ("make reproduce", "make test", "make assignments"):
            assert claim in text
    finally:
        watch.close()


def test_search_finds_a_chapter(browser, site_url):
    watch = PageWatch(browser, site_url)
    try:
        watch.page.goto(site_url + "search.html?q=backpropagation", wait_until="load",
                        timeout=PAGE_LOAD_MS)
        results = watch.page.locator("#search-results li a")
        results.first.wait_for(timeout=PAGE_LOAD_MS)
        hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
        assert any("05-backpropagation" in href for href in hrefs), hrefs
        assert not watch.outside and not watch.errors, (watch.outside, watch.errors)
    finally:
        watch.close()


@pytest.mark.parametrize("name", chapter_pages() or ["(no built site)"])
def test_solutions_are_folded_and_open(browser, site_url, name):
    notebook = REPO / "notebooks" / (Path(name).stem + ".ipynb")
    import nbformat

    cells = nbformat.read(notebook, as_version=4).cells
    code_solutions = [c for c in cells if c.cell_type == "code" and "solution" in c.metadata.get("tags", [])]
    written = [c for c in cells if c.cell_type == "markdown" and "solution" in c.metadata.get("tags", [])]
    if not code_solutions and not written:
        pytest.skip(f"{notebook.name} has no folded solutions (scripts/fold_solutions.py)")
    watch = PageWatch(browser, site_url)
    try:
        page = watch.page
        page.goto(site_url + name, wait_until="load", timeout=PAGE_LOAD_MS)
        cells_on_page = page.locator("div.cell.tag_solution")
        assert cells_on_page.count() == len(code_solutions)
        first = cells_on_page.first
        code = first.locator(".cell_input pre")
        assert not code.is_visible(), "a solution is shown before its toggle is opened"
        toggle = first.locator("summary").first
        assert "Show solution" in toggle.inner_text()
        toggle.click()
        code.wait_for(state="visible", timeout=10_000)
        assert "Hide solution" in toggle.inner_text()
        first.screenshot(path=str(SCREENSHOTS / (Path(name).stem + "-solution-open.png")),
                         animations="disabled")      # the toggle's fade-in finished, not mid-way
        if written:
            answer = page.locator("details", has=page.locator("summary", has_text="Our answer")).first
            body = answer.locator("p").last
            assert not body.is_visible(), "a written answer is shown before it is opened"
            answer.locator("summary").click()
            body.wait_for(state="visible", timeout=10_000)
        assert not watch.outside and not watch.errors, (watch.outside, watch.errors)
    finally:
        watch.close()
