"""The knowledge base's own search: the index files, and what readers get in the browser.

Browser tests run against the real content, served over HTTP and opened from
disk (file://), since readers use both.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from generator.index import build_index
from generator.search_index import (
    ALPHABET,
    SEARCH_DIR,
    TITLE,
    build_search_index,
    search_documents,
    token_bucket,
    token_weights,
)
from generator.segment import CJK_RUN, normalize, register_search_terms
from generator.validate import load_project
from tests.conftest import REPO

PHRASES_PER_ENTRY = 3


def _decode_postings(text: str) -> list[tuple[int, int]]:
    """An independent reading of the posting format: (entry number, weight) pairs."""
    digits = {char: i for i, char in enumerate(ALPHABET)}
    result, doc, i = [], -1, 0
    while i < len(text):
        value, shift = 0, 0
        while True:
            digit = digits[text[i]]
            i += 1
            value += (digit & 31) << shift
            shift += 5
            if not digit & 32:
                break
        doc += value + 1
        result.append((doc, digits[text[i]]))
        i += 1
    return result


def _payload(data: bytes) -> object:
    text = data.decode()
    return json.loads(text[text.index(",") + 1 : text.rindex(")")])


@pytest.fixture(scope="module")
def real_index():
    """The search index of the bundled content, with the documents it was built from."""
    project = load_project(REPO / "content", root=REPO)
    register_search_terms(
        (REPO / "content" / "search-terms.txt").read_text(encoding="utf-8").split()
    )
    index = build_index(project)
    files: dict[str, bytes] = {}
    stats = build_search_index(index, directory_urls=True, emit=files.__setitem__)
    return index, search_documents(index, directory_urls=True), (files, stats)


def test_postings_list_exactly_the_entries_holding_each_token(real_index) -> None:
    """Every token's postings name exactly the entries whose text yields it, with its weight."""
    _, docs, (files, stats) = real_index
    expected: dict[str, list[tuple[int, int]]] = {}
    for number, doc in enumerate(docs):
        for token, weight in sorted(token_weights(doc).items()):
            expected.setdefault(token, []).append((number, weight))
    buckets = _payload(files[f"{SEARCH_DIR}/manifest.js"])["buckets"]  # type: ignore[index]
    seen = 0
    for path, data in files.items():
        if not path.startswith(f"{SEARCH_DIR}/p/"):
            continue
        bucket = int(Path(path).stem)
        for token, postings in _payload(data).items():  # type: ignore[attr-defined]
            assert token_bucket(token, buckets) == bucket, token
            assert _decode_postings(postings) == expected[token], token
            seen += 1
    assert seen == len(expected) == stats.tokens


def test_title_tokens_carry_the_title_weight(real_index) -> None:
    """A token from an entry's title is marked as such, so title matches rank first."""
    _, docs, _ = real_index
    broadcast = next(d for d in docs if d.url == "cases/anhui-broadcast-network/")
    weights = token_weights(broadcast)
    assert weights["总台"] & TITLE and not weights["停播"] & TITLE


def test_index_is_reproducible(real_index) -> None:
    """Building the index twice from the same content gives the same bytes."""
    index, _, (files, _) = real_index
    again: dict[str, bytes] = {}
    build_search_index(index, directory_urls=True, emit=again.__setitem__, workers=2)
    assert again == files


def test_first_query_downloads_little(real_site: Path) -> None:
    """What any query needs before its posting files (manifest and facets) stays small."""
    fixed = sum(
        (real_site / SEARCH_DIR / name).stat().st_size for name in ["manifest.js", "facets.js"]
    )
    assert fixed < 4_000, fixed


# --- in the browser ------------------------------------------------------------------


