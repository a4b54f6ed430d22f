"""The knowledge base's own search: the index files, and what readers get in the browser.

Browser tests run against the real content, served over HTTP and opened from
disk (file://), since readers use both.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
import yaml

from generator.check import load_project
from generator.index import build_index
from generator.search import SEARCH_DIR, build_search_index, search_documents, token_weights
from generator.search.files import FACETS, META_CHUNK
from generator.search.postings import ALPHABET, token_bucket
from generator.search.tokens import TITLE
from generator.segment import CJK_RUN, Segmenter, normalize, read_search_terms
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
    segmenter = Segmenter(read_search_terms(REPO / "content"))
    index = build_index(project)
    files: dict[str, bytes] = {}
    stats = build_search_index(
        index, directory_urls=True, emit=files.__setitem__, segmenter=segmenter
    )
    return index, search_documents(index, directory_urls=True), (files, stats), segmenter


def _assert_postings_match(files: dict[str, bytes], docs, segmenter) -> int:
    """Every token's postings name exactly the entries whose text yields it; the token count.

    ``docs`` are the documents by entry number (``None`` for a number with no entry).
    """
    expected: dict[str, list[tuple[int, int]]] = {}
    for number, doc in enumerate(docs):
        if doc is None:
            continue
        for token, weight in sorted(token_weights(doc, segmenter).items()):
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
    assert seen == len(expected)
    return seen


def test_postings_list_exactly_the_entries_holding_each_token(real_index) -> None:
    """Every token's postings name exactly the entries whose text yields it, with its weight."""
    _, docs, (files, stats), segmenter = real_index
    assert _assert_postings_match(files, docs, segmenter) == stats.tokens


def test_title_tokens_carry_the_title_weight(real_index) -> None:
    """A token from an entry's title is marked as such, so title matches rank first."""
    _, docs, _, segmenter = real_index
    broadcast = next(d for d in docs if d.url == "cases/anhui-broadcast-network/")
    weights = token_weights(broadcast, segmenter)
    assert weights["总台"] & TITLE and not weights["停播"] & TITLE


def _postings_of(files: dict[str, bytes], token: str) -> list[tuple[int, int]]:
    """The decoded postings of one token in a full index's files."""
    buckets = _payload(files[f"{SEARCH_DIR}/manifest.js"])["buckets"]  # type: ignore[index]
    bucket = _payload(files[f"{SEARCH_DIR}/p/{token_bucket(token, buckets)}.js"])
    return _decode_postings(bucket.get(token, ""))  # type: ignore[union-attr]


def test_study_packs_are_found_by_their_own_words(real_index) -> None:
    """Each study pack is a document of the index: its title, introduction and questions lead
    to its page, its kind is 学习专题, and it has no organization type or themes of its own."""
    index, docs, (files, _), _ = real_index
    manifest = _payload(files[f"{SEARCH_DIR}/manifest.js"])
    assert isinstance(manifest, dict)
    kinds = manifest["facets"]["kind"]
    pack_kind = kinds["values"].index("pack")
    assert kinds["labels"][pack_kind] == "学习专题"
    urls = [doc.url for doc in docs]
    assert index.packs
    for pack in index.packs.values():
        assert f"packs/{pack.id}/" in urls, pack.id
        number = urls.index(f"packs/{pack.id}/")
        for text in [pack.title, pack.introduction, pack.questions[-1]]:
            pair = max(CJK_RUN.findall(text), key=len)[:2]
            postings = dict(_postings_of(files, pair))
            assert number in postings, (pack.id, pair)
            assert postings[number] & TITLE or text != pack.title, (pack.id, pair)
        chunk = _payload(files[f"{SEARCH_DIR}/m/{number // META_CHUNK}.js"])
        row = chunk[number % META_CHUNK]  # type: ignore[index]
        assert row == [f"packs/{pack.id}/", pack.title, pack.summary, pack_kind, None, []]


def test_index_is_reproducible(real_index) -> None:
    """Building the index twice from the same content gives the same bytes."""
    index, _, (files, _), segmenter = real_index
    again: dict[str, bytes] = {}
    build_search_index(
        index, directory_urls=True, emit=again.__setitem__, workers=2, segmenter=segmenter
    )
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
    address = f"{base}{explorer}"
    if page.url.split("#")[0] == address:
        # Going to the address the tab shows would only change its hash: the list the
        # explorer showed before may still name the same query while it answers the new
        # state (and may be drawn again once it rewrites the hash), so the page is loaded anew.
        page.goto("about:blank")
    page.goto(f"{address}#{state}")
    query = dict(p.split("=", 1) for p in state.split("&") if p).get("q", "")
    page.wait_for_function(
        "q => document.querySelector('ol.kb-results')?.dataset.query === q",
        arg=unquote(query),
        timeout=15_000,
    )
    hrefs = page.evaluate(SHOW_ALL)
    return [_site_path(href, base) for href in hrefs]


SHOW_ALL = """async () => {
    // Presses 显示更多 until it is gone (test_showing_more_only_appends clicks it with the
    // mouse); each press waits for its results, or fails after 30 s saying what it saw.
    const more = document.querySelector('button.kb-results__more');
    const count = () => document.querySelectorAll('[data-search-result]').length;
    while (more && !more.hidden) {
        const before = count();
        const deadline = Date.now() + 30000;
        more.click();
        while (count() <= before) {
            if (Date.now() > deadline) {
                const status = document.querySelector('.kb-search__status');
                throw new Error(`显示更多 added nothing to ${before} results; ` +
                    `status: ${status && status.textContent}; button hidden: ${more.hidden}`);
            }
            await new Promise(done => setTimeout(done, 20));
        }
    }
    return [...document.querySelectorAll('[data-search-result]')].map(a => a.href);
}"""
"""Every result of the explorer's list, once all its pages are shown."""


