"""The interactive widgets, tested in a real browser (run with ``make test-browser``).

For each front-end (JupyterLab and Notebook 7) the test starts a Jupyter server on 127.0.0.1
(a free port, a random token, configuration and runtime folders of its own), opens a temporary
COPY of chapter 3 in headless Chromium through Playwright, runs all cells from the Run menu,
moves the step-size slider of the chapter's last widget twice (the End key, then a mouse drag)
and checks that the live widget (not the static picture stored with it) showed its figure at
once and redrew it after each move: the PNG shown after each move differs from the one before. The committed notebook is never opened, so the front-end's autosave
cannot touch it.

Screenshots and the server's log land in build/browser/ (git-ignored). The server is shut
down whatever happens: politely through its REST API first (that also stops the kernel), then
its whole process group is killed.

Needs Chromium at /usr/bin/chromium (Debian: ``sudo apt-get install chromium``; set CHROMIUM
to use another binary) and the packages in requirements-browser.txt. Playwright is only the
driver here: it never downloads a browser of its own.
"""
import base64
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "03-hill-climbing.ipynb"
ARTEFACTS = REPO / "build" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Python module that starts each front-end's server, and the page that opens a notebook in it.
FRONTENDS = {
    "lab": ("jupyterlab", "lab/tree/{name}"),
    "notebook7": ("notebook", "notebooks/{name}"),
}

# Bounded waits (seconds), generous for two busy cores. A passing run takes about 40 s per
# front-end; a hanging one fails after at most about 8 minutes.
SERVER_START_S = 60
PAGE_LOAD_S = 60
RUN_ALL_S = 120
REDRAW_S = 45

# Front-end settings for a clean, predictable page: every cell in the DOM (no virtual
# scrolling, so cells far down can be found), no news or update pop-ups.
USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


# ---------------------------------------------------------------------------------------------
# The Jupyter server
# ---------------------------------------------------------------------------------------------
def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterServer:
    """A running Jupyter server: its base URL, token and a small REST client."""

    def __init__(self, process, base_url, token, log_path):
        self.process = process
        self.base_url = base_url
        self.token = token
        self.log_path = log_path

    def api(self, path, method="GET", timeout=10):
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, n_lines=40):
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        return "\n".join(lines[-n_lines:])

    def wait_until_ready(self):
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the Jupyter server exited with code {self.process.returncode} "
                            f"before it answered. Its log ends with:\n{self.log_tail()}")
            try:
                self.api("/api/status", timeout=2)
                return
            except (urllib.error.URLError, OSError, ValueError):
                time.sleep(0.5)
        pytest.fail(f"the Jupyter server did not answer within {SERVER_START_S} s. "
                    f"Its log ends with:\n{self.log_tail()}")

    def kernels(self):
        return self.api("/api/kernels")

    def stop(self):
        """Shut the server down: REST shutdown (stops kernels), then kill its process group."""
        if self.process.poll() is None:
            with contextlib.suppress(Exception):
                self.api("/api/shutdown", method="POST", timeout=5)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        for sig, grace in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)  # the server and anything it started in its group
            except ProcessLookupError:
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace)


