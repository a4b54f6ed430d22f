"""One tokeniser contract for the build and the browser: tests/fixtures/tokeniser-cases.json.

Each case gives a text, its normalised form (NFKC, then lower case) and the
query terms with their tokens. The Python implementation (generator.segment),
the browser's (kb-search.js, in headless Chromium) and the index all answer to
the same file. To add a case, add its ``name`` and ``text`` to the file and run

    KB_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_tokeniser_contract.py

which fills in what the Python side gives; review the diff before committing.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.model import PACK
from generator.search.documents import NO_VALUE, SearchDoc
from generator.search.files import FACETS, SEARCH_DIR, script, tokeniser_file
from generator.search.tokens import GRADE, HEADING, SUMMARY, TITLE, token_weights
from generator.segment import CJK_RANGES, LATIN_RANGES, MIN_WORD, normalize, query_terms
from tests.conftest import REPO
from tests.test_search import (  # noqa: F401  (fixtures: corpus, project, served)
    SearchFolder,
    _edit,
    _explore,
    _explorer_notice,
    _full_files,
    _site_index,
    corpus,
    project,
    served,
)
from tests.test_search import _answers as _search_answers

CASES_FILE = REPO / "tests" / "fixtures" / "tokeniser-cases.json"
SCRIPT = REPO / "theme" / "assets" / "javascripts" / "kb-search.js"
FACET_KEYS = " ".join(key for key, _ in FACETS)


def _python_side(text: str) -> dict[str, Any]:
    return {
        "normalized": normalize(text),
        "terms": [
            {"text": t.text, "tokens": list(t.tokens), "word": t.word} for t in query_terms(text)
        ],
    }


def _escaped(text: str) -> str:
    """JSON with invisible, spacing and combining characters escaped, so a review sees them."""

    def escape(found: re.Match[str]) -> str:
        char = found.group()
        if unicodedata.category(char)[0] in "CZM" and char not in " \n":
            code = ord(char)
            if code > 0xFFFF:
                code -= 0x10000
                return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
            return f"\\u{code:04x}"
        return char

    return re.sub(r"[^\x21-\x7e\u4e00-\u9fff]", escape, text)


def _dumped(data: dict[str, Any]) -> str:
    """The contract file's layout: one case per line, to read and review case by case."""
    cases = ",\n".join(
        "  " + json.dumps(case, ensure_ascii=False, separators=(", ", ": "))
        for case in data["cases"]
    )
    about = json.dumps(data["about"], ensure_ascii=False)
    return f'{{\n "about": {about},\n "cases": [\n{cases}\n ]\n}}\n'


def _load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    if os.environ.get("KB_UPDATE_GOLDEN") == "1":
        for case in data["cases"]:
            case.update(_python_side(case["text"]))
        CASES_FILE.write_text(_escaped(_dumped(data)), encoding="utf-8")
    return data


CONTRACT = _load()
CASES = CONTRACT["cases"]


def _case_id(case: dict[str, Any]) -> str:
    return str(case["name"])


def test_contract_covers_the_cases_issue_11_names() -> None:
    """The file holds full-width, circled, punctuation, mixed, Traditional, space and emoji cases."""
    names = " ".join(case["name"] for case in CASES)
    for kind in [
        "full-width",
        "circled",
        "punctuation",
        "mixed",
        "Traditional",
        "compatibility",
        "U+3000",
        "emoji",
    ]:
        assert kind in names, kind
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_python_normalises_and_tokenises_as_the_contract_says(case: dict[str, Any]) -> None:
    """generator.segment gives each case's normalised text and query terms."""
    assert _python_side(case["text"]) == {"normalized": case["normalized"], "terms": case["terms"]}


@pytest.mark.parametrize("case", CASES, ids=_case_id)
@pytest.mark.parametrize("field", ["title", "body"])
def test_index_holds_every_query_token_of_its_text(case: dict[str, Any], field: str) -> None:
    """An entry whose title (or body) is the text is indexed under every token a query of it needs."""
    text = case["text"]
    doc = SearchDoc(
        url="x/",
        title=text if field == "title" else "标题",
        summary="",
        kind="case",
        org_type="x",
        themes=(),
        region=NO_VALUE,
        year=None,
        headings=(),
        body=text if field == "body" else "",
    )
    stored = token_weights(doc)
    needed = {token for term in case["terms"] for token in term["tokens"]}
    assert needed <= stored.keys(), sorted(needed - stored.keys())


def _tokeniser_page(page: Any, rules: bytes | None) -> None:
    """A blank page in ``page`` with kb-search.js and, when given, a tokeniser file as the site
    carries it."""
    page.goto("about:blank")
    assert page.evaluate("() => typeof kbSearch") == "undefined"  # nothing from an earlier page
    page.add_script_tag(path=str(SCRIPT))
    if rules is not None:
        page.add_script_tag(content=rules.decode())