def _site_path(href: str, base: str) -> str:
    return href[len(base) :] if href.startswith(base) else urlsplit(href).path


def test_recall_set_is_large_enough() -> None:
    """The recall check uses at least 30 phrases of 2 to 8 characters."""
    assert len(RECALL) >= 30
    assert all(2 <= len(phrase) <= 8 for phrase, _ in RECALL)


def test_every_recall_phrase_finds_its_entry(reader, site_url: str) -> None:
    """Each phrase copied from an entry's text finds that entry, whatever words it spans.

    The phrases are put to the explorer page's search (what its list shows, unfiltered, as
    the other tests here check) in one page view instead of one page view each."""
    reader.goto(site_url + "explorer/")
    answers = _ranked(reader, [phrase for phrase, _ in RECALL])
    missed = [
        (phrase, url, found)
        for (phrase, url), found in zip(RECALL, answers, strict=True)
        if url not in found
    ]
    assert missed == []


def test_title_matches_rank_first_and_are_highlighted(reader, site_url: str) -> None:
    """For 中心组, entries with it in the title come before entries with it only in the text."""
    _explore(reader, site_url, "q=" + quote("中心组"))
    titles = reader.eval_on_selector_all(
        "[data-search-result] .kb-result__title", "els => els.map(e => e.textContent)"
    )
    in_title = [("中心组" in title) for title in titles]
    assert in_title[0] and in_title == sorted(in_title, reverse=True), titles
    assert reader.locator(".kb-result__title mark").first.inner_text() == "中心组"


def test_body_matches_show_a_highlighted_snippet(reader, site_url: str) -> None:
    """A phrase found only in the text appears highlighted in a snippet under the result."""
    found = _explore(reader, site_url, "q=" + quote("磨刀不误砍柴工"))
    assert found == ["practices/work-learning-integration/"]
    reader.wait_for_selector(".kb-result__snippet mark")
    assert reader.inner_text(".kb-result__snippet mark") == "磨刀不误砍柴工"


def test_filters_combine_and_the_url_keeps_them(reader, site_url: str) -> None:
    """Within a facet choices add up; across facets they narrow; the URL restores the state."""
    everything = _explore(reader, site_url, "q=" + quote("学习"))
    practices = _explore(reader, site_url, "q=" + quote("学习") + "&kind=practice")
    assert practices and all(p.startswith("practices/") for p in practices)
    both = _explore(reader, site_url, "q=" + quote("学习") + "&kind=practice,material")
    assert set(practices) < set(both) <= set(everything)
    assert all(p.startswith(("practices/", "materials/")) for p in both)

    reader.click("button[data-facet=org][data-value=government-agency]")
    reader.wait_for_function("() => location.hash.includes('org=government-agency')")
    reader.wait_for_function(
        "n => document.querySelectorAll('[data-search-result]').length < n", arg=len(both)
    )
    narrowed = [
        _site_path(h, site_url)
        for h in reader.eval_on_selector_all("[data-search-result]", "els => els.map(a => a.href)")
    ]
    assert narrowed and set(narrowed) < set(both)
    for path in narrowed:
        assert re.search(r"^(practices|materials)/", path)
    counts = {
        e["value"]: int(e["count"])
        for e in reader.eval_on_selector_all(
            "button[data-facet=kind]",
            "els => els.map(b => ({value: b.dataset.value,"
            " count: b.querySelector('.kb-facet__count').textContent}))",
        )
    }
    assert counts.get("practice", 0) + counts.get("material", 0) == len(narrowed)

    shared = reader.url
    reader.goto("about:blank")
    reader.goto(shared)
    reader.wait_for_selector("[data-search-result]")
    assert reader.input_value("input.kb-explorer__input") == "学习"
    pressed = reader.eval_on_selector_all(
        "button[aria-pressed=true]", "els => els.map(b => b.dataset.value).sort()"
    )
    assert pressed == ["government-agency", "material", "practice"]


def test_browsing_without_a_query_lists_and_filters_everything(reader, site_url: str) -> None:
    """With no query the explorer lists every entry and study pack; a theme filter keeps that
    theme's entries."""
    project = load_project(REPO / "content", root=REPO)
    assert len(_explore(reader, site_url, "")) == len(project.entries) + len(project.packs)
    culture = _explore(reader, site_url, "theme=learning-culture")
    expected = [e for e in project.entries.values() if "learning-culture" in e.themes]
    assert len(culture) == len(expected) >= 1


def test_search_results_are_links_with_kind_type_and_themes(reader, site_url: str) -> None:
    """Each result is a link marked data-search-result showing kind, organization type, themes."""
    _explore(reader, site_url, "q=" + quote("零秒停播"))
    result = reader.locator("a[data-search-result]").first
    assert result.locator(".kb-badge").inner_text() == "典型案例"
    assert result.locator(".kb-result__org").inner_text() == "事业单位"
    assert "创建成效" in result.locator(".kb-result__themes").inner_text()


