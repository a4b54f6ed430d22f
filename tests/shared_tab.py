"""One tab that a test module's page-reading tests take in turn, blank and with nothing stored
at each test's start: navigating a tab costs the browser half what opening a new one does.

A module takes both fixtures by name (``module_tab, reader = shared_tab.module_tab,
shared_tab.reader``) and its tests ask for ``reader`` where they would ask for ``page``.
Routes and the window size a test sets are undone after it; a test that changes anything
else about the tab (emulated media, dialog handlers, permissions) takes conftest's ``page``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


class ModuleTab:
    """The module's tab in conftest's ``shared_context``, opened again should a test's
    ``page`` have closed it (``page`` closes every tab of the context when it ends)."""

    def __init__(self, shared: Any) -> None:
        self.shared = shared
        self.tab: Any = None
        self.session: Any = None
        self.viewport: Any = None

    def _open(self) -> Any:
        context = self.shared.context
        tab = context.new_page()
        tab.requests = []
        tab.errors = []
        tab.on("request", lambda request: tab.requests.append(request.url))
        tab.on("pageerror", lambda error: tab.errors.append(str(error)))
        self.tab, self.viewport = tab, tab.viewport_size
        self.session = context.new_cdp_session(tab)
        return tab

    def clean(self) -> Any:
        """The tab on a blank page, with what earlier pages stored (local storage, IndexedDB,
        cookies, caches) and the HTTP cache cleared, as a new context's tab would have; its
        ``requests`` and ``errors`` list what the page asks for and throws from now on."""
        tab = self.tab
        if tab is None or tab.is_closed():
            tab = self._open()
        shared = self.shared
        # The same wipe as conftest's shared_context.fresh_tab(), without a new tab.
        for origin in sorted(shared.origins - {""}):
            self.session.send(
                "Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"}
            )
        self.session.send("Network.clearBrowserCache")
        shared.context.clear_cookies()
        shared.origins.clear()
        if tab.viewport_size != self.viewport:
            tab.set_viewport_size(self.viewport)
        tab.requests.clear()
        tab.errors.clear()
        return tab

    def leave(self) -> None:
        """Undo a test's routes, close the tabs it opened and unload its page, so nothing it
        started runs on into the next test."""
        tab = self.tab
        if tab is None or tab.is_closed():
            return
        for other in self.shared.context.pages:
            if other is not tab:
                other.close()
        tab.unroute_all(behavior="ignoreErrors")
        tab.goto("about:blank")


@pytest.fixture(scope="module")
def module_tab(shared_context: Any) -> Iterator[ModuleTab]:
    """The tab the module's ``reader`` tests share."""
    holder = ModuleTab(shared_context)
    yield holder
    if holder.tab is not None and not holder.tab.is_closed():
        holder.tab.close()


@pytest.fixture
def reader(module_tab: ModuleTab) -> Iterator[Any]:
    """The module's tab, blank, nothing stored, recording the requests and errors of the
    pages this test opens in it."""
    tab = module_tab.clean()
    try:
        yield tab
    finally:
        module_tab.leave()
