"""One `kb serve` for a test module's tests: started once on a copy of a project, and brought
back to that copy's content after each test, so that every test starts from the content it
expects without a preview of its own (each costs a full build in a process of its own)."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.commands.serve import WAIT_PATH
from generator.render import page_url

_VERSION = re.compile(r"var seen = [0-9]+;|kb-build=[0-9]+")
"""What the preview puts into a page that says which update it is, not what the page shows."""


@contextmanager
def running(project: Path) -> Iterator[SharedPreview]:
    """`kb serve` on ``project`` until the block ends."""
    from tests.test_preview import _start_preview, _stop

    url, server = _start_preview(project)
    try:
        yield SharedPreview(url, project)
    finally:
        _stop(server)


class SharedPreview:
    """A running `kb serve`, and the content it started from, which each test's changes are
    undone back to."""

    def __init__(self, url: str, project: Path) -> None:
        self.url = url
        self.project = project
        self.content = project / "content"
        self.pristine = {
            path.relative_to(self.content).as_posix(): path.read_bytes()
            for path in self.content.rglob("*")
            if path.is_file()
        }
        self.pages = {
            name: self._page(name)[1] for name in self.pristine if entry_page(name) is not None
        }

    def _page(self, name: str) -> tuple[int, str]:
        """The preview's update (its version) and the page of the content file ``name`` as
        served now, without what only says which update it is."""
        try:
            with urllib.request.urlopen(self.url + str(entry_page(name)), timeout=30) as answer:
                html = answer.read().decode("utf-8")
        except urllib.error.HTTPError as missing:
            html = missing.read().decode("utf-8")
            assert missing.code == 404, html
            html = "404"
        found = re.search(r"var seen = ([0-9]+);", html)
        return int(found.group(1)) if found else 0, _VERSION.sub("", html)

    def reset(self, context: Any) -> None:
        """After a test: every tab of the browser ``context`` off the preview's pages, and
        the content as it was."""
        for tab in context.pages:
            leave(tab)
        self.restore()

    def restore(self) -> None:
        """Put the content back as it was, and wait until the preview shows it again: the
        pages of the files put back as they were served at the start, the pages of files
        added gone, and the search index and the form's data rewritten."""
        now = {
            p.relative_to(self.content).as_posix() for p in self.content.rglob("*") if p.is_file()
        }
        touched = sorted(
            name
            for name in now | set(self.pristine)
            if name not in self.pristine
            or name not in now
            or (self.content / name).read_bytes() != self.pristine[name]
        )
        for name in touched:
            path = self.content / name
            if name in self.pristine:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(self.pristine[name])
            else:
                path.unlink()
        for name in touched:
            if entry_page(name) is None:
                continue
            expected = self.pages.get(name, "404")
            deadline = time.monotonic() + 60
            version, shown = self._page(name)
            while shown != expected:
                assert time.monotonic() < deadline, f"the preview still shows the changed {name}"
                # Answers once the preview has published its next update.
                urllib.request.urlopen(
                    f"{self.url}{WAIT_PATH[1:]}?since={version}", timeout=30
                ).close()
                version, shown = self._page(name)
        # Asked for while the search index and the form's data are rewritten, the search
        # index is answered once both are whole again.
        urllib.request.urlopen(self.url + "search/manifest.js", timeout=90).close()


def entry_page(name: str) -> str | None:
    """The page of a content file (``cases/x.yml`` is at ``cases/x/``), if it has one."""
    folder, _, file = name.rpartition("/")
    if not folder or "/" in folder or not file.endswith(".yml"):
        return None
    return page_url(f"{folder}/{file.removesuffix('.yml')}.md", directory_urls=True)


def leave(tab: Any) -> None:
    """Take a tab off the preview's pages, which reload themselves whenever the preview
    changes (as undoing a test's changes does): a tab closed while it reloads may never close."""
    from playwright.sync_api import Error

    for attempt in range(5):
        try:
            tab.goto("about:blank")
            return
        except Error:  # the page reloaded itself first
            if attempt == 4:
                raise