@contextlib.contextmanager
def jupyter_server(frontend, root_dir, scratch):
    """Start the front-end's server on 127.0.0.1 with its own config; always stop it."""
    module, _ = FRONTENDS[frontend]
    config_dir = scratch / "jupyter-config"
    for relative, values in USER_SETTINGS.items():
        path = config_dir / "lab" / "user-settings" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    token = secrets.token_hex(24)
    port = free_port()
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # kernels must keep matplotlib's inline backend
    env.pop("JUPYTER_PATH", None)
    env.update(
        NNLIB_PROGRESS="0",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        JUPYTER_TOKEN=token,  # in the environment, not on the command line
        JUPYTER_CONFIG_DIR=str(config_dir),
        JUPYTER_DATA_DIR=str(scratch / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(scratch / "jupyter-runtime"),
        IPYTHONDIR=str(scratch / "ipython"),
        JUPYTER_PREFER_ENV_PATH="1",
    )
    command = [
        sys.executable, "-m", module,
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.terminals_enabled=False",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI containers run as root
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTEFACTS / f"{frontend}-server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=root_dir, env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = JupyterServer(process, f"http://127.0.0.1:{port}", token, log_path)
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------
# The browser
# ---------------------------------------------------------------------------------------------
@contextlib.contextmanager
def chromium_page(profile_dir):
    """A page in headless Chromium (the system's binary) with a fresh user-data folder."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"no Chromium at {CHROMIUM}: install it with 'sudo apt-get install chromium' "
                    "(or set CHROMIUM to a Chromium binary)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the 'playwright' package is missing: "
                    ".venv/bin/python -m pip install -r requirements-browser.txt")
    # Chromium keeps crash reports and caches under XDG folders (~/.config/chromium/...):
    # point them into the scratch folder too, so the run leaves nothing in the home folder.
    xdg = profile_dir.parent / "chromium-xdg"
    env = dict(os.environ, XDG_CONFIG_HOME=str(xdg / "config"), XDG_CACHE_HOME=str(xdg / "cache"))
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile_dir),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            env=env,
            headless=True,
            viewport={"width": 1280, "height": 1000},
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def serve_a_copy(frontend, notebook, tmp_path):
    """Check that ``frontend``'s server package is installed and copy ``notebook`` into
    ``tmp_path/notebooks``, the folder the server will serve: the browser only ever sees this
    copy. Returns (the front-end's page path for a notebook, that folder)."""
    module, page_path = FRONTENDS[frontend]
    try:
        __import__(module)
    except ImportError:
        pytest.fail(f"the '{module}' package is missing: "
                    ".venv/bin/python -m pip install -r requirements-browser.txt")
    root_dir = tmp_path / "notebooks"
    root_dir.mkdir()
    shutil.copy2(notebook, root_dir / notebook.name)
    return page_path, root_dir


def screenshot_prefix(name):
    """``build/browser/<name>``, the start of a test's screenshot names, with the failure
    screenshot of an earlier run removed."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTEFACTS / name
    Path(f"{prefix}-failure.png").unlink(missing_ok=True)
    return prefix


def wait_for(condition, timeout, what, on_timeout=lambda: ""):
    """Poll condition() until it returns something truthy; fail with `what` after timeout s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}. {on_timeout()}")
        time.sleep(0.25)


def error_outputs(page):
    """Texts of the error outputs (tracebacks) on the page."""
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
    return [errors.nth(i).inner_text() for i in range(errors.count())]


def run_all_cells(page):
    """Run -> Run All Cells, through the menu bar that both front-ends share."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def all_code_cells_executed(page):
    """True when every code cell shows an execution count ([12]:), none queued ([*]:).

    A folded cell (an exercise's model solution or hidden tests) hides its input and with it
    its prompt, which then reads empty: as many empty prompts as folded inputs are allowed, and
    the kernel being idle (checked beside this) says that they ran too."""
    prompts = [p.strip() for p in page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()]
    folded = page.locator(".jp-CodeCell .jp-InputPlaceholder").count()
    shown = [p for p in prompts if p]
    return (bool(shown) and len(prompts) - len(shown) == folded
            and all(re.fullmatch(r"\[\d+\]:", p) for p in shown))


def kernel_idle(server):
    kernels = server.kernels()
    return len(kernels) == 1 and kernels[0]["execution_state"] == "idle"


def plot_png(widget):
    """The PNG bytes of the figure in the widget's Output area, or None when it shows none."""
    images = widget.locator(".widget-output img")
    if images.count() == 0:
        return None
    src = images.last.get_attribute("src") or ""
    prefix = "data:image/png;base64,"
    return base64.b64decode(src[len(prefix):]) if src.startswith(prefix) else None


def press_on_handle(page, slider, key):
    """Move the slider with the keyboard: give its handle the focus, then press `key`.

    The label is clicked first so that the widget's cell becomes the active cell; otherwise
    Notebook 7 takes the focus back to the previously active cell (a click on the handle
    itself would do too, but it can nudge the value to the nearest step). Home and End work in
    both front-ends; the arrow keys do not in Notebook 7, where command mode binds ArrowLeft
    and ArrowRight to moving between headings, so the slider never sees them.
    """
    slider.locator(".widget-label").click()
    handle = slider.locator(".noUi-handle")
    handle.focus()
    wait_for(lambda: handle.evaluate("h => document.activeElement === h"), 10,
             "the slider's handle to take the keyboard focus")
    page.keyboard.press(key)


def drag_handle(page, slider, fraction):
    """Move the slider with the mouse: drag its handle to `fraction` of the track's length."""
    slider.scroll_into_view_if_needed()
    track = slider.locator(".noUi-base").bounding_box()
    handle = slider.locator(".noUi-handle").bounding_box()
    y = handle["y"] + handle["height"] / 2
    page.mouse.move(handle["x"] + handle["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] + fraction * track["width"], y, steps=10)
    page.mouse.up()


# ---------------------------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("frontend", list(FRONTENDS))
def test_step_slider_redraws_the_plot(frontend, tmp_path):
    page_path, root_dir = serve_a_copy(frontend, NOTEBOOK, tmp_path)
    committed = NOTEBOOK.read_bytes()
    prefix = screenshot_prefix(f"{frontend}-{NOTEBOOK.stem}")

    with jupyter_server(frontend, root_dir, tmp_path) as server, \
            chromium_page(tmp_path / "chromium-profile") as page:
        try:
            page.set_default_timeout(PAGE_LOAD_S * 1000)
            page.goto(f"{server.base_url}/{page_path.format(name=NOTEBOOK.name)}"
                      f"?token={server.token}", wait_until="domcontentloaded")
            page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(state="visible")
            wait_for(lambda: kernel_idle(server), PAGE_LOAD_S, "the kernel to start and go idle",
                     lambda: f"Kernels: {server.kernels()}")

            run_all_cells(page)
            slider = page.locator(".widget-hslider",
                                  has=page.locator(".widget-label", has_text=re.compile(r"^step$")))
            widget = page.locator(".widget-vbox", has=slider)

            def finished():
                if error_outputs(page):
                    pytest.fail("a cell raised an error:\n" + "\n".join(error_outputs(page)))
                return (slider.count() == 1 and slider.is_visible()
                        and all_code_cells_executed(page) and kernel_idle(server))

            prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
            wait_for(finished, RUN_ALL_S, "all cells to run and the step slider to render",
                     lambda: f"Execution prompts: {prompts.all_inner_texts()}")

            readout = slider.locator(".widget-readout")
            readouts = [readout.inner_text()]
            plots = [plot_png(widget)]  # the figure at the slider's starting value
            image_counts = []
            moves = {
                "pressing End on the slider": lambda: press_on_handle(page, slider, "End"),
                "dragging the slider to a quarter of its track":
                    lambda: drag_handle(page, slider, 0.25),
            }
            for n, (move, do_move) in enumerate(moves.items(), start=1):
                do_move()
                wait_for(lambda: (png := plot_png(widget)) is not None and png != plots[-1],
                         REDRAW_S, f"the plot to be redrawn after {move}",
                         lambda: f"Slider readout: {readout.inner_text()!r} "
                                 f"(was {readouts[-1]!r}).")
                wait_for(lambda: kernel_idle(server), REDRAW_S, "the kernel to finish the redraw")
                readouts.append(readout.inner_text())
                plots.append(plot_png(widget))
                image_counts.append(widget.locator(".widget-output img").count())
                (ARTEFACTS / f"{frontend}-plot-{n}.png").write_bytes(plots[-1])

            widget.scroll_into_view_if_needed()
            widget.screenshot(path=f"{prefix}-widget.png")
            page.screenshot(path=f"{prefix}-page.png")
        except BaseException:
            with contextlib.suppress(Exception):
                page.screenshot(path=f"{prefix}-failure.png")
            raise

    # The live widget showed its figure before any move; each move changed the slider's value
    # and drew a different figure in its place.
    assert len(set(readouts)) == 3, f"the slider's value did not change with each move: {readouts}"
    assert plots[0] and plots[0].startswith(b"\x89PNG"), "the widget showed no figure before a move"
    assert all(png and png.startswith(b"\x89PNG") for png in plots[1:]), "a redraw showed no PNG"
    assert plots[1] != plots[0] and plots[2] != plots[1], "the plot did not change"
    assert image_counts == [1, 1], f"a redraw added a figure, not replaced it: {image_counts}"
    assert NOTEBOOK.read_bytes() == committed, "the committed notebook was modified"