def _recall_set() -> list[tuple[str, str]]:
    """Phrases of 2 to 8 characters taken from each entry's own text, with its URL."""
    project = load_project(REPO / "content", root=REPO)
    docs = search_documents(build_index(project), directory_urls=True)
    phrases = []
    for doc in docs:
        runs = [r for r in CJK_RUN.findall(normalize(doc.body)) if len(r) >= 10]
        for k in range(PHRASES_PER_ENTRY):
            run = runs[(k * 7) % len(runs)]
            length = 2 + (k * 3) % 7
            start = (k * 5) % (len(run) - length)
            phrases.append((run[start : start + length], doc.url))
    return phrases


RECALL = _recall_set()


def _explore(page, base: str, state: str, *, explorer: str = "explorer/") -> list[str]:
    """Open the explorer with a URL state; the site paths of every result, all pages shown."""
    page.goto(f"{base}{explorer}#{state}")
    query = dict(p.split("=", 1) for p in state.split("&") if p).get("q", "")
    page.wait_for_function(
        "q => document.querySelector('ol.kb-results')?.dataset.query === q",
        arg=unquote(query),
        timeout=15_000,
    )
    while page.locator("button.kb-results__more:visible").count():
        before = page.locator("[data-search-result]").count()
        page.click("button.kb-results__more")
        page.wait_for_function(
            "n => document.querySelectorAll('[data-search-result]').length > n", arg=before
        )
    hrefs = page.eval_on_selector_all("[data-search-result]", "els => els.map(a => a.href)")
    return [_site_path(href, base) for href in hrefs]


def _site_path(href: str, base: str) -> str:
    return href[len(base) :] if href.startswith(base) else urlsplit(href).path


def test_recall_set_is_large_enough() -> None:
    """The recall check uses at least 30 phrases of 2 to 8 characters."""
    assert len(RECALL) >= 30
    assert all(2 <= len(phrase) <= 8 for phrase, _ in RECALL)


def test_every_recall_phrase_finds_its_entry(page, site_url: str) -> None:
    """Each phrase copied from an entry's text finds that entry, whatever words it spans."""
    missed = []
    for phrase, url in RECALL:
        found = _explore(page, site_url, "q=" + quote(phrase))
        if url not in found:
            missed.append((phrase, url, found))
    assert missed == []


def test_title_matches_rank_first_and_are_highlighted(page, site_url: str) -> None:
    """For 中心组, entries with it in the title come before entries with it only in the text."""
    _explore(page, site_url, "q=" + quote("中心组"))
    titles = page.eval_on_selector_all(
        "[data-search-result] .kb-result__title", "els => els.map(e => e.textContent)"
    )
    in_title = [("中心组" in title) for title in titles]
    assert in_title[0] and in_title == sorted(in_title, reverse=True), titles
    assert page.locator(".kb-result__title mark").first.inner_text() == "中心组"


def test_body_matches_show_a_highlighted_snippet(page, site_url: str) -> None:
    """A phrase found only in the text appears highlighted in a snippet under the result."""
    found = _explore(page, site_url, "q=" + quote("磨刀不误砍柴工"))
    assert found == ["practices/work-learning-integration/"]
    page.wait_for_selector(".kb-result__snippet mark")
    assert page.inner_text(".kb-result__snippet mark") == "磨刀不误砍柴工"


