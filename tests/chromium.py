"""The one way tests and the benchmark start a browser: a system Chromium or Chrome, never a download."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from typing import Any

# Where Debian's chromium package puts the browser.
CHROMIUM = "/usr/bin/chromium"
# Looked up on PATH after CHROMIUM, in this order; scripts/lib/system-packages.sh
# searches the same way.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

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


class ChromiumNotFound(RuntimeError):
    """No usable Chromium or Chrome, or CHROME_PATH names something that does not run."""


def _runs(path: str) -> bool:
    """Whether the browser at ``path`` starts: Ubuntu's chromium packages are snap stubs that fail."""
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        return False
    try:
        result = subprocess.run(
            [path, "--version"],
            capture_output=True,
            timeout=20,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def find_chromium(environ: Mapping[str, str] | None = None, system_chromium: str = CHROMIUM) -> str:
    """The browser to drive: CHROME_PATH, else ``/usr/bin/chromium``, else the first on PATH that runs."""
    env = os.environ if environ is None else environ
    chosen = env.get("CHROME_PATH", "")
    if chosen:
        if not (os.path.isfile(chosen) and os.access(chosen, os.X_OK)):
            raise ChromiumNotFound(
                f"环境变量 CHROME_PATH 指向的“{chosen}”不是可执行文件。"
                "请改为 Chromium 或 Chrome 程序的完整路径，或者取消这个变量。"
            )
        if not _runs(chosen):
            raise ChromiumNotFound(
                f"环境变量 CHROME_PATH 指向的“{chosen}”无法运行（“{chosen} --version”失败）。"
                "请改为能运行的 Chromium 或 Chrome 程序的完整路径，或者取消这个变量。"
            )
        return chosen
    if _runs(system_chromium):
        return system_chromium
    search_path = env.get("PATH", os.defpath)
    for name in BROWSER_NAMES:
        candidate = shutil.which(name, path=search_path)
        if candidate and _runs(candidate):
            return candidate
    raise ChromiumNotFound(
        f"没有找到能运行的 Chromium 或 Chrome 浏览器。已查找：环境变量 CHROME_PATH、{system_chromium}，"
        f"以及 PATH 中的 {'、'.join(BROWSER_NAMES)}（Ubuntu 的 chromium、chromium-browser 软件包"
        "只是 snap 的占位程序，不能用）。请安装 Google Chrome 或 Debian 的 chromium，"
        "或者用环境变量 CHROME_PATH 指明浏览器的完整路径。"
    )


def launch_chromium(playwright: Any) -> Any:
    """Start the browser find_chromium() picks, headless, under a running Playwright."""
    return playwright.chromium.launch(
        executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS
    )
