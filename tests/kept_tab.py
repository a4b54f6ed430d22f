"""One browser tab kept for a test module's tests and wiped between them.

A page loaded again in a tab that exists costs the browser half what it costs in a new tab
(the form page: about 0.7 s of CPU against 1.5 s here), whose new renderer process starts
and compiles every script afresh; even a blank new tab starts one. Between tests the tab is
wiped as conftest's ``fresh_tab`` wipes a new one. Routes a test leaves are dropped; other
listeners stay, so a test listens to the kept tab with ``once`` or opens a tab of its own.
"""

from __future__ import annotations

from typing import Any


def wipe(shared: Any, tab: Any) -> None:
    """Clear what any page of ``shared``'s context stored (local storage, IndexedDB,
    cookies, caches) and the HTTP cache, through ``tab``, which shows no page of them."""
    if not shared.origins:
        return
    session = shared.context.new_cdp_session(tab)
    for origin in sorted(shared.origins - {""}):
        session.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
    session.send("Network.clearBrowserCache")
    session.detach()
    shared.context.clear_cookies()
    shared.origins.clear()


class KeptTab:
    """The tab, in the module's shared context (``shared_context``), at ``viewport`` size
    for each test, recording its requests and the errors of its scripts."""

    def __init__(self, shared: Any, viewport: dict[str, int]) -> None:
        self.shared = shared
        self.viewport = viewport
        self.tab: Any = None

    def take(self) -> Any:
        """The tab on a blank page with nothing stored (a new tab if the last test closed
        it), its requests and errors recorded anew."""
        if self.tab is None or self.tab.is_closed():
            self.tab = self.shared.context.new_page()
            self.tab.on("request", lambda request: self.tab.requests.append(request.url))
            self.tab.on("pageerror", lambda error: self.tab.errors.append(str(error)))
        else:
            self.tab.goto("about:blank")
        wipe(self.shared, self.tab)
        self.tab.set_viewport_size(self.viewport)
        self.tab.requests = []
        self.tab.errors = []
        return self.tab

    def put_back(self) -> None:
        """Close every other tab the test opened (popups included), and drop the routes it
        left on the kept one."""
        for other in self.shared.context.pages:
            if other is not self.tab:
                other.close()
        if not self.tab.is_closed():
            self.tab.unroute_all()
