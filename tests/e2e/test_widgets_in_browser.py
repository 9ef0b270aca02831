"""End to end: the block explorer renders and reacts in a real JupyterLab, in Chromium.

A version mismatch between ``ipywidgets`` (kernel side) and ``jupyterlab_widgets`` (the
JupyterLab extension) breaks widgets silently: the kernel is happy, the page shows
"Error displaying widget" or the model's text repr, and no headless Python test notices.
This test starts JupyterLab from this interpreter's environment on a free loopback port,
opens a copy of the notebook in headless Chromium (driven by Playwright), runs every cell,
finds the block explorer by its checkbox labels, unticks "branch b3" (the 5x5 branch,
32 filters) and waits for the page's headline to go from 416 to 384 output channels,
which needs the round trip browser -> kernel -> browser to work.

Screenshots land in ``build/e2e/`` (before and after the click, and the whole page if the
test fails). The notebook is ``notebooks/01_naive_inception_block.ipynb``, or the file
named by the ``E2E_NOTEBOOK`` environment variable.

Skipped, with the reason shown by ``pytest -rs``, when Debian's Chromium is not at
``/usr/bin/chromium`` or the ``playwright`` package is not installed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.is_file():
    pytest.skip(
        f"Chromium not found at {CHROMIUM}: install Debian's chromium package to run the "
        "browser test",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the playwright package is not importable: install requirements.txt "
    "(playwright>=1.45) into the venv to run the browser test",
)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_NOTEBOOK = "notebooks/01_naive_inception_block.ipynb"
NOTEBOOK = Path(os.environ.get("E2E_NOTEBOOK") or REPO / DEFAULT_NOTEBOOK)
SCREENSHOTS = REPO / "build" / "e2e"

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SERVER_START_S = 60  # JupyterLab answering on its port
PAGE_LOAD_MS = 45_000  # JupyterLab's page, the notebook and its kernel
RUN_ALL_MS = 60_000  # every cell of the notebook executed
REACT_MS = 15_000  # a click reaching the kernel and the new headline reaching the page

BRANCHES = ("b1", "b2", "b3", "b4")
HEADLINE_BEFORE = "output 28x28x416"  # 64 + 128 + 32 + 192 channels
HEADLINE_AFTER = "output 28x28x384"  # without b3, the 5x5 branch of 32 filters

# User settings for the throwaway JupyterLab: no "Jupyter news?" toast, no update check,
# and every cell attached to the page (no windowing), so what the test reads is on it.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

# The explorer is a VBox with the bold "output HxWxC" headline as a direct child (an HTML
# widget) and, deeper, one checkbox per branch.
_VBOX = "contains(concat(' ', normalize-space(@class), ' '), ' widget-vbox ')"
_HTML = "contains(concat(' ', normalize-space(@class), ' '), ' widget-html ')"
EXPLORER_XPATH = (f"xpath=//div[{_VBOX}][div[{_HTML}][starts-with(normalize-space(.), "
                  f"'{HEADLINE_BEFORE}')]]")

# An <img> that holds a decodable, non-empty picture (an empty Image widget does not).
DECODES_JS = "img => img.decode().then(() => img.naturalWidth > 0, () => false)"

KERNEL_IDLE = re.compile(r"^(?!No Kernel).+ \| Idle$")

# True once no code cell is queued or running and every one with code has an execution
# count (an empty code cell is not sent to the kernel and keeps its "[ ]:" prompt).
ALL_CELLS_RUN_JS = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')]
    .filter(cell => (cell.querySelector('.cm-content')?.textContent ?? 'x').trim() !== '')
    .map(cell => cell.querySelector('.jp-InputPrompt')?.textContent.trim() ?? '');
  return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
}"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_copy(source: Path, target: Path) -> None:
    """``source`` without stored outputs or saved widget state, so only a live kernel can
    put the explorer on the page; with a kernelspec, so JupyterLab asks no question."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    metadata = notebook.setdefault("metadata", {})
    metadata.pop("widgets", None)
    metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3",
                                       "language": "python"})
    target.write_text(json.dumps(notebook, indent=1), encoding="utf-8")


def _get(url: str, timeout: float = 2.0) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
        return response.status