def test_filters_combine_and_the_url_keeps_them(page, site_url: str) -> None:
    """Within a facet choices add up; across facets they narrow; the URL restores the state."""
    everything = _explore(page, site_url, "q=" + quote("学习"))
    practices = _explore(page, site_url, "q=" + quote("学习") + "&kind=practice")
    assert practices and all(p.startswith("practices/") for p in practices)
    both = _explore(page, site_url, "q=" + quote("学习") + "&kind=practice,material")
    assert set(practices) < set(both) <= set(everything)
    assert all(p.startswith(("practices/", "materials/")) for p in both)

    page.click("button[data-facet=org][data-value=government-agency]")
    page.wait_for_function("() => location.hash.includes('org=government-agency')")
    page.wait_for_function(
        "n => document.querySelectorAll('[data-search-result]').length < n", arg=len(both)
    )
    narrowed = [
        _site_path(h, site_url)
        for h in page.eval_on_selector_all("[data-search-result]", "els => els.map(a => a.href)")
    ]
    assert narrowed and set(narrowed) < set(both)
    for path in narrowed:
        assert re.search(r"^(practices|materials)/", path)
    counts = {
        e["value"]: int(e["count"])
        for e in page.eval_on_selector_all(
            "button[data-facet=kind]",
            "els => els.map(b => ({value: b.dataset.value,"
            " count: b.querySelector('.kb-facet__count').textContent}))",
        )
    }
    assert counts.get("practice", 0) + counts.get("material", 0) == len(narrowed)

    shared = page.url
    page.goto("about:blank")
    page.goto(shared)
    page.wait_for_selector("[data-search-result]")
    assert page.input_value("input.kb-explorer__input") == "学习"
    pressed = page.eval_on_selector_all(
        "button[aria-pressed=true]", "els => els.map(b => b.dataset.value).sort()"
    )
    assert pressed == ["government-agency", "material", "practice"]


def test_browsing_without_a_query_lists_and_filters_everything(page, site_url: str) -> None:
    """With no query the explorer lists every entry; a theme filter keeps that theme's entries."""
    project = load_project(REPO / "content", root=REPO)
    assert len(_explore(page, site_url, "")) == len(project.entries)
    culture = _explore(page, site_url, "theme=learning-culture")
    expected = [e for e in project.entries.values() if "learning-culture" in e.themes]
    assert len(culture) == len(expected) >= 1


def test_search_results_are_links_with_kind_type_and_themes(page, site_url: str) -> None:
    """Each result is a link marked data-search-result showing kind, organization type, themes."""
    _explore(page, site_url, "q=" + quote("零秒停播"))
    result = page.locator("a[data-search-result]").first
    assert result.locator(".kb-badge").inner_text() == "典型案例"
    assert result.locator(".kb-result__org").inner_text() == "事业单位"
    assert "创建成效" in result.locator(".kb-result__themes").inner_text()


# --- opened from disk ------------------------------------------------------------------


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real content built with `kb build --offline`'s settings, as a file:// URL."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = tmp_path_factory.mktemp("offline") / "site"
    config = load_config(
        str(REPO / "mkdocs.yml"), site_dir=str(site), strict=True, use_directory_urls=False
    )
    build(config)
    return site.as_uri() + "/"


def test_offline_search_works_from_disk(page, offline_site: str) -> None:
    """Opened from disk, the header search lists results and a result opens its page."""
    page.goto(offline_site + "index.html")
    page.fill("header input[type=search]", "零秒停播")
    page.wait_for_selector("[data-search-result]")
    page.click("[data-search-result] >> nth=0")
    page.wait_for_load_state()
    assert page.url == offline_site + "cases/anhui-broadcast-network.html"
    assert "零秒停播" in page.inner_text("article")
    assert all(url.startswith("file://") for url in page.requests), page.requests


def test_offline_explorer_filters_from_disk(page, offline_site: str) -> None:
    """From disk, the explorer reads and writes its URL state and filters the results."""
    found = _explore(
        page, offline_site, "q=" + quote("学习") + "&kind=case", explorer="explorer.html"
    )
    assert found and all(p.startswith("cases/") and p.endswith(".html") for p in found)
    page.click("button[data-facet=kind][data-value=practice]")
    page.wait_for_function("() => location.hash.includes('kind=case,practice')")
    assert all(url.startswith("file://") for url in page.requests), page.requests


def test_offline_links_open_html_files(offline_site: str) -> None:
    """Every internal link of the offline build points at a file that exists on disk."""
    root = Path(urlsplit(offline_site).path)
    broken = []
    for html in root.rglob("*.html"):
        if html.name == "404.html":
            continue  # served by web servers at any path, so its links are site-absolute
        for href in re.findall(r'href="([^"#?]+)', html.read_text(encoding="utf-8")):
            if href.startswith(("http:", "https:", "mailto:", "data:")):
                continue
            target = (html.parent / href).resolve()
            if not target.is_file():
                broken.append((html.relative_to(root).as_posix(), href))
    assert broken == []