def _answers(page: Any, texts: list[str]) -> list[dict[str, Any]]:
    return list(
        page.evaluate(
            "texts => texts.map(text => ({normalized: kbSearch.normalize(text), terms: kbSearch.parse(text)}))",
            texts,
        )
    )


def test_browser_normalises_and_tokenises_as_the_contract_says(reader: Any) -> None:
    """kb-search.js in headless Chromium, reading the tokeniser file the build writes, gives
    each case's normalised text and query terms."""
    _tokeniser_page(reader, tokeniser_file()[1])
    answers = _answers(reader, [case["text"] for case in CASES])
    expected = [{"normalized": c["normalized"], "terms": c["terms"]} for c in CASES]
    wrong = [
        (case["name"], got, want)
        for case, got, want in zip(CASES, answers, expected, strict=True)
        if got != want
    ]
    assert wrong == []


def _data(script_text: str | bytes) -> Any:
    """What a file of the search index hands to ``kbSearch.add``."""
    text = script_text.decode() if isinstance(script_text, bytes) else script_text
    return json.loads(text[text.index(",") + 1 : text.rindex(")")])


def test_the_site_carries_the_python_tokeniser_rules(real_site: Path) -> None:
    """search/tokeniser.js in the built site holds segment's Chinese and Latin ranges and its
    shortest dictionary word (the fold table: tests/test_traditional_search.py)."""
    rules = _data((real_site / SEARCH_DIR / "tokeniser.js").read_text(encoding="utf-8"))
    assert [tuple(r) for r in rules["cjk"]] == list(CJK_RANGES)
    assert [tuple(r) for r in rules["latin"]] == list(LATIN_RANGES)
    assert rules["minWord"] == MIN_WORD


def test_the_browser_reads_text_by_the_rules_the_site_gives(reader: Any) -> None:
    """Where the site's tokeniser file says otherwise (〇 not Chinese, digits not Latin, words
    from two characters), the browser tokenises that way: it keeps no ranges of its own."""
    texts = ["二〇二〇年", "abc123", "学习"]
    assert [[t.text for t in query_terms(text)] for text in texts] == [
        ["二〇二〇年"],
        ["abc123"],
        ["学习"],
    ]
    rules = _data(tokeniser_file()[1])
    rules["cjk"] = [r for r in rules["cjk"] if r != [0x3007, 0x3007]]
    rules["latin"] = [r for r in rules["latin"] if r != [0x30, 0x39]]
    rules["minWord"] = 2
    _tokeniser_page(reader, script("tokeniser", rules))
    answers = _answers(reader, texts)
    terms = [[t["text"] for t in answer["terms"]] for answer in answers]
    assert terms == [["二", "二", "年"], ["abc"], ["学习"]]
    assert answers[2]["terms"][0]["word"] == "学习"


def test_the_browser_reads_no_query_before_the_rules_load(reader: Any) -> None:
    """Without the site's tokeniser file kb-search.js reads no query at all (no guessed
    rules): it says the search data has not loaded."""
    _tokeniser_page(reader, None)
    error = reader.evaluate(
        "() => { try { kbSearch.parse('学习'); return ''; } catch (e) { return e.message; } }"
    )
    assert error == "检索数据尚未加载：tokeniser"


# --- what the index is read with ------------------------------------------------------------


def test_the_manifest_carries_the_python_weight_bits_and_pack_kind(real_site: Path) -> None:
    """The built manifest says which weight bits mark the title, summary and headings and which
    grade frequency (search.tokens), and which kind study packs have (model.PACK)."""
    manifest = _data((real_site / SEARCH_DIR / "manifest.js").read_text(encoding="utf-8"))
    weights = {"title": TITLE, "summary": SUMMARY, "heading": HEADING, "grade": GRADE}
    assert manifest["weights"] == weights
    assert manifest["packKind"] == PACK.name