class LabServer:
    """A JupyterLab server of this venv on 127.0.0.1, isolated from ~/.jupyter."""

    def __init__(self, home: Path, notebook: Path):
        self.home, self.port, self.token = home, _free_port(), secrets.token_hex(24)
        self.root = home / "root"
        self.root.mkdir()
        self.notebook_name = "under_test.ipynb"
        _fresh_copy(notebook, self.root / self.notebook_name)
        settings = home / "lab-settings"
        for name, values in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        self.log_path = home / "jupyterlab.log"
        self.env = {
            **os.environ,
            "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                     os.environ.get("PATH", "")]),
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
            "IPYTHONDIR": str(home / "ipython"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "TF_CPP_MIN_LOG_LEVEL": "3",
        }
        self.command = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}",
            "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
            "--ServerApp.terminals_enabled=False",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
            self.command.append("--allow-root")
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def notebook_url(self) -> str:
        return f"{self.base}/lab/tree/{self.notebook_name}?token={self.token}"

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return ""

    def start(self) -> None:
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command, cwd=self.root, env=self.env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode} "
                                   f"before answering:\n{self.log()}")
            try:
                if _get(f"{self.base}/api/status?token={self.token}") == 200:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not answer on {self.base} within "
                                   f"{SERVER_START_S} s:\n{self.log()}")
            time.sleep(0.2)  # poll interval, bounded by the deadline above

    def stop(self) -> None:
        """Ask the server to shut down (it stops its kernels); kill its group if it won't."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            request = urllib.request.Request(
                f"{self.base}/api/shutdown", method="POST",
                headers={"Authorization": f"token {self.token}"})
            urllib.request.urlopen(request, timeout=5).close()  # noqa: S310 (loopback)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        # The server's kernels run in the process group it leads (start_new_session).
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if process.poll() is None:
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not NOTEBOOK.is_file():
        pytest.fail(f"notebook under test not found: {NOTEBOOK} (set E2E_NOTEBOOK to test "
                    "another one)")
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"), NOTEBOOK)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(lab):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(PAGE_LOAD_MS)
            yield page
        finally:
            browser.close()


def _dismiss_popups(page) -> None:
    """Close first-run toasts (the "Jupyter news?" question) if any is showing now."""
    for label in ("No", "Dismiss"):
        button = page.locator(".jp-toast-button", has_text=re.compile(f"^{label}$"))
        if button.count():
            button.first.click()


def _cell_report(page) -> str:
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").all_inner_texts()
    errors = page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).all_inner_texts()
    return f"cell prompts: {prompts}\nstderr/error outputs:\n" + "\n---\n".join(
        e[-1500:] for e in errors)


def test_block_explorer_renders_and_reacts(lab, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "failure_page.png").unlink(missing_ok=True)  # from an earlier failed run
    expect = sync_api.expect
    try:
        page.goto(lab.notebook_url)
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
        # The kernel is connected and idle: the status bar reads "Python 3 (ipykernel) | Idle"
        # (it reads "No Kernel | Initializing", "... | Connecting", "... | Unknown" before).
        page.locator("#jp-main-statusbar .jp-StatusBar-TextItem",
                     has_text=KERNEL_IDLE).first.wait_for()
        _dismiss_popups(page)

        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu").get_by_role("menuitem", name="Run All Cells", exact=True
                                             ).click()
        try:
            page.wait_for_function(ALL_CELLS_RUN_JS, timeout=RUN_ALL_MS, polling=250)
        except sync_api.TimeoutError:
            pytest.fail(f"Run All did not finish within {RUN_ALL_MS / 1000:.0f} s\n"
                        + _cell_report(page))
        _dismiss_popups(page)

        explorer = page.locator(EXPLORER_XPATH)
        for name in BRANCHES:
            explorer = explorer.filter(
                has=page.get_by_role("checkbox", name=f"branch {name}", exact=True))
        try:
            explorer.first.wait_for(state="visible", timeout=REACT_MS)
        except sync_api.TimeoutError:
            outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
            pytest.fail("no block explorer on the page: a VBox with checkboxes 'branch b1' "
                        f"to 'branch b4' and a headline starting '{HEADLINE_BEFORE}'.\n"
                        f"outputs on the page: {[o[:300] for o in outputs]}\n"
                        + _cell_report(page))
        # Pin the element: its headline text is about to change.
        explorer.first.evaluate("el => el.setAttribute('data-e2e', 'block-explorer')")
        explorer = page.locator("[data-e2e='block-explorer']")
        headline = explorer.locator(":scope > .widget-html").first
        checkbox = explorer.get_by_role("checkbox", name="branch b3", exact=True)

        expect(headline).to_have_text(re.compile(rf"^\s*{HEADLINE_BEFORE}\b"))
        for name in BRANCHES:
            expect(explorer.get_by_role("checkbox", name=f"branch {name}", exact=True)
                   ).to_be_checked()
        # The block's diagram (an Image widget) when the explorer draws one: the PNG decodes.
        diagram = explorer.locator(":scope > img.widget-image")
        diagram_src = (diagram.first.get_attribute("src")
                       if diagram.count() and diagram.first.evaluate(DECODES_JS) else None)
        print(f"block explorer found; draws a diagram: {bool(diagram_src)}")
        explorer.scroll_into_view_if_needed()
        explorer.screenshot(path=SCREENSHOTS / "widget_explorer_before.png")

        checkbox.uncheck()
        expect(headline).to_have_text(re.compile(rf"^\s*{HEADLINE_AFTER}\b"), timeout=REACT_MS)
        expect(checkbox).not_to_be_checked()
        if diagram_src:  # the redrawn diagram arrives after the headline
            expect(diagram.first).not_to_have_attribute("src", diagram_src, timeout=REACT_MS)
            assert diagram.first.evaluate(DECODES_JS), "the redrawn diagram is not a valid image"
        explorer.screenshot(path=SCREENSHOTS / "widget_explorer.png")
    except (Exception, pytest.fail.Exception):
        page.screenshot(path=SCREENSHOTS / "failure_page.png", full_page=True)
        print(f"JupyterLab log (tail):\n{lab.log()}")
        raise