def test_a_study_pack_is_found_by_its_title_and_its_questions(reader, site_url: str) -> None:
    """Searching a pack's title lists the pack's page first, marked 学习专题 without an
    organization type; words of a discussion question find it too; 学习专题 filters to packs."""
    project = load_project(REPO / "content", root=REPO)
    pack = project.packs["central-group-study-session"]
    found = _explore(reader, site_url, "q=" + quote(pack.title))
    assert found[0] == f"packs/{pack.id}/", found
    first = reader.locator("a[data-search-result]").first
    assert first.locator(".kb-badge").inner_text() == "学习专题"
    assert first.locator(".kb-result__org, .kb-result__themes").count() == 0
    assert f"packs/{pack.id}/" in _explore(reader, site_url, "q=" + quote("中断过的原因"))
    packs = _explore(reader, site_url, "kind=pack")
    assert sorted(packs) == sorted(f"packs/{pack_id}/" for pack_id in project.packs)
    option = reader.locator("button[data-facet=kind][data-value=pack]")
    assert option.locator(".kb-facet__name").inner_text() == "学习专题"


# --- opened from disk ------------------------------------------------------------------


def test_offline_search_works_from_disk(reader, offline_site: str) -> None:
    """Opened from disk, the header search lists results and a result opens its page."""
    reader.goto(offline_site + "index.html")
    reader.fill("header input[type=search]", "零秒停播")
    reader.wait_for_selector("[data-search-result]")
    reader.click("[data-search-result] >> nth=0")
    reader.wait_for_load_state()
    assert reader.url == offline_site + "cases/anhui-broadcast-network.html"
    assert "零秒停播" in reader.inner_text("article")
    assert all(url.startswith("file://") for url in reader.requests), reader.requests


def test_offline_explorer_filters_from_disk(reader, offline_site: str) -> None:
    """From disk, the explorer reads and writes its URL state and filters the results."""
    found = _explore(
        reader, offline_site, "q=" + quote("学习") + "&kind=case", explorer="explorer.html"
    )
    assert found and all(p.startswith("cases/") and p.endswith(".html") for p in found)
    reader.click("button[data-facet=kind][data-value=practice]")
    reader.wait_for_function("() => location.hash.includes('kind=case,practice')")
    assert all(url.startswith("file://") for url in reader.requests), reader.requests


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


def test_search_api_for_integrations(reader, site_url: str) -> None:
    """kbSearch.search gives matching entry numbers, best first; kbSearch.entries their pages."""
    reader.goto(site_url)
    urls = reader.evaluate(
        """async () => {
            const numbers = await kbSearch.search("零秒停播");
            const entries = await kbSearch.entries(numbers);
            return entries.map(e => e.url);
        }"""
    )
    assert urls == ["cases/anhui-broadcast-network/"]
    assert reader.evaluate("() => kbSearch.search('不存在的词语组合甲乙丙')") == []


def test_header_search_filters_on_demand(reader, site_url: str) -> None:
    """A plain query loads no facet table; opening the filters loads it and narrows the list."""
    reader.goto(site_url)
    reader.fill("header input[type=search]", "学习")
    reader.wait_for_selector("[data-search-result]")
    assert not any(url.endswith("/search/facets.js") for url in reader.requests)
    reader.click(".kb-search__filters > summary")
    reader.click("button[data-facet=kind][data-value=case]")
    reader.wait_for_function(
        "() => [...document.querySelectorAll('[data-search-result]')]"
        ".every(a => a.getAttribute('href').includes('cases/'))"
    )
    assert any(url.endswith("/search/facets.js") for url in reader.requests)
    share = reader.get_attribute(".kb-search__share", "href")
    assert share.endswith("explorer/#q=%E5%AD%A6%E4%B9%A0&kind=case")
    _assert_local(reader, site_url)


def _assert_local(page, site_url: str) -> None:
    origin = urlsplit(site_url).netloc
    assert all(urlsplit(url).netloc == origin for url in page.requests), page.requests


def test_a_slow_earlier_query_never_replaces_a_later_answer(reader, site_url: str) -> None:
    """Results of a query whose entries arrive late are dropped once the reader typed on."""
    held: list = []

    def hold(route) -> None:
        held.append(route)

    reader.route("**/search/m/*.js", hold)
    reader.goto(site_url)
    box = "header input[type=search]"
    with reader.expect_request("**/search/m/*.js"):
        reader.fill(box, "零秒停播")
    while not held:  # the route handler runs as Playwright takes in the page's events
        reader.evaluate("0")
    # Known when every held script has run (or failed), whenever the page gets them.
    reader.evaluate(
        """() => { window.heldScriptsDone = Promise.all(
            [...document.querySelectorAll('script[src*="/search/m/"]')].map(s => new Promise(
                done => { s.addEventListener('load', done); s.addEventListener('error', done); })));
        }"""
    )
    later = "不存在的词语组合甲乙丙"
    reader.fill(box, later)
    reader.wait_for_function(
        "q => document.querySelector('ol.kb-results')?.dataset.query === q", arg=later
    )
    for route in held:
        route.continue_()
    # The held scripts have run, and then every callback they set off (a task runs after them).
    reader.evaluate(
        "() => window.heldScriptsDone.then(() => new Promise(done => setTimeout(done)))"
    )
    assert reader.evaluate("() => document.querySelector('ol.kb-results').dataset.query") == later
    assert reader.locator("[data-search-result]").count() == 0
    assert "没有找到" in reader.inner_text("header .kb-search__status")


def test_a_broken_link_state_still_opens_the_explorer(reader, site_url: str) -> None:
    """A hand-edited link such as #q=100% shows its text as the query instead of a dead page."""
    reader.goto(site_url + "explorer/#q=100%&kind=case")
    reader.wait_for_function(
        "() => document.querySelector('ol.kb-results')?.dataset.query === '100%'"
    )
    assert reader.input_value("input.kb-explorer__input") == "100%"
    reader.evaluate("() => { location.hash = 'q=' + encodeURIComponent('零秒停播'); }")
    reader.wait_for_selector("[data-search-result]")
    hrefs = reader.eval_on_selector_all("[data-search-result]", "els => els.map(a => a.href)")
    assert [_site_path(h, site_url) for h in hrefs] == ["cases/anhui-broadcast-network/"]


