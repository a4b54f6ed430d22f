"""``kb serve``: the live preview on a local web server.

Pages come from a :class:`~generator.preview.Preview` kept in a temporary folder.
As each HTML page is served, the current content problems (if any) are put at
the top of its article and a small script is added that waits for the next
change and reloads the page. Saving a file triggers an update of the preview.

The server answers only requests addressed to it by a name of this computer
(``Host``), so a web page elsewhere cannot reach it through a name of its own
that it points at 127.0.0.1 (DNS rebinding). It holds a bounded number of
connections and closes those that stay silent.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import ipaddress
import json
import os
import re
import shutil
import socket
import sys
import threading
import time
from collections.abc import Callable
from html import escape as html_escape
from io import BytesIO
from pathlib import Path
from stat import S_ISREG
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from generator.errors import printable
from generator.form.imports import IMPORT_PATH, MAX_IMPORT_BODY, import_request
from generator.form.save import (
    MAX_BODY,
    SAVE_PATH,
    SaveRefused,
    check_request,
    is_form_page,
    new_token,
    save_entry,
    with_token,
)
from generator.frame import with_banner
from generator.local_server import LocalHTTPServer
from generator.preview import Preview, environment_says_poll, run_safely
from generator.runs import log, stop_signals_interrupt
from generator.search import SEARCH_DIR
from generator.tempdirs import PREVIEW, make_temp_dir

WAIT_PATH = "/.kb-preview/wait"
_QUIET_SECONDS = 0.05
"""Editors save in bursts (temporary file, rename); wait this long for the burst to end."""
_SEARCH_WAIT_SECONDS = 60
"""Longest a request for the search index waits for the index being rewritten."""
_VERSION = re.compile(r"[0-9]{1,18}")
"""A version the reload script sends back: ASCII digits only (``int`` would also take "²"
and "①" and refuse 5,000 digits), few enough for any integer."""
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_ALL_ADDRESSES = frozenset({"", "0.0.0.0", "::"})
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
_THEME_FILE = re.compile(r'((?:href|src)="[^"?#]*assets/[^"?#]+\.(?:css|js|png|svg))"')
"""A link to one of the theme's files (styles, scripts, images) in a page."""
_THEME_BUILD = "kb-build"
_CHANGES = {"created", "modified", "deleted", "moved", "closed"}
_FOLDER_CHANGES = {"created", "deleted", "moved"}


def serve(config_file: Path, *, host: str, port: int) -> None:
    """Build, serve and keep updating the preview until interrupted."""
    folder = make_temp_dir(PREVIEW)  # the preview's own, removed at the end
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
    names = HostNames(host)
    server = _Server(
        (host, port),
        functools.partial(_Handler, preview=preview, names=names, token=new_token()),
    )
    watcher = _Watcher(preview)
    port = server.server_address[1]  # the one given, or the free one chosen for 0
    log.info("预览地址：http://%s:%d/ （修改内容后页面会自动刷新；按 Ctrl+C 停止）", host, port)
    try:
        server.serve_forever()
    finally:
        watcher.stop()
        server.server_close()


class HostNames:
    """The names a request may address the preview by (its ``Host``), for the address it
    listens on: this computer's own names, and the address given with ``-a``.

    Listening on every address (``-a 0.0.0.0:8000``), any IP address is accepted too, and
    this computer's name: a rebinding page has only names of its own to offer.
    """

    def __init__(self, listening: str) -> None:
        listening = listening.strip("[]").lower()
        self.names = set(_LOOPBACK_NAMES) | {listening}
        self.any_address = listening in _ALL_ADDRESSES
        if self.any_address:  # the computer's name as it knows it: no lookup, which may hang
            self.names.add(socket.gethostname().lower())

    def refusal(self, host: str | None) -> tuple[int, str] | None:
        """The status and the Chinese reason to refuse a request with ``host``, or None."""
        if not host:
            return 400, "请求中没有写明要访问的地址（Host），预览服务器不予处理。"
        name = _host_name(host)
        if name is None:
            return 400, f"请求中要访问的地址“{printable(host)[:100]}”格式不对。"
        if name in self.names or (self.any_address and _is_ip_address(name)):
            return None
        return 403, (
            f"预览服务器只接受以本机地址（127.0.0.1、localhost）访问，不接受“{printable(name)[:100]}”。"
            "这样别的网页就无法借自己的域名读取预览。要让其他电脑访问，请用 -a 指定本机的网络地址启动预览。"
        )


