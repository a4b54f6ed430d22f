"""No broken link or asset anywhere a reader may open the site: served at a server's root, served
from a subfolder (/kb/, with site_url), and the offline build opened from disk, 404 page included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from tests.served import Requests, build_variant, follow_skip_link, serve

PREVIEW = "http://127.0.0.1:8000/"
"""The editors' guide links to the local preview (`kb serve`): a link for editors, never loaded."""


@pytest.fixture(scope="module")
def sites(
    real_site: Path, offline_site: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, tuple[str, str]]]:
    """{variant: (start address, an address that does not exist)} for the three ways of hosting."""
    folder = tmp_path_factory.mktemp("crawl")
    subfolder = build_variant(folder / "kb", site_url="http://intranet.example/kb/")
    with serve(real_site) as root, serve(subfolder, prefix="/kb/") as kb:
        yield {
            "root": (root, root + "no/such/page/"),
            "subfolder": (kb, kb + "no/such/page/"),
            "offline": (offline_site + "index.html", offline_site + "404.html"),
        }


def _probe(response) -> bool:
    """The 404 page's look for the site's folder (theme/404.html): HEAD requests for 404.html
    in each folder above the missing address, all but the site's own answered "not found"."""
    return response.request.method == "HEAD" and response.url.endswith("/404.html")


class _Failed:
    """What a tab failed to get: a request that failed or an answer of 400 or more (except
    those ``expected``). A request a navigation cut off (net::ERR_ABORTED: the browser asks
    for a page's icon when it likes, and the next page may open first) counts only if the
    file cannot be had when asked for again."""

    def __init__(self, context, tab, expected) -> None:  # type: ignore[no-untyped-def]
        self.context, self.urls, self.cut = context, [], []
        tab.on("requestfailed", self._request_failed)
        tab.on(
            "response", lambda r: r.status >= 400 and not expected(r) and self.urls.append(r.url)
        )

    def _request_failed(self, request) -> None:  # type: ignore[no-untyped-def]
        (self.cut if request.failure == "net::ERR_ABORTED" else self.urls).append(request.url)

    def all(self) -> list[str]:
        return self.urls + [url for url in self.cut if not self._can_be_had(url)]

    def _can_be_had(self, url: str) -> bool:
        if url.startswith("file:"):
            return Path(unquote(urlsplit(url).path)).is_file()
        return self.context.request.get(url).ok


def _crawl(browser, start: str, missing: str) -> dict[str, object]:
    """Open every page reachable from ``start`` (and ``missing``); what failed on the way."""
    base = start.rsplit("/", 1)[0] + "/" if start.endswith(".html") else start
    context = browser.new_context(locale="zh-CN")
    tab = context.new_page()
    failures = _Failed(context, tab, lambda r: r.url == missing or _probe(r))
    outside: list[str] = []

    def note(request) -> None:
        if not request.url.startswith((base, "data:", "blob:")):
            outside.append(request.url)

    tab.on("request", note)
    # Requests a page starts after its load event (its icon, the search manifest it fetches
    # once the browser is idle) are waited for before the next page opens, so none of them
    # is cut off and counted as failed.
    requests = Requests(tab)
    queue, seen, anchors = [start, missing], set(), []
    downloads: set[str] = set()
    try:
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            tab.goto(url)  # waits for the page's load event: its styles, scripts and images
            requests.settle()
            if url == missing:
                # The 404 page's own search box, at a depth where relative links would break.
                tab.fill("header input[type=search]", "学习")
                tab.wait_for_selector(".kb-search__panel [data-search-result]", timeout=15_000)
            found = tab.evaluate(
                """() => ({
                    // SVG links (the overview's charts) have no string href: resolve the attribute.
                    links: [...document.querySelectorAll('a[href]')]
                        .map(a => new URL(a.getAttribute('href'), document.baseURI).href),
                    missingAnchors: [...document.querySelectorAll('a[href^="#"]')]
                        .map(a => a.getAttribute('href').slice(1))
                        .filter(id => id && !document.getElementById(decodeURIComponent(id))),
                })"""
            )
            anchors += [(url, a) for a in found["missingAnchors"]]
            for link in found["links"]:
                page = urldefrag(link).url
                if page.startswith(base) and page.endswith(".docx"):
                    downloads.add(page)  # a Word file to download, not a page: fetched below
                elif page.startswith(base) and page not in seen and "/search/" not in page:
                    queue.append(page)
                elif not page.startswith((base, "data:", "mailto:", PREVIEW)):
                    outside.append(link)
        failed = failures.all()
        failed += [link for link in sorted(downloads) if not _is_word_file(context, link)]
    finally:
        context.close()
    assert downloads, "no Word file is linked"
    return {
        "pages": len(seen),
        "failed": sorted(set(failed)),
        "outside": sorted(set(outside)),
        "anchors": anchors,
    }