SEARCH_SCRIPT = REPO / "theme" / "assets" / "javascripts" / "kb-search.js"
MAX_QUERY = int(
    re.search(r"const MAX_QUERY = (\d+);", SEARCH_SCRIPT.read_text(encoding="utf-8"))[1]
)
"""Characters of a query the explorer searches (kb-search.js)."""


def _explorer_notice(page) -> str:  # type: ignore[no-untyped-def]
    notice = page.locator(".kb-explorer__body .kb-search__notice")
    return notice.inner_text() if notice.is_visible() else ""


@pytest.mark.parametrize("key", ["__proto__", "constructor", "toString", "hasOwnProperty"])
def test_link_keys_named_like_object_members_are_ignored(reader, site_url: str, key: str) -> None:
    """#__proto__=x and the like list everything, with a note that the key was not understood,
    instead of stopping the page."""
    everything = _explore(reader, site_url, f"{key}=x")
    project = load_project(REPO / "content", root=REPO)
    assert len(everything) == len(project.entries) + len(project.packs)
    assert reader.errors == []
    assert f"网址中有检索页不认识的条件，已忽略：“{key}”" in _explorer_notice(reader)


def test_an_unknown_filter_value_is_dropped_with_a_notice(reader, site_url: str) -> None:
    """A link filtering on a value the site does not have (#org=nonexistent) drops it and says
    so, instead of showing nothing with no filter to undo."""
    cases = _explore(reader, site_url, "kind=case")
    reader.goto("about:blank")
    assert _explore(reader, site_url, "kind=case&org=nonexistent,rural-x&year=1900") == cases
    notice = _explorer_notice(reader)
    assert "网址中的筛选条件在本站没有，已去掉" in notice
    for shown in ["组织类型“nonexistent”", "组织类型“rural-x”", "年份“1900”"]:
        assert shown in notice
    reader.wait_for_function("() => location.hash === '#kind=case'")
    reader.click("button[data-facet=kind][data-value=case]")  # the next change clears the note
    reader.wait_for_function("() => !location.hash")
    assert _explorer_notice(reader) == ""


def test_a_very_long_query_is_cut_to_the_searched_length(reader, site_url: str) -> None:
    """A 10,000-character query searches its first MAX_QUERY characters only (each character
    loads posting files), says so, and keeps the address short."""
    text = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(10_000))
    reader.goto(f"{site_url}explorer/#q={quote(text)}")
    reader.wait_for_function(
        "q => document.querySelector('ol.kb-results')?.dataset.query === q", arg=text[:MAX_QUERY]
    )
    assert f"检索词最多 {MAX_QUERY} 个字" in _explorer_notice(reader)
    assert unquote(urlsplit(reader.url).fragment) == "q=" + text[:MAX_QUERY]
    postings = {u for u in reader.requests if "/search/p/" in u}
    assert len(postings) <= 2 * MAX_QUERY


def test_a_lone_surrogate_in_the_query_does_not_stop_the_search(reader, site_url: str) -> None:
    """Half of a character pasted from a damaged document is searched as a replacement
    character; the page keeps answering and the address stays valid."""
    _explore(reader, site_url, "")
    reader.evaluate(
        """() => { const box = document.querySelector('input.kb-explorer__input');
                   box.value = '零秒\ud800停播'; box.dispatchEvent(new Event('input')); }"""
    )
    reader.wait_for_function(
        "() => document.querySelector('ol.kb-results')?.dataset.query === '零秒\ufffd停播'"
    )
    assert urlsplit(reader.url).fragment == "q=" + quote("零秒\ufffd停播")
    assert reader.errors == []
    hrefs = reader.eval_on_selector_all("[data-search-result]", "els => els.map(a => a.href)")
    assert [_site_path(h, site_url) for h in hrefs] == ["cases/anhui-broadcast-network/"]


def test_index_scripts_escape_line_separators() -> None:
    """U+2028/U+2029 in entry text cannot end a string literal in older browsers' JavaScript."""
    from generator.search.files import script as index_script

    script = index_script("t/0", {"text": "第一段\u2028第二段\u2029第三段"}).decode()
    assert "\u2028" not in script and "\u2029" not in script
    assert _payload(script.encode()) == {"text": "第一段\u2028第二段\u2029第三段"}


# --- a synthetic corpus: many entries, postings spread over many files -------------------

