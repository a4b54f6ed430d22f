"""The supported floor (Chromium 69, current Firefox ESR): every script of the site parses as
ES2017 (es-check), and pages keep their spacing where flex `gap` and min() are unknown."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.site_pages import HEIGHT, PAGES, WIDTHS
from tests.test_accessibility import _open, served, tab  # noqa: F401  (fixtures)

ES_CHECK = REPO / "node_modules" / ".bin" / "es-check"
SCRIPTS = REPO / "theme" / "assets" / "javascripts"
FLOOR = "es2017"
"""Chromium 69 runs all of ES2017 and most of ES2018; ES2017 keeps Unicode property escapes
(\\p{L}, Chromium 64) and anything later out."""


def _es_check(files: list[Path]) -> subprocess.CompletedProcess[str]:
    if not ES_CHECK.is_file() or shutil.which("node") is None:
        pytest.fail(f"没有找到 {ES_CHECK} 或 node：请先运行 bash scripts/bootstrap.sh --browser。")
    return subprocess.run(
        [str(ES_CHECK), FLOOR, *map(str, files), "--checkFeatures", "--noColor"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_site_scripts_parse_on_the_floor(real_site: Path, tmp_path: Path) -> None:
    """Our scripts, every inline script of the built pages and the search data scripts pass es-check."""
    files = sorted(SCRIPTS.glob("*.js"))
    inline = set()
    for html in real_site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        inline.update(re.findall(r"<script>(.*?)</script>", text, flags=re.S))
    for number, body in enumerate(sorted(inline)):
        path = tmp_path / f"inline-{number}.js"
        path.write_text(body, encoding="utf-8")
        files.append(path)
    search = real_site / "search"
    files += [search / "manifest.js", search / "facets.js", search / "tokeniser.js"]
    files += sorted(search.glob("p/*.js"))[:3]
    result = _es_check(files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_es_check_rejects_what_old_browsers_cannot_parse(tmp_path: Path) -> None:
    """The check can fail: optional chaining and nullish coalescing (ES2020) are caught."""
    for number, line in enumerate(["const b = window?.kbSearch;", "const c = window.x ?? 1;"]):
        script = tmp_path / f"new-{number}.js"
        script.write_text(line + "\n", encoding="utf-8")
        assert _es_check([script]).returncode != 0, line


def test_scripts_spell_out_character_ranges() -> None:
    """No Unicode property escape (\\p{L}: a syntax error before Chromium 64), which es-check 9 lets
    pass: character classes are explicit ranges."""
    found = [
        p.name
        for p in SCRIPTS.glob("*.js")
        if re.search(r"\\[pP]\{", p.read_text(encoding="utf-8"))
    ]
    assert found == []


STRIP_MODERN_CSS = """() => {
    // What a browser without flex `gap` (Chromium < 84) or min() (< 79) makes of the page.
    for (const sheet of document.styleSheets) {
        let rules;
        try { rules = sheet.cssRules; } catch (e) { continue; }
        const walk = list => { for (const rule of list) {
            if (rule.cssRules) walk(rule.cssRules);
            if (!rule.style) continue;
            for (const name of [...rule.style]) {
                if (/\\b(min|max|clamp)\\(/.test(rule.style.getPropertyValue(name))) rule.style.removeProperty(name);
            }
        } };
        walk(rules);
    }
    for (const e of document.querySelectorAll('*')) {
        if (getComputedStyle(e).display.includes('flex')) e.style.setProperty('gap', '0', 'important');
    }
}"""

TOUCHING = """() => {
    // Our flex rows: neighbours on one line that touch or overlap.
    const bad = [];
    for (const box of document.querySelectorAll('[class*="kb-"]')) {
        if (!getComputedStyle(box).display.includes('flex')) continue;
        const kids = [...box.children].filter(k => k.getBoundingClientRect().width > 0);
        for (let i = 1; i < kids.length; i++) {
            const a = kids[i - 1].getBoundingClientRect(), b = kids[i].getBoundingClientRect();
            const sameLine = a.top < b.bottom && b.top < a.bottom;
            if (sameLine && b.left - a.right < 2) bad.push(box.className + ' > ' + kids[i].className);
        }
    }
    return bad;
}"""


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
@pytest.mark.parametrize("name", ["case", "explorer", "home", "404"])
def test_layout_holds_without_flex_gap_and_min(tab, served: str, name: str, width: str) -> None:  # noqa: F811
    """With flex gap and min() removed, nothing of ours moves and no neighbours touch; screenshot kept."""
    tab.set_viewport_size({"width": WIDTHS[width], "height": HEIGHT})
    _open(tab, served + PAGES[name])
    if name == "explorer" or name == "404":
        tab.fill("header input[type=search]", "学习")
        if name == "404":
            tab.wait_for_selector(".kb-search__panel [data-search-result]")
        # The search box widens in a transition: measure once every transition has ended.
        tab.wait_for_function(
            "() => document.getAnimations().every(a => a.playState !== 'running')"
        )
    where = "() => [...document.querySelectorAll('[class*=\"kb-\"]')].map(e => JSON.stringify(e.getBoundingClientRect()))"
    before = tab.evaluate(where)
    tab.evaluate(STRIP_MODERN_CSS)
    assert tab.evaluate(TOUCHING) == []
    assert tab.evaluate(where) == before
    out = REPO / "test-results" / "old-browsers"
    out.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(out / f"{name}-{width}.png"))
