"""Shared fixtures: small projects written to tmp_path, one build of the real site, a browser."""

from __future__ import annotations

import functools
import http.server
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.chromium import launch_chromium
from tests.served import _QuietServer

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "tests" / "fixtures" / "sample"

if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    # Started as a shell's background job (`bash .ci/run &`), the suite inherits Ctrl+C
    # ignored, and so would every command it starts: the tests that press Ctrl+C in a
    # build would see nothing happen. A handler of our own is reset to the default in a
    # started program, so they get Ctrl+C as an editor's terminal gives it.
    signal.signal(signal.SIGINT, signal.default_int_handler)


def site_name(config_file: Path) -> str:
    """The ``site_name`` a project's mkdocs.yml gives, which pages and printouts show."""
    return yaml.safe_load(config_file.read_text(encoding="utf-8"))["site_name"]


def build_with_mkdocs(config_file: Path, site_dir: Path, *, strict: bool = True) -> Path:
    """Build a site the way `mkdocs build` does, into ``site_dir``."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(site_dir), strict=strict)
    build(config)
    return site_dir


@pytest.fixture
def write_project(tmp_path: Path) -> Callable[[dict[str, object]], Path]:
    """Write a project from {relative path: YAML data or raw text/bytes}, on top of the sample."""

    def write(files: dict[str, object], *, base: Path | None = SAMPLE) -> Path:
        root = tmp_path / "project"
        if base is not None:
            shutil.copytree(base / "content", root / "content")
        else:
            (root / "content").mkdir(parents=True)
        for relative, data in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            elif isinstance(data, str):
                path.write_text(data, encoding="utf-8")
            else:
                path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return root

    return write


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A copy of the sample project with a mkdocs.yml that uses the repository's theme."""
    from tests.projects import copy_sample  # which takes REPO and SAMPLE from here

    return copy_sample(tmp_path / "project")


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled content built once, in strict mode, shared by many assertions."""
    return build_with_mkdocs(REPO / "mkdocs.yml", tmp_path_factory.mktemp("real") / "site")


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The bundled content built with `kb build --offline`'s settings, as a file:// URL."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = tmp_path_factory.mktemp("offline") / "site"
    config = load_config(
        str(REPO / "mkdocs.yml"), site_dir=str(site), strict=True, use_directory_urls=False
    )
    build(config)
    return site.as_uri() + "/"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(real_site: Path) -> Iterator[str]:
    """The real site served on localhost, as an intranet web server would."""
    handler = functools.partial(_QuietHandler, directory=str(real_site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright; no browser is ever downloaded."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


class PoolSpy:
    """Counts the chunks of work a pool hands to its worker processes."""

    submitted = 0


@pytest.fixture
def pool_spy(monkeypatch: pytest.MonkeyPatch) -> PoolSpy:
    """The worker pool's process pool, counting what it is given: a test can tell work that
    was spread over processes from work done in the caller's process."""
    from concurrent.futures import ProcessPoolExecutor

    from generator import workers

    spy = PoolSpy()

    class CountingPool(ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            spy.submitted += 1
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(workers, "ProcessPoolExecutor", CountingPool)
    return spy


VIEWPORT = {"width": 1280, "height": 720}
"""Playwright's default window size, which every tab of a shared context starts at."""


class SharedContext:
    """One browser context for a test module's tabs, wiped between tests: a new context
    costs the browser more than the page a test opens in it."""

    def __init__(self, browser: object) -> None:
        self.context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
        self.origins: set[str] = set()
        self.reused: object | None = None
        self.context.on("request", lambda request: self.origins.add(_origin(request.url)))

    def fresh_tab(self) -> object:
        """A new tab, after clearing what any earlier page stored (local storage,
        IndexedDB, cookies, caches) and the HTTP cache: as a fresh context would be. A tab
        in a context that exists costs the browser half what a tab in a new context does."""
        tab = self.context.new_page()
        self._forget(tab)
        return tab

    def reused_tab(self) -> object:
        """The module's one long-lived tab, on a blank page, at the default size, with
        nothing stored, no routes and no emulated media: navigating a tab costs the browser
        half what opening one does. Only for tests that add no listeners (``once`` is fine)
        and no scripts to the tab, which would stay for the next test."""
        if self.reused is None or self.reused.is_closed():  # type: ignore[attr-defined]
            self.reused = _recording(self.context.new_page())
        tab: Any = self.reused
        tab.goto("about:blank")
        tab.unroute_all(behavior="ignoreErrors")
        tab.emulate_media(media="null")
        tab.set_viewport_size(VIEWPORT)
        tab.requests.clear()
        tab.errors.clear()
        self._forget(tab)
        return tab

    def _forget(self, tab: object) -> None:
        if self.origins:
            session = self.context.new_cdp_session(tab)  # type: ignore[attr-defined]
            for origin in sorted(self.origins - {""}):
                session.send(
                    "Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"}
                )
            session.send("Network.clearBrowserCache")
            session.detach()
            self.context.clear_cookies()
            self.origins.clear()

    def close_tabs(self) -> None:
        """Close every tab a test opened (popups included), so nothing it started runs on;
        the reused tab stays."""
        for tab in self.context.pages:
            if tab is not self.reused:
                tab.close()


def _recording(tab: Any) -> Any:
    """``tab`` with ``tab.requests``, the address of every request it makes, and
    ``tab.errors``, every error its pages' scripts throw."""
    tab.requests = []
    tab.errors = []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    return tab


def _origin(url: str) -> str:
    """The storage origin a request's page belongs to; every file:// page shares one."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return "file://"
    if parts.scheme in ("http", "https"):
        return f"{parts.scheme}://{parts.netloc}"
    return ""


@pytest.fixture(scope="module")
def shared_context(browser: object) -> Iterator[SharedContext]:
    """The module's browser context; ``page`` hands out a clean tab of it to each test."""
    shared = SharedContext(browser)
    yield shared
    shared.context.close()


@pytest.fixture
def reader(shared_context: SharedContext) -> Iterator[object]:
    """The module's reused tab, clean, recording its requests like ``page``, for a test that
    loads pages and reads or works them (see SharedContext.reused_tab)."""
    try:
        yield shared_context.reused_tab()
    finally:
        shared_context.close_tabs()


@pytest.fixture
def page(shared_context: SharedContext, site_url: str) -> Iterator[object]:
    """A fresh tab that records every request it makes, in a context with nothing stored."""
    tab = _recording(shared_context.fresh_tab())
    try:
        yield tab
    finally:
        shared_context.close_tabs()
