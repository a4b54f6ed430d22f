"""``kb serve``: the live preview on a local web server.

Pages come from a :class:`~generator.preview.Preview` kept in a temporary folder.
As each HTML page is served, the current content problems (if any) are put at
the top of its article and a small script is added that waits for the next
change and reloads the page. Saving a file triggers an update of the preview.
"""

from __future__ import annotations

import functools
import http.server
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from html import escape as html_escape
from io import BytesIO
from pathlib import Path
from stat import S_ISREG
from typing import BinaryIO
from urllib.parse import parse_qs, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from generator.commands import stop_signals_interrupt
from generator.preview import Preview, environment_says_poll, run_safely
from generator.search_index import SEARCH_DIR

log = logging.getLogger("mkdocs.plugins.kb")

WAIT_PATH = "/.kb-preview/wait"
_QUIET_SECONDS = 0.05
"""Editors save in bursts (temporary file, rename); wait this long for the burst to end."""
_SEARCH_WAIT_SECONDS = 60
"""Longest a request for the search index waits for the index being rewritten."""
_RELOAD = """<script>(function () {
  var seen = %d;
  function wait() {
    fetch("%s?since=" + seen, {cache: "no-store"})
      .then(function (r) { return r.text(); })
      .then(function (text) { if (+text > seen) location.reload(); else wait(); })
      .catch(function () { setTimeout(wait, 1000); });
  }
  wait();
})();</script>"""
_ARTICLE = '<article class="md-content__inner md-typeset">'
_THEME_FILE = re.compile(r'((?:href|src)="[^"?#]*assets/[^"?#]+\.(?:css|js|png|svg))"')
"""A link to one of the theme's files (styles, scripts, images) in a page."""
_THEME_BUILD = "kb-build"
_CHANGES = {"created", "modified", "deleted", "moved", "closed"}


def serve(config_file: Path, *, host: str, port: int) -> None:
    """Build, serve and keep updating the preview until interrupted."""
    folder = Path(tempfile.mkdtemp(prefix="kb-preview-"))  # the preview's own, removed at the end
    try:
        with stop_signals_interrupt():
            _serve(config_file, folder, host=host, port=port)
    except KeyboardInterrupt:
        log.info("预览已停止。")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _serve(config_file: Path, folder: Path, *, host: str, port: int) -> None:
    preview = Preview(config_file, folder)
    preview.build()  # its problems are reported as it runs
    server = _Server((host, port), functools.partial(_Handler, preview=preview))
    watcher = _watch(preview)
    log.info("预览地址：http://%s:%d/ （修改内容后页面会自动刷新；按 Ctrl+C 停止）", host, port)
    try:
        server.serve_forever()
    finally:
        watcher.stop()
        server.server_close()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A reader closing the tab mid-answer is normal; anything else is logged briefly.
        failure = sys.exc_info()[1]
        if isinstance(failure, (ConnectionError, TimeoutError)):
            return
        log.warning("预览服务器处理请求时出错：%s", failure)