def test_search_api_for_integrations(page, site_url: str) -> None:
    """kbSearch.search gives matching entry numbers, best first; kbSearch.entries their pages."""
    page.goto(site_url)
    urls = page.evaluate(
        """async () => {
            const numbers = await kbSearch.search("零秒停播");
            const entries = await kbSearch.entries(numbers);
            return entries.map(e => e.url);
        }"""
    )
    assert urls == ["cases/anhui-broadcast-network/"]
    assert page.evaluate("() => kbSearch.search('不存在的词语组合甲乙丙')") == []


def test_header_search_filters_on_demand(page, site_url: str) -> None:
    """A plain query loads no facet table; opening the filters loads it and narrows the list."""
    page.goto(site_url)
    page.fill("header input[type=search]", "学习")
    page.wait_for_selector("[data-search-result]")
    assert not any(url.endswith("/search/facets.js") for url in page.requests)
    page.click(".kb-search__filters > summary")
    page.click("button[data-facet=kind][data-value=case]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-search-result]')]"
        ".every(a => a.getAttribute('href').includes('cases/'))"
    )
    assert any(url.endswith("/search/facets.js") for url in page.requests)
    share = page.get_attribute(".kb-search__share", "href")
    assert share.endswith("explorer/#q=%E5%AD%A6%E4%B9%A0&kind=case")
    _assert_local(page, site_url)


def _assert_local(page, site_url: str) -> None:
    origin = urlsplit(site_url).netloc
    assert all(urlsplit(url).netloc == origin for url in page.requests), page.requests


def test_a_slow_earlier_query_never_replaces_a_later_answer(page, site_url: str) -> None:
    """Results of a query whose entries arrive late are dropped once the reader typed on."""
    held: list = []

    def hold(route) -> None:
        held.append(route)

    page.route("**/search/m/*.js", hold)
    page.goto(site_url)
    box = "header input[type=search]"
    page.fill(box, "零秒停播")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the entries of the first query were never requested"
    later = "不存在的词语组合甲乙丙"
    page.fill(box, later)
    page.wait_for_function(
        "q => document.querySelector('ol.kb-results')?.dataset.query === q", arg=later
    )
    for route in held:
        route.continue_()
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(r => r.name.includes('/search/m/'))"
    )
    page.evaluate("() => new Promise(done => setTimeout(done, 200))")  # let its callbacks run
    assert page.evaluate("() => document.querySelector('ol.kb-results').dataset.query") == later
    assert page.locator("[data-search-result]").count() == 0
    assert "没有找到" in page.inner_text("header .kb-search__status")


def test_a_broken_link_state_still_opens_the_explorer(page, site_url: str) -> None:
    """A hand-edited link such as #q=100% shows its text as the query instead of a dead page."""
    page.goto(site_url + "explorer/#q=100%&kind=case")
    page.wait_for_function(
        "() => document.querySelector('ol.kb-results')?.dataset.query === '100%'"
    )
    assert page.input_value("input.kb-explorer__input") == "100%"
    page.evaluate("() => { location.hash = 'q=' + encodeURIComponent('零秒停播'); }")
    page.wait_for_selector("[data-search-result]")
    hrefs = page.eval_on_selector_all("[data-search-result]", "els => els.map(a => a.href)")
    assert [_site_path(h, site_url) for h in hrefs] == ["cases/anhui-broadcast-network/"]


def test_index_scripts_escape_line_separators() -> None:
    """U+2028/U+2029 in entry text cannot end a string literal in older browsers' JavaScript."""
    from generator.search.files import script as index_script

    script = index_script("t/0", {"text": "第一段\u2028第二段\u2029第三段"}).decode()
    assert "\u2028" not in script and "\u2029" not in script
    assert _payload(script.encode()) == {"text": "第一段\u2028第二段\u2029第三段"}