def _host_name(host: str) -> str | None:
    """The name in a ``Host`` value (``localhost:8000``, ``[::1]:8000``), lower case, or None
    when it is not one."""
    name, port = host, ""
    if host.startswith("["):
        name, bracket, port = host[1:].partition("]")
        if not bracket or (port and not port.startswith(":")):
            return None
        port = port[1:]
    elif host.count(":") == 1:
        name, _, port = host.partition(":")
    elif ":" in host:
        return None  # an IPv6 address must be in brackets
    if port and not (port.isascii() and port.isdigit()):
        return None
    name = name.lower().removesuffix(".")
    return name or None


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class _Server(LocalHTTPServer):
    # daemon_threads: stopping does not wait for open connections (a page's reload request
    # is answered only after the next change or 25 seconds).
    max_connections = 64
    """Connections held at once, a thread each; more are closed at once until one ends."""
    idle_seconds = 30.0
    """How long a connection may send nothing before it is closed (a reload request that
    waits for the next change is not idle: the server is answering it)."""

    def __init__(self, address: tuple[str, int], handler: Any) -> None:
        self._slots = threading.BoundedSemaphore(self.max_connections)
        self._refusing = False
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            if not self._refusing:
                log.warning(
                    "预览服务器已同时打开 %d 个连接，暂不接受新的连接，等已有的连接结束。",
                    self.max_connections,
                )
            self._refusing = True
            self.shutdown_request(request)
            return
        self._refusing = False
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            daemon=self.daemon_threads,
        )
        try:
            thread.start()
        except RuntimeError:  # no thread to be had: the slot was never used
            self._slots.release()
            self.shutdown_request(request)
        # Once started, the thread gives the slot back; a Ctrl+C arriving meanwhile must
        # stop the server, not give it back twice.

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(self.idle_seconds)
        super().finish_request(request, client_address)

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
        "<h1>请求无法处理（%(code)d）</h1><p>%(explain)s</p></html>"
    )
    error_content_type = "text/html; charset=utf-8"

    def __init__(
        self, *args: object, preview: Preview, names: HostNames, token: str, **kwargs: object
    ) -> None:
        self.preview = preview
        self.names = names
        self.token = token
        """What the form page must send to save an entry (see :mod:`generator.form.save`)."""
        self._etag = ""
        super().__init__(*args, directory=str(preview.site_dir), **kwargs)  # type: ignore[arg-type]

    def parse_request(self) -> bool:
        """Read the request, and refuse it unless it is addressed to this computer."""
        if not super().parse_request():
            return False
        refusal = self.names.refusal(self.headers.get("Host"))
        if refusal is not None:
            self.send_error(refusal[0], explain=refusal[1])
            return False
        return True

    def do_GET(self) -> None:
        self._etag = ""
        url = urlsplit(self.path)
        if url.path == WAIT_PATH:
            since = parse_qs(url.query, keep_blank_values=True).get("since", ["0"])[0]
            if not _VERSION.fullmatch(since):
                self.send_error(
                    400, explain="页面自动刷新的请求中 since 应为数字。请重新打开页面。"
                )
                return
            self._send(
                str(self.preview.wait_for_change(int(since), timeout=25)).encode(), "text/plain"
            )
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

    def do_POST(self) -> None:
        """The editors' form saving an entry into the content folder, or importing a document
        dropped on it; nothing else is posted."""
        self._etag = ""
        path = urlsplit(self.path).path
        if path not in {SAVE_PATH, IMPORT_PATH}:
            self.send_error(405, explain="预览服务器不接受这个请求。")
            return
        try:
            length = check_request(
                origin=self.headers.get("Origin"),
                host=self.headers.get("Host"),
                content_type=self.headers.get("Content-Type"),
                length=self.headers.get("Content-Length"),
                limit=MAX_IMPORT_BODY if path == IMPORT_PATH else MAX_BODY,
            )
            body = self.rfile.read(length)
            if path == IMPORT_PATH:
                draft = import_request(body, token=self.token, content_dir=self.preview.content_dir)
                log.info("表单导入了 %s", draft.get("name"))
                self._send_json({"ok": True, **draft})
                return
            saved = save_entry(
                body,
                token=self.token,
                content_dir=self.preview.content_dir,
                shown_prefix=self.preview.shown_content,
                directory_urls=self.preview.options.directory_urls,
            )
        except SaveRefused as refused:
            what = "导入" if path == IMPORT_PATH else "保存"
            log.warning("表单%s被拒绝：%s", what, refused.message)
            self._send_json({"ok": False, "message": refused.message}, status=refused.status)
            return
        log.info("表单保存了 %s", saved.file)
        self._send_json({"ok": True, "file": saved.file, "page": saved.page})

    def _send_json(self, answer: dict[str, object], *, status: int = 200) -> None:
        body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        self._send(body, "application/json; charset=utf-8", status=status)

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
            super().send_error(code, message, explain or "预览服务器无法处理这个请求，请检查地址。")
            return
        # The page is written for the site's top folder; a base address keeps its links
        # working, and links within the page (the skip link) keep pointing at this address.
        here = html_escape(self.path.partition("#")[0], quote=True)
        html = missing.read_text(encoding="utf-8").replace("<head>", '<head><base href="/">', 1)
        html = html.replace('href="#', f'href="{here}#')
        self._send(self._decorate(html), "text/html; charset=utf-8", status=404)

    def _decorate(self, html: str) -> bytes:
        html = with_banner(html, self.preview.banner())
        # The theme's files change only with a full build: named after it, the browser keeps
        # them without asking again, and a reload after an edit fetches the page alone.
        html = _THEME_FILE.sub(rf'\1?{_THEME_BUILD}={self.preview.full_builds}"', html)
        if is_form_page(html):
            # The form keeps what is typed across a reload, yet reloading it at every edit of
            # the content would take the editor out of the field being typed in; it is left
            # alone, and told that it may save.
            return with_token(html, self.token).encode("utf-8")
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

    def __init__(self, preview: Preview, *, on_content_folder: Callable[[], None]) -> None:
        self.preview = preview
        self.on_content_folder = on_content_folder
        """Called (before the update) when the content folder itself went or came back."""
        self.pending: set[Path] = set()
        self.content_folder_moved = False
        self.arrived = threading.Event()
        self.lock = threading.Lock()
        threading.Thread(target=self._apply_forever, daemon=True).start()

    def on_any_event(self, event: FileSystemEvent) -> None:
        # Reading a file (as every build does) must not count as a change.
        if event.event_type not in _CHANGES:
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        found = {Path(os.fsdecode(p)).resolve() for p in paths if p}
        if event.is_directory:
            # Folders matter only as the content folder itself: deleted, moved away, put back
            # (not "modified", which saving a file in it also says).
            content = self.preview.content_dir.resolve()
            if event.event_type not in _FOLDER_CHANGES or content not in found:
                return
            with self.lock:
                self.pending.add(content)
                self.content_folder_moved = True
            self.arrived.set()
            return
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
                moved, self.content_folder_moved = self.content_folder_moved, False
            if moved:
                self.on_content_folder()
            if changed:
                run_safely(self.preview, changed)


class _Watcher:
    """Watches what the site is made from, and the content folder again whenever it is
    put back after being deleted or moved away (a watch ends with its folder)."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        self.observer: BaseObserver = (
            PollingObserver(timeout=0.5) if environment_says_poll() else Observer()
        )
        self.changes = _Changes(preview, on_content_folder=self._watch_content)
        self._content: ObservedWatch | None = None
        for path in preview.watched_paths():
            if path == preview.content_dir:
                self._watch_content()
            else:
                self._watch(path)
        self._watch(preview.content_dir.parent)  # where the content folder goes and comes back
        self.observer.start()

    def _watch(self, path: Path) -> ObservedWatch:
        folder = path if path.is_dir() else path.parent
        return self.observer.schedule(self.changes, str(folder), recursive=path.is_dir())

    def _watch_content(self) -> None:
        if self._content is not None:
            with contextlib.suppress(KeyError):  # already gone with its folder
                self.observer.unschedule(self._content)
            self._content = None
        if self.preview.content_dir.is_dir():
            self._content = self._watch(self.preview.content_dir)

    def stop(self) -> None:
        self.observer.stop()