CORPUS_SIZE = 60


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic project of CORPUS_SIZE entries (bench.corpus), written once per module."""
    from bench.corpus import write_corpus

    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root, CORPUS_SIZE)
    return root


@pytest.fixture
def project(corpus: Path, tmp_path: Path) -> Path:
    """A copy of the synthetic project that a test may edit."""
    root = tmp_path / "project"
    shutil.copytree(corpus, root)
    return root


def _site_index(project: Path):
    return build_index(load_project(project / "content", root=project, find_duplicates=False))


def _full_files(index, segmenter: Segmenter | None = None) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    build_search_index(
        index, directory_urls=True, emit=files.__setitem__, segmenter=segmenter or Segmenter()
    )
    return files


def test_partitioned_and_spilled_postings_encode_every_token(project: Path, monkeypatch) -> None:
    """With many buckets, postings flushed often and spilled to disk, every posting is still right."""
    from generator.search import postings

    index = _site_index(project)
    docs = search_documents(index, directory_urls=True)
    in_memory = _full_files(index)
    monkeypatch.setattr(postings, "_TARGET_BUCKET_BYTES", 500)  # hundreds of buckets
    many = _full_files(index)
    monkeypatch.setattr(postings, "_FLUSH_POSTINGS", 5_000)
    monkeypatch.setattr(postings, "_MEMORY_LIMIT", 20_000)
    spilled = _full_files(index)
    assert spilled == many
    buckets = _payload(many[f"{SEARCH_DIR}/manifest.js"])["buckets"]  # type: ignore[index]
    assert buckets >= 4 * postings.PARTITIONS
    assert _assert_postings_match(spilled, docs, Segmenter()) > 10_000
    assert {p for p in in_memory if "/p/" not in p} == {p for p in many if "/p/" not in p}


def test_workers_give_the_same_files(project: Path, monkeypatch, pool_spy) -> None:
    """Tokenised by two forked workers, the index is byte for byte the one built in process."""
    from generator import workers

    index = _site_index(project)
    alone = _full_files(index)
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 10)
    shared: dict[str, bytes] = {}
    build_search_index(
        index, directory_urls=True, emit=shared.__setitem__, workers=2, segmenter=Segmenter()
    )
    assert pool_spy.submitted > 0
    assert shared == alone


def test_full_builds_have_no_overlay(project: Path) -> None:
    """A full build writes no delta.js and its manifest names no overlay."""
    files = _full_files(_site_index(project))
    assert not any(p.startswith((f"{SEARCH_DIR}/delta", f"{SEARCH_DIR}/d/")) for p in files)
    assert "delta" not in _payload(files[f"{SEARCH_DIR}/manifest.js"])  # type: ignore[operator]


def test_manifest_and_rows_address_facets_by_key(project: Path) -> None:
    """The manifest describes facets under their keys and names the fields of a metadata row."""
    files = _full_files(_site_index(project))
    manifest = _payload(files[f"{SEARCH_DIR}/manifest.js"])
    assert isinstance(manifest, dict)
    assert manifest["facetOrder"] == ["kind", "org", "theme", "region", "year"]
    assert set(manifest["facets"]) == set(manifest["facetOrder"])
    assert manifest["facets"]["theme"]["multiple"] is True
    assert manifest["fields"] == ["url", "title", "summary", "kind", "org", "theme"]
    facets = _payload(files[f"{SEARCH_DIR}/facets.js"])
    assert isinstance(facets, dict) and set(facets) == set(manifest["facetOrder"])
    row = _payload(files[f"{SEARCH_DIR}/m/0.js"])[0]  # type: ignore[index]
    kind = manifest["facets"]["kind"]["values"][row[manifest["fields"].index("kind")]]
    assert row[0].startswith(
        {"case": "cases/", "practice": "practices/", "material": "materials/"}[kind]
    )


def test_segmenters_keep_their_own_terms() -> None:
    """Two segmenters in one process split by their own terms; a dropped term is gone."""
    text = "推进学习型党组织建设工作"
    with_term = Segmenter(["学习型党组织建设"]).word_tokens(text)
    without = Segmenter([]).word_tokens(text)
    assert "学习型党组织建设" in with_term and "学习型党组织建设" not in without
    assert "学习型党组织建设" not in Segmenter([]).word_tokens(text)


FIRST_SEGMENTERS = """
from generator.segment import Segmenter
text = "推进学习型党组织建设工作"
first = Segmenter(["学习型党组织建设"]).cut(text)
print(first, Segmenter([]).cut(text), Segmenter(["党组织建设工作"]).cut(text), sep="\\n")
"""


def test_the_first_segmenter_of_a_process_keeps_its_terms_to_itself() -> None:
    """The first segmenter of a process, which takes the dictionary rjieba made on import,
    splits by its own terms and lends them to no segmenter made after it."""
    ran = subprocess.run(
        [sys.executable, "-c", FIRST_SEGMENTERS], capture_output=True, text=True, check=True
    )
    first, plain, other = ran.stdout.splitlines()
    assert "'学习型党组织建设'" in first
    assert "学习型党组织建设" not in plain and "党组织建设工作" not in plain
    assert "学习型党组织建设" not in other and "'党组织建设工作'" in other


# --- one ranking, in the browser ---------------------------------------------------------

FACET_KEYS = " ".join(key for key, _ in FACETS)
SEARCH_PAGE = f"""<!doctype html>
<meta charset="utf-8">
<form class="kb-search" action="index.html" data-site-root="" data-search-root="search/"
  data-facet-keys="{FACET_KEYS}">
  <input class="kb-search__input" type="search"><div class="kb-search__panel" hidden></div>
</form>
<div data-kb-explorer>
  <form class="kb-explorer__form"><input class="kb-explorer__input" type="search"></form>
  <div class="kb-explorer__body"></div>
