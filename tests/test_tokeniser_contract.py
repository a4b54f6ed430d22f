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
from pathlib import Path
from typing import Any

import pytest

from generator.model import PACK
from generator.search.documents import NO_VALUE, SearchDoc
from generator.search.files import FACETS, fold_file
from generator.search.tokens import HEADING, SUMMARY, TITLE, token_weights
from generator.segment import CJK_RANGES, normalize, query_terms
from tests.conftest import REPO

CASES_FILE = REPO / "tests" / "fixtures" / "tokeniser-cases.json"
SCRIPT = REPO / "theme" / "assets" / "javascripts" / "kb-search.js"


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


def test_browser_normalises_and_tokenises_as_the_contract_says(browser: Any) -> None:
    """kb-search.js in headless Chromium gives each case's normalised text and query terms."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto("about:blank")
        page.add_script_tag(path=str(SCRIPT))
        # The fold table the build writes into the site, as a page loads it with the manifest.
        page.add_script_tag(content=fold_file()[1].decode())
        answers = page.evaluate(
            """texts => texts.map(text => ({
                normalized: kbSearch.normalize(text),
                terms: kbSearch.parse(text),
            }))""",
            [case["text"] for case in CASES],
        )
    finally:
        context.close()
    expected = [{"normalized": c["normalized"], "terms": c["terms"]} for c in CASES]
    wrong = [
        (case["name"], got, want)
        for case, got, want in zip(CASES, answers, expected, strict=True)
        if got != want
    ]
    assert wrong == []


def test_browser_lists_the_same_chinese_ranges() -> None:
    """The code-point ranges kb-search.js treats as Chinese are segment.CJK_RANGES."""
    source = SCRIPT.read_text(encoding="utf-8")
    block = re.search(r"const CJK_RANGES = \[(.*?)\];", source, re.S)
    assert block is not None
    ranges = [
        (int(low, 16), int(high, 16))
        for low, high in re.findall(r"\[0x([0-9a-f]+), 0x([0-9a-f]+)\]", block.group(1))
    ]
    assert tuple(ranges) == CJK_RANGES


def test_browser_reads_the_index_with_the_same_constants() -> None:
    """The weight bits, facet keys and study-pack kind kb-search.js reads the index with are
    those the index is written with."""
    source = SCRIPT.read_text(encoding="utf-8")
    weights = re.search(r"const TITLE = (\d+), SUMMARY = (\d+), HEADING = (\d+);", source)
    assert weights is not None
    assert tuple(map(int, weights.groups())) == (TITLE, SUMMARY, HEADING)
    keys = re.search(r"const FACET_KEYS = \[(.*?)\];", source)
    assert keys is not None
    assert re.findall(r'"(\w+)"', keys.group(1)) == [key for key, _ in FACETS]
    assert f'const PACK_KIND = "{PACK.name}";' in source


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