def test_the_browser_ranks_by_the_weight_bits_of_the_manifest(  # type: ignore[no-untyped-def]
    project: Path,  # noqa: F811
    served,  # noqa: F811
    reader,
) -> None:
    """A title match ranks above a summary match; with the manifest's title and summary bits
    swapped (postings unchanged), the browser ranks the summary match first."""
    cases = sorted((project / "content" / "cases").glob("*.yml"))
    phrase = "甲乙丙丁戊"
    _edit(cases[3], "title: ", f"title: {phrase}")
    _edit(cases[7], "summary: ", f"summary: {phrase}")
    folder, url = served
    site = SearchFolder(folder / "weights")
    files = _full_files(_site_index(project))
    for path, data in files.items():
        site.emit(path, data)
    in_title, in_summary = (f"cases/{cases[n].stem}/" for n in (3, 7))
    assert _search_answers(reader, url + "weights/", [phrase]) == [[in_title, in_summary]]
    manifest = _data(files[f"{SEARCH_DIR}/manifest.js"])
    manifest["weights"] |= {"title": SUMMARY, "summary": TITLE}
    site.emit(f"{SEARCH_DIR}/manifest.js", script("manifest", manifest))
    assert _search_answers(reader, url + "weights/", [phrase]) == [[in_summary, in_title]]


def _serve_changed(page: Any, pattern: str, change: Callable[[str], str]) -> None:
    """Serves what ``pattern`` matches as ``change`` makes it, as a site built from other
    definitions would carry it."""

    def rewrite(route: Any) -> None:
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        route.fulfill(response=response, headers=headers, body=change(response.text()))

    page.route(pattern, rewrite)


def _serve_manifest_changed(page: Any, change: Callable[[dict[str, Any]], None]) -> None:
    """Serves the site's manifest as ``change`` makes it."""

    def changed(text: str) -> str:
        manifest = _data(text)
        change(manifest)
        return script("manifest", manifest).decode()

    _serve_changed(page, "**/search/manifest.js", changed)


def test_the_browser_names_study_packs_by_the_kind_the_manifest_gives(
    reader, site_url: str
) -> None:  # type: ignore[no-untyped-def]
    """Counts name study packs by the label of the manifest's pack kind: were it "case", the
    browser would count 典型案例 instead."""
    said = "p => kbSearch.countPhrase(p[0], p[1])"
    reader.goto(site_url)
    assert reader.evaluate(said, [1, 2]) == "1 个条目、2 个学习专题"
    _serve_manifest_changed(reader, lambda manifest: manifest.update(packKind="case"))
    reader.goto(site_url)
    assert reader.evaluate(said, [1, 2]) == "1 个条目、2 个典型案例"


def test_every_page_carries_the_python_facet_keys(real_site: Path) -> None:
    """The search form of every page lists search.files.FACETS' keys, which links write
    filters with (kb-search.js reads them before the manifest loads)."""
    keys = {
        page.relative_to(real_site).as_posix(): re.findall(
            r'<form class="kb-search"[^>]* data-facet-keys="([^"]*)"', page.read_text("utf-8")
        )
        for page in real_site.rglob("*.html")
    }
    assert len(keys) > 20
    assert {path: found for path, found in keys.items() if found != [FACET_KEYS]} == {}


def _without_year(manifest: dict[str, Any]) -> None:
    manifest["facetOrder"].remove("year")
    del manifest["facets"]["year"]


def test_the_explorer_reads_links_by_the_facet_keys_of_the_page(reader, site_url: str) -> None:  # type: ignore[no-untyped-def]
    """#year=1900 asks for a year the site does not have; on a site built without the "year"
    facet (pages and manifest), the explorer does not know the key at all."""
    _explore(reader, site_url, "year=1900")
    assert "已去掉：发布年份“1900”" in _explorer_notice(reader)
    keys = FACET_KEYS.replace(" year", "")
    _serve_changed(reader, "**/explorer/", lambda html: html.replace(FACET_KEYS, keys))
    _serve_manifest_changed(reader, _without_year)
    reader.goto("about:blank")  # the same address again would only change the hash
    _explore(reader, site_url, "year=1900")
    assert "不认识的条件，已忽略：“year”" in _explorer_notice(reader)
    assert "发布年份" not in reader.inner_text(".kb-explorer__filters")


FORBIDDEN = {
    "Unicode property escape": r"\\[pP]\{",
    "optional chaining": r"\?\.(?!\d)",
    "nullish coalescing": r"\?\?",
    "regex lookbehind": r"\(\?<[=!]",
    "named capture group": r"\(\?<[A-Za-z]",
    "String.prototype.matchAll": r"\.matchAll\(",
    "Object.fromEntries": r"Object\.fromEntries",
    "globalThis": r"\bglobalThis\b",
}
"""Syntax and built-ins Chromium 69 (still on some readers' machines) does not have."""


def test_search_script_parses_in_old_browsers() -> None:
    """kb-search.js uses no syntax or built-in that Chromium 69 lacks."""
    source = SCRIPT.read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.S)
    found = {name for name, pattern in FORBIDDEN.items() if re.search(pattern, code)}
    assert found == set()


def test_fixture_path_exists() -> None:
    """The contract file lives where the README and this module say."""
    assert Path(CASES_FILE).is_file()