class _Handler(http.server.SimpleHTTPRequestHandler):
    # Errors other than "not found" (which gets the site's own page): in Chinese too.
    error_message_format = (
        '<!doctype html><html lang="zh"><meta charset="utf-8"><title>请求无法处理</title>'
        "<h1>请求无法处理（%(code)d）</h1><p>预览服务器无法处理这个请求，请检查地址。</p></html>"
    )
    error_content_type = "text/html; charset=utf-8"

    def __init__(self, *args: object, preview: Preview, **kwargs: object) -> None:
        self.preview = preview
        self._etag = ""
        super().__init__(*args, directory=str(preview.site_dir), **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        self._etag = ""
        url = urlsplit(self.path)
        if url.path == WAIT_PATH:
            since = parse_qs(url.query).get("since", ["0"])[0]
            seen = int(since) if since.isdigit() else 0
            self._send(str(self.preview.wait_for_change(seen, timeout=25)).encode(), "text/plain")
            return
        if url.path.startswith(f"/{SEARCH_DIR}/"):
            self.preview.search_ready.wait(timeout=_SEARCH_WAIT_SECONDS)
        target = Path(self.translate_path(url.path))
        try:
            if "\x00" in str(target):  # no file has that name; opening one would fail
                raise FileNotFoundError(target)
            if target.is_dir() and url.path.endswith("/"):
                target = target / "index.html"
            page = target.suffix == ".html" and target.is_file()
        except OSError:  # a name too long for any file, and the like
            self.send_error(404)
            return
        if page:
            self._send(
                self._decorate(target.read_text(encoding="utf-8")), "text/html; charset=utf-8"
            )
            return
        if self._unchanged(target):
            return
        super().do_GET()

    def _unchanged(self, target: Path) -> bool:
        """Answer "not modified" when the browser's copy of ``target`` is current.

        Styles, scripts and search files are kept by the browser and checked on each
        use, so a reload after an edit fetches only what the edit rewrote. The check
        is by a tag of the file's exact modification time and size, not by the
        whole-second ``Last-Modified``, which misses two writes in the same second.
        """
        try:
            stat = target.stat()
        except OSError:
            return False
        if not S_ISREG(stat.st_mode):
            return False
        self._etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        if self._etag not in self.headers.get("If-None-Match", ""):
            return False
        self.send_response(304)
        self.end_headers()
        return True

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        # A folder without its page (an entry just deleted) is "not found", never a file list.
        self.send_error(404)
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The site's own "page not found" page, in Chinese, instead of Python's English one."""
        missing = self.preview.site_dir / "404.html"
        if code != 404 or not missing.is_file() or not hasattr(self, "path"):
            super().send_error(code, message, explain)
            return
        # The page is written for the site's top folder; a base address keeps its links
        # working, and links within the page (the skip link) keep pointing at this address.
        here = html_escape(self.path.partition("#")[0], quote=True)
        html = missing.read_text(encoding="utf-8").replace("<head>", '<head><base href="/">', 1)
        html = html.replace('href="#', f'href="{here}#')
        self._send(self._decorate(html), "text/html; charset=utf-8", status=404)

    def _decorate(self, html: str) -> bytes:
        banner = self.preview.banner()
        if banner:
            html = html.replace(_ARTICLE, _ARTICLE + banner, 1)
        # The theme's files change only with a full build: named after it, the browser keeps
        # them without asking again, and a reload after an edit fetches the page alone.
        html = _THEME_FILE.sub(rf'\1?{_THEME_BUILD}={self.preview.full_builds}"', html)
        script = _RELOAD % (self.preview.version, WAIT_PATH)
        return html.replace("</body>", script + "</body>", 1).encode("utf-8")

    def _send(self, body: bytes, content_type: str, *, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        # A request line too broken to read leaves no path (its error is answered all the same).
        if _THEME_BUILD + "=" in urlsplit(getattr(self, "path", "")).query:
            self.send_header("Cache-Control", "max-age=31536000, immutable")
        elif self._etag:
            self.send_header("ETag", self._etag)
            self.send_header("Cache-Control", "no-cache")  # kept, but checked on each use
        else:
            self.send_header("Cache-Control", "no-store")  # pages and answers: never kept
        super().end_headers()

    def send_head(self) -> BytesIO | BinaryIO | None:
        # The tag above decides; a whole-second "If-Modified-Since" must not.
        if "If-Modified-Since" in self.headers:
            del self.headers["If-Modified-Since"]
        return super().send_head()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Changes(FileSystemEventHandler):
    """Collects changed paths; a worker thread applies them once a burst of saves ends."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        self.pending: set[Path] = set()
        self.arrived = threading.Event()
        self.lock = threading.Lock()
        threading.Thread(target=self._apply_forever, daemon=True).start()

    def on_any_event(self, event: FileSystemEvent) -> None:
        # Reading a file (as every build does) must not count as a change.
        if event.event_type not in _CHANGES or event.is_directory:
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        found = {Path(str(p)).resolve() for p in paths if p}
        relevant = {p for p in found if self.preview.relevant(p)}
        if relevant:
            with self.lock:
                self.pending |= relevant
            self.arrived.set()

    def _apply_forever(self) -> None:
        while True:
            self.arrived.wait()
            while self.arrived.is_set():
                self.arrived.clear()
                time.sleep(_QUIET_SECONDS)
            with self.lock:
                changed, self.pending = self.pending, set()
            if changed:
                run_safely(self.preview, changed)


def _watch(preview: Preview) -> BaseObserver:
    observer: BaseObserver = PollingObserver(timeout=0.5) if environment_says_poll() else Observer()
    handler = _Changes(preview)
    for path in preview.watched_paths():
        folder = path if path.is_dir() else path.parent
        observer.schedule(handler, str(folder), recursive=path.is_dir())
    observer.start()
    return observer
