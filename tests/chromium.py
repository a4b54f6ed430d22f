"""The one way tests and the benchmark start a browser: Debian's Chromium, never a download."""

from __future__ import annotations

from typing import Any

CHROMIUM = "/usr/bin/chromium"

# Headless in a container: no sandbox or GPU, and no background traffic of the
# browser's own, so every request a page records is one the site made.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright: Any) -> Any:
    """Start headless Chromium from ``/usr/bin/chromium`` under a running Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