def _is_word_file(context, link: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether ``link`` gives a Word file (a zip package), from the server or from disk."""
    if link.startswith("file:"):
        path = Path(unquote(urlsplit(link).path))
        return path.is_file() and path.read_bytes()[:2] == b"PK"
    response = context.request.get(link)
    return response.status == 200 and response.body()[:2] == b"PK"


@pytest.mark.parametrize("hosting", ["root", "subfolder", "offline"])
def test_no_broken_link_or_asset_in_any_hosting(browser, sites, hosting: str) -> None:
    """Crawled in a browser, each hosting opens every page and asset, stays inside itself, 404 included."""
    found = _crawl(browser, *sites[hosting])
    assert found["pages"] > 40, found["pages"]
    assert found["failed"] == [] and found["outside"] == [] and found["anchors"] == [], found
    assert urlsplit(sites["subfolder"][0]).path == "/kb/"


def test_the_404_page_skip_link_stays_on_the_page_in_any_hosting(browser, sites) -> None:
    """跳到正文 on the 404 page lands on its own text wherever it is served (root, subfolder,
    disk), at the address asked for, instead of opening the home page."""
    context = browser.new_context(locale="zh-CN")
    try:
        tab = context.new_page()
        for name, (_, missing) in sites.items():
            followed = follow_skip_link(tab, missing)
            expected = {"text": "跳到正文", "url": missing + "#kb-main", "focus": "kb-main"}
            assert followed == {**expected, "stayed": True}, name
    finally:
        context.close()


def test_the_404_page_finds_its_site_in_a_subfolder_without_site_url(
    browser, real_site: Path
) -> None:
    """Served under /kb/ with no site_url, the 404 page loads its own styles and scripts, its
    logo stays small, its links and search stay in /kb/ and its skip link stays on the page."""
    context = browser.new_context(locale="zh-CN")
    try:
        tab = context.new_page()
        failures = _Failed(context, tab, _probe)
        # Each page is complete before the next opens, so nothing it fetches late (the search
        # files, once the browser is idle) is cut off by the navigation and counted as failed.
        requests = Requests(tab)
        with serve(real_site, prefix="/kb/") as kb:
            missing = kb + "no/such/page/"
            loaded = []
            tab.on("response", lambda r: r.ok and loaded.append(urlsplit(r.url).path))
            tab.goto(missing)
            requests.settle()
            used = {"/kb/assets/stylesheets/kb.css", "/kb/assets/javascripts/kb-search.js"}
            assert used <= set(loaded)
            header = "getComputedStyle(document.querySelector('.md-header')).position"
            assert tab.evaluate(header) == "sticky"
            logo = tab.locator(".md-header .md-logo svg").bounding_box()
            assert logo is not None and logo["height"] < 50
            links = tab.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
            assert links and all(link.startswith(kb) for link in links), links
            tab.fill("header input[type=search]", "学习")
            tab.wait_for_selector(".kb-search__panel [data-search-result]", timeout=15_000)
            results = tab.eval_on_selector_all(
                ".kb-search__panel [data-search-result]", "els => els.map(a => a.href)"
            )
            assert all(r.startswith(kb) for r in results), results
            tab.click("header .kb-search__panel [data-search-result] >> nth=0")
            tab.wait_for_load_state("load")
            requests.settle()
            assert tab.url.startswith(kb) and tab.title() != "页面不存在 - 学习型党组织建设知识库"
            followed = follow_skip_link(tab, missing)
            expected = {"text": "跳到正文", "url": missing + "#kb-main", "focus": "kb-main"}
            assert followed == {**expected, "stayed": True}
            failed = failures.all()
        # The browser reads ahead while the page looks for its folder and may fetch a few files
        # from the server's root, the page's first guess; nothing in /kb/ fails.
        root = kb.removesuffix("kb/")
        assert all(u.startswith(root + "assets/") or u == missing for u in failed), failed
    finally:
        context.close()