</div>
<script src="kb-search.js"></script>
"""


class SearchFolder:
    """A folder holding a search index, the explorer markup and kb-search.js, as a site would."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "index.html").write_text(SEARCH_PAGE, encoding="utf-8")
        shutil.copyfile(REPO / "theme/assets/javascripts/kb-search.js", root / "kb-search.js")

    def emit(self, path: str, data: bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def discard(self, path: str) -> None:
        (self.root / path).unlink()

    def live_index(self, project: Path, segmenter: Segmenter | None = None):  # type: ignore[no-untyped-def]
        """A preview's live search index of ``project``, written into this folder."""
        from generator.search import LiveSearchIndex

        return LiveSearchIndex(
            _site_index(project),
            directory_urls=True,
            emit=self.emit,
            discard=self.discard,
            segmenter=segmenter or Segmenter(),
        )

    def files(self) -> dict[str, bytes]:
        """The index files, by site-relative path."""
        return {
            p.relative_to(self.root).as_posix(): p.read_bytes()
            for p in (self.root / SEARCH_DIR).rglob("*.js")
        }


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on localhost: (folder, its URL). Its files are rewritten
    between the steps of a test, so the browser must not keep them: a whole-second
    Last-Modified would let it keep a file rewritten within the second it fetched it."""
    from tests.conftest import _QuietHandler, _QuietServer

    class Uncached(_QuietHandler):
        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

    folder = tmp_path_factory.mktemp("served")
    server = _QuietServer(("127.0.0.1", 0), functools.partial(Uncached, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _answers(tab, base: str, queries: list[str]) -> list[list[str]]:
    """For each query, the URLs kbSearch.search ranks, best first ("(no entry)" for a number
    without one, which only a misread index gives)."""
    tab.goto(base + "index.html")
    return _ranked(tab, queries)


def _ranked(tab, queries: list[str]) -> list[list[str]]:
    """_answers from the search folder's page the tab shows."""
    return tab.evaluate(
        """async queries => {
            const answers = [];
            for (const query of queries) {
                const entries = await kbSearch.entries(await kbSearch.search(query));
                answers.push(entries.map(e => e ? e.url : "(no entry)"));
            }
            return answers;
        }""",
        queries,
    )


def _shown(tab) -> list[str]:
    return tab.eval_on_selector_all(
        "[data-search-result]", "els => els.map(a => a.getAttribute('href'))"
    )


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_title_matches_rank_above_summary_above_body(project: Path, served, reader) -> None:
    """A phrase in the title ranks first, then in the summary, then in the body (often, then once)."""
    cases = sorted((project / "content" / "cases").glob("*.yml"))
    phrase = "甲乙丙丁戊"
    _edit(cases[3], "title: ", f"title: {phrase}")
    _edit(cases[7], "summary: ", f"summary: {phrase}")
    _edit(cases[1], "background: |\n  ", "background: |\n  " + phrase * 6)
    _edit(cases[5], "background: |\n  ", f"background: |\n  {phrase}")
    folder, url = served
    site = SearchFolder(folder / "ranking")
    for path, data in _full_files(_site_index(project)).items():
        site.emit(path, data)
    expected = [f"cases/{cases[n].stem}/" for n in (3, 7, 1, 5)]
    assert _answers(reader, url + "ranking/", [phrase]) == [expected]
    reader.goto(url + f"ranking/index.html#q={quote(phrase)}")
    reader.wait_for_selector("[data-search-result]")
    assert _shown(reader) == expected  # the explorer shows the one ranking as it is


def test_showing_more_only_appends(project: Path, served, reader) -> None:
    """Pressing 显示更多 adds results below; the ones shown before stay, in the same order."""
    folder, url = served
    site = SearchFolder(folder / "more")
    for path, data in _full_files(_site_index(project)).items():
        site.emit(path, data)
    ranked = _answers(reader, url + "more/", ["学习"])[0]
    assert len(ranked) > 10
    reader.goto(url + "more/index.html#q=" + quote("学习"))
    reader.wait_for_function(
        "() => document.querySelector('ol.kb-results')?.dataset.query === '学习'"
    )
    first = _shown(reader)
    assert first == ranked[:10]
    reader.evaluate(
        "() => document.querySelectorAll('.kb-result').forEach(li => li.kbShown = true)"
    )
    reader.click("button.kb-results__more")
    reader.wait_for_function(
        "n => document.querySelectorAll('[data-search-result]').length > n", arg=10
    )
    after = _shown(reader)
    assert after[:10] == first and after == ranked[: len(after)]
    kept = reader.evaluate(
        "() => [...document.querySelectorAll('.kb-result')].map(li => !!li.kbShown)"
    )
    assert kept == [True] * 10 + [False] * (len(after) - 10)


# --- the preview's live index ------------------------------------------------------------


def _live_edits(project: Path) -> list[tuple[str, Callable[[], None]]]:
    """One edit of each kind a preview sees, applied in turn to the synthetic project."""
    content = project / "content"
    cases = sorted((content / "cases").glob("*.yml"))
    practices = sorted((content / "practices").glob("*.yml"))

    def new_entry() -> None:
        text = (
            cases[2]
            .read_text(encoding="utf-8")
            .replace(f"id: {cases[2].stem}", "id: case-new-entry", 1)
        )
        text = text.replace("title: ", "title: 新增条目己庚辛", 1)
        (content / "cases" / "case-new-entry.yml").write_text(text, encoding="utf-8")

    theme_case = cases[4]
    themes = theme_case.read_text(encoding="utf-8").split("themes: [", 1)[1].split("]", 1)[0]
    new_themes = "results" if "results" not in themes else "learning-forms"

    def new_theme() -> None:
        # Listed first, so every other theme moves one place down.
        _edit(
            content / "taxonomy.yml",
            "themes:\n",
            "themes:\n  - id: aaa-new-theme\n    name: 新主题\n"
            "    description: 测试用的新主题。\n    order: 0\n",
        )
        _edit(theme_case, f"themes: [{new_themes}]", f"themes: [aaa-new-theme, {new_themes}]")

    return [
        ("title", lambda: _edit(cases[0], "title: ", "title: 标题改动子丑寅")),
        ("body", lambda: _edit(practices[1], "fits: ", "fits: 正文改动卯辰巳。学习制度")),
        ("theme", lambda: _edit(theme_case, f"themes: [{themes}]", f"themes: [{new_themes}]")),
        ("new", new_entry),
        # Practices are never cited, so deleting one leaves the content valid.
        ("deleted", lambda: practices[3].unlink()),
        ("edited back", lambda: _edit(cases[0], "title: 标题改动子丑寅", "title: ")),
        ("new theme", new_theme),
    ]


def _queries(project: Path) -> list[str]:
    """Queries touching every edit: new and old words, common words, several terms, one character."""
    content = project / "content"
    cases = sorted((content / "cases").glob("*.yml"))
    practices = sorted((content / "practices").glob("*.yml"))
    titles = [
        yaml.safe_load(path.read_text(encoding="utf-8"))["title"]
        for path in (cases[0], cases[2], cases[4], practices[1], practices[3])
    ]
    return [
        "标题改动子丑寅",
        "正文改动卯辰巳",
        "新增条目己庚辛",
        *(title[2:6] for title in titles),
        "学习",
        "学习 制度",
        "党员，干部",
        "党",
        "2015",
        "学习型党组织",
    ]


def test_live_index_starts_as_a_full_build(project: Path) -> None:
    """Before any edit, the live index wrote exactly the files a full build writes."""
    from generator.search import LiveSearchIndex

    index = _site_index(project)
    files: dict[str, bytes] = {}
    LiveSearchIndex(index, directory_urls=True, emit=files.__setitem__, segmenter=Segmenter())
    assert files == _full_files(index)


def test_live_index_answers_as_a_fresh_build_after_each_edit(project: Path, served, reader) -> None:
    """After each kind of edit, every query finds the same entries in the same order as a full build."""

    folder, url = served
    live = SearchFolder(folder / "live")
    queries = _queries(project)
    segmenter = Segmenter()
    index = live.live_index(project, segmenter)
    edits = _live_edits(project)
    states = ["theme=results", "theme=aaa-new-theme", "q=" + quote("学习") + "&kind=case"]

    def look(address: str) -> tuple[list[list[str]], list[list[str]]]:
        # One load of the folder's page, in the first state: the tab shows another page, so
        # the page loads the files as they are now. _explore goes on to the other states by
        # the address's hash; the answers come from the same page.
        assert not reader.url.startswith(address), reader.url
        lists = [_explore(reader, address, state, explorer="index.html") for state in states]
        return _ranked(reader, queries), lists

    for step, (name, edit) in enumerate(edits):
        edit()
        current = _site_index(project)
        update = index.update(current)
        assert not update.rebuilt and update.tokenised <= 1, (name, update)
        fresh = SearchFolder(folder / f"fresh-{step}")
        for path, data in _full_files(current, segmenter).items():
            fresh.emit(path, data)
        expected, listed = look(f"{url}fresh-{step}/")
        # Read from disk the same files are, only by other means: checked once, at the end.
        last = step == len(edits) - 1
        for base in (url, live.root.parent.as_uri() + "/") if last else (url,):
            answers, shown = look(f"{base}live/")
            assert answers == expected, (name, base)
            for state, got, want in zip(states, shown, listed, strict=True):
                assert got == want, (name, base, state)
    assert (live.root / SEARCH_DIR / "delta.js").is_file()
    # The new theme, listed first, shifted every theme's position: rows show the right names.
    theme_case = sorted((project / "content" / "cases").glob("*.yml"))[4].stem
    found = _explore(reader, url + "live/", "theme=aaa-new-theme", explorer="index.html")
    assert found == [f"cases/{theme_case}/"]
    assert "新主题" in reader.inner_text(".kb-result__themes")


def test_live_index_follows_study_pack_edits(project: Path, served, reader) -> None:
    """A study pack added, reworded and deleted during a preview is found, found by its new
    words, and gone, as a fresh build would answer; each edit tokenises only the pack."""

    folder, url = served
    live = SearchFolder(folder / "live-packs")
    cases = sorted((project / "content" / "cases").glob("*.yml"))
    pack = project / "content" / "packs" / "corpus-pack.yml"
    text = {
        "id": "corpus-pack",
        "kind": "pack",
        "title": "专题标题壬癸甲",
        "summary": "专题摘要。",
        "introduction": "专题导语乙丙丁。",
        "entries": [{"entry": cases[0].stem}, {"entry": cases[1].stem}],
        "questions": ["讨论题戊己庚？"],
    }
    segmenter = Segmenter()
    index = live.live_index(project, segmenter)
    queries = ["专题标题壬癸甲", "专题导语乙丙丁", "讨论题戊己庚", "新标题辛壬癸"]
    edits = [
        (
            "new",
            lambda: pack.write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8"),
        ),
        ("title", lambda: _edit(pack, "专题标题壬癸甲", "新标题辛壬癸")),
        ("deleted", lambda: pack.unlink()),
    ]
    pack.parent.mkdir(exist_ok=True)
    for step, (name, edit) in enumerate(edits):
        edit()
        current = _site_index(project)
        update = index.update(current)
        assert not update.rebuilt and update.tokenised <= 1, (name, update)
        fresh = SearchFolder(folder / f"fresh-packs-{step}")
        for path, data in _full_files(current, segmenter).items():
            fresh.emit(path, data)
        expected = _answers(reader, f"{url}fresh-packs-{step}/", queries)
        assert _answers(reader, f"{url}live-packs/", queries) == expected, name
        found = {"new": [0, 1, 2], "title": [1, 2, 3], "deleted": []}[name]
        assert [n for n, urls in enumerate(expected) if "packs/corpus-pack/" in urls] == found


def test_live_answers_depend_on_the_overlay(project: Path, served, reader) -> None:
    """Without its overlay the live folder would miss an edit and keep a deleted entry: it is read."""
    from generator.search import LiveSearchIndex

    folder, url = served
    live = SearchFolder(folder / "overlay")
    index = LiveSearchIndex(
        _site_index(project), directory_urls=True, emit=live.emit, segmenter=Segmenter()
    )
    deleted = f"practices/{sorted((project / 'content' / 'practices').glob('*.yml'))[3].stem}/"
    edits = dict(_live_edits(project))
    edits["title"]()
    edits["deleted"]()
    index.update(_site_index(project))
    queries = ["标题改动子丑寅", "学习"]
    # A page loaded again holds nothing of the first look, and the folder is served with
    # no-store (see served): the second look reads the changed manifest.
    with_overlay = _answers(reader, url + "overlay/", queries)
    manifest = live.root / SEARCH_DIR / "manifest.js"
    text = manifest.read_text(encoding="utf-8")
    assert ',"delta":true' in text
    manifest.write_text(text.replace(',"delta":true', ""), encoding="utf-8")
    without = _answers(reader, url + "overlay/", queries)
    assert with_overlay[0] and not without[0]
    assert deleted not in with_overlay[1] and "(no entry)" not in with_overlay[1]
    assert "(no entry)" in without[1]  # the deleted entry's number, its row gone


def test_one_edit_writes_a_few_small_files(project: Path) -> None:
    """A one-entry edit rewrites its text and row, manifest, facets, overlay: not the postings."""
    from generator.search import LiveSearchIndex

    written: dict[str, bytes] = {}
    index = LiveSearchIndex(
        _site_index(project), directory_urls=True, emit=written.__setitem__, segmenter=Segmenter()
    )
    base_buckets = {p for p in written if p.startswith(f"{SEARCH_DIR}/p/")}
    written.clear()
    dict(_live_edits(project))["title"]()
    update = index.update(_site_index(project))
    assert not any(p.startswith(f"{SEARCH_DIR}/p/") for p in written)
    assert base_buckets and update.written == len(written) <= 25
    assert {f"{SEARCH_DIR}/delta.js", f"{SEARCH_DIR}/manifest.js"} <= set(written)
    assert len([p for p in written if p.startswith(f"{SEARCH_DIR}/t/")]) == 1
    written.clear()
    assert index.update(_site_index(project)).written == 0  # nothing changed, nothing written


def test_a_large_overlay_is_folded_into_the_base(
    project: Path, monkeypatch, served, reader
) -> None:
    """Past its size limit the overlay goes into new base postings: right, and answering as before."""
    from generator.search import live

    folder, url = served
    site = SearchFolder(folder / "folded")
    index = site.live_index(project)
    edits = dict(_live_edits(project))
    for name in ("title", "deleted", "new"):
        edits[name]()
        assert not index.update(_site_index(project)).folded
    monkeypatch.setattr(live, "MAX_OVERLAY_POSTINGS", 0)
    edits["body"]()
    current = _site_index(project)
    update = index.update(current)
    assert update.folded and not update.rebuilt and update.overlay == 0
    files = site.files()
    delta = _payload(files[f"{SEARCH_DIR}/delta.js"])
    assert isinstance(delta, dict) and delta["masked"] == [] and len(delta["gone"]) == 1
    by_url = {doc.url: doc for doc in search_documents(current, directory_urls=True)}
    numbered = [
        None if row is None else by_url[row[0]]
        for chunk in range(len(files) + 1)
        if f"{SEARCH_DIR}/m/{chunk}.js" in files
        for row in _payload(files[f"{SEARCH_DIR}/m/{chunk}.js"])  # type: ignore[union-attr]
    ]
    assert len(numbered) == CORPUS_SIZE + 1 and numbered.count(None) == 1
    _assert_postings_match(files, numbered, Segmenter())
    fresh = SearchFolder(folder / "folded-fresh")
    for path, data in _full_files(current).items():
        fresh.emit(path, data)
    queries = _queries(project)
    assert _answers(reader, url + "folded/", queries) == _answers(
        reader, url + "folded-fresh/", queries
    )


def test_new_search_terms_rebuild_the_live_index(project: Path) -> None:
    """Editing search-terms.txt during a preview re-encodes every entry with the new terms."""
    from generator.search import LiveSearchIndex

    files: dict[str, bytes] = {}
    index = LiveSearchIndex(
        _site_index(project), directory_urls=True, emit=files.__setitem__, segmenter=Segmenter()
    )
    terms = ["五力"]
    update = index.update(_site_index(project), segmenter=Segmenter(terms))
    assert update.rebuilt
    assert files == _full_files(_site_index(project), Segmenter(terms))


def test_an_update_that_fails_half_way_is_followed_by_a_rebuild(project: Path, monkeypatch) -> None:
    """If an update breaks off, the next one encodes everything, giving a full build's files."""
    from generator.search import live

    folder = SearchFolder(project / "site")
    index = folder.live_index(project)
    edits = dict(_live_edits(project))
    edits["deleted"]()

    def broken(*args: object, **kwargs: object) -> object:
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(live, "analyse_entries", broken)
        with pytest.raises(OSError):
            index.update(_site_index(project))
    current = _site_index(project)
    assert index.update(current).rebuilt
    assert folder.files() == _full_files(current)
