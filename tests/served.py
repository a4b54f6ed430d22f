"""A built site served the way an intranet web server serves it: with its 404 page, at any path."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.local_server import LocalHTTPServer


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Files of one folder under ``prefix``; anything else gets the site's 404.html, as nginx's
    ``error_page 404`` or IIS's custom error page would give it."""

    prefix = "/"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\x00missing")  # type: ignore[attr-defined]
        return super().translate_path("/" + path[len(self.prefix) :])

    def list_directory(self, path: str) -> None:  # type: ignore[override]
        self.send_error(404)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        missing = Path(self.directory) / "404.html"  # type: ignore[attr-defined]
        if code != 404 or not missing.is_file():
            super().send_error(code, message, explain)
            return
        body = missing.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _QuietServer(LocalHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a browser dropping a connection it no longer needs is not a failure


@contextmanager
def serve(site: Path, *, prefix: str = "/") -> Iterator[str]:
    """Serve ``site`` at ``prefix`` on localhost; yields the site's address (ending in ``prefix``)."""
    handler = type("Handler", (_SiteHandler,), {"prefix": prefix})
    server = _QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


def build_variant(target: Path, **overrides: object) -> Path:
    """The real content built in strict mode with config ``overrides`` (site_url, use_directory_urls)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from tests.conftest import REPO

    config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(target), strict=True, **overrides)
    build(config)
    return target


def follow_skip_link(tab, url: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Open ``url``, take its first Tab stop and follow it, as a keyboard reader does: the
    stop's text, the address after, the focused element, and whether the page stayed (a
    link resolved against another address, a base address say, loads that page instead)."""
    tab.goto(url)
    tab.wait_for_load_state("load")
    tab.keyboard.press("Tab")
    text = tab.evaluate("() => document.activeElement.textContent.trim()")
    tab.evaluate("() => { window.kbStayed = true; }")
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => location.hash === '#kb-main' || !window.kbStayed")
    tab.wait_for_load_state("load")
    after = tab.evaluate(
        "() => ({url: location.href, focus: document.activeElement.id, stayed: !!window.kbStayed})"
    )
    return {"text": text, **after}


class Requests:
    """What a tab has asked for and not yet received, so that a test can wait until a page
    is complete (its load event, then what its scripts fetch once the browser is idle)
    instead of for a fixed half second of network silence."""

    def __init__(self, tab) -> None:  # type: ignore[no-untyped-def]
        self.tab = tab
        self.pending: set[object] = set()
        # Playwright takes Python functions only, not a set's built-in methods.
        tab.on("request", lambda request: self.pending.add(request))
        tab.on("requestfinished", lambda request: self.pending.discard(request))
        tab.on("requestfailed", lambda request: self.pending.discard(request))

    def settle(self, timeout: float = 30) -> None:
        """Wait until the page has been idle once and every request it made has ended."""
        self.tab.evaluate("() => new Promise(done => requestIdleCallback(() => done()))")
        deadline = time.monotonic() + timeout
        while self.pending and time.monotonic() < deadline:
            self.tab.evaluate("() => new Promise(done => setTimeout(done, 10))")
        assert not self.pending, [r.url for r in self.pending]  # type: ignore[attr-defined]
