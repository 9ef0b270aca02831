"""What the browser tests share: Debian's Chromium driven by Playwright, and a folder of
static pages served on 127.0.0.1.

``require_browser()`` skips the calling test module, with the reason ``pytest -rs``
shows, when Chromium is not at ``/usr/bin/chromium`` or ``playwright`` is not installed,
and otherwise returns Playwright's sync API. Chromium starts with the flags this closed
network needs (no background connections, no QUIC; seen refused otherwise).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser():
    """Playwright's sync API, or a module-level skip saying what is missing."""
    if not CHROMIUM.is_file():
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package to run the "
            "browser test",
            allow_module_level=True,
        )
    return pytest.importorskip(
        "playwright.sync_api",
        reason="the playwright package is not importable: install requirements.txt "
        "(playwright>=1.45) into the venv to run the browser test",
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # one line per request would flood the test log
        pass


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free port of 127.0.0.1; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
