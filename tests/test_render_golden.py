"""Rendered output of every page template, compared with committed golden files.

Regenerate with ``KB_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_render_golden.py``
and review ``git diff tests/golden`` before committing.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.check import load_project
from generator.errors import ContentError
from generator.index import build_index
from generator.render import Renderer, plan_pages, render_problems
from tests.conftest import REPO, SAMPLE, site_name
from tests.golden import assert_matches_golden

GOLDEN = Path(__file__).parent / "golden" / "render"


def _sample_pages() -> dict[str, tuple[str, str]]:
    """One rendered page per template: {template: (src_uri, html)}."""
    index = build_index(load_project(SAMPLE / "content", root=SAMPLE))
    renderer = Renderer(REPO / "theme" / "kb", index, site_name=site_name(SAMPLE / "mkdocs.yml"))
    chosen: dict[str, tuple[str, str]] = {}
    for page in plan_pages(index):
        if page.template not in chosen:
            chosen[page.template] = (page.src_uri, renderer.render(page).html)
    return chosen


PAGES = _sample_pages()
BANNERS = {"problems.html"}
"""Templates shown above pages rather than as pages; golden-tested on their own below."""
ANY_KIND = {"entry.html"}
"""The page of a kind without a template of its own, which no bundled kind lacks: rendered
in tests/test_new_kind.py for a kind declared there."""


@pytest.mark.parametrize("template", sorted(PAGES))
def test_template_output(template: str) -> None:
    """Each template renders the sample project exactly as the golden file records."""
    src_uri, html = PAGES[template]
    name = src_uri.removesuffix(".md").replace("/", "__")
    assert_matches_golden(html + "\n", GOLDEN / f"{name}.html")


def test_every_template_is_covered() -> None:
    """No page template in theme/kb escapes the golden tests."""
    templates = {
        p.name for p in (REPO / "theme" / "kb").glob("*.html") if not p.name.startswith("_")
    }
    assert templates == set(PAGES) | BANNERS | ANY_KIND


def test_preview_problem_banner() -> None:
    """The preview's problem banner lists each problem with position, key and hint, escaped."""
    problems = [
        ContentError(
            "content/cases/a.yml", 3, 8, "themes[0]", "不存在编号为“x”的主题。", "可用的编号有：y。"
        ),
        ContentError("content/cases/b.yml", 1, 1, "", "文件开头有 <BOM>。"),
        ContentError(
            "content/cases/c.yml", 2, 1, "title", "内容相似。", "可忽略。", severity="warning"
        ),
    ]
    html = render_problems(REPO / "theme" / "kb", problems)
    assert_matches_golden(html + "\n", GOLDEN / "problems__errors.html")
    warnings_only = render_problems(REPO / "theme" / "kb", problems[2:])
    assert_matches_golden(warnings_only + "\n", GOLDEN / "problems__warnings.html")
    nothing_yet = render_problems(REPO / "theme" / "kb", problems[:1], kept_previous=False)
    assert "还没有可以预览的页面" in nothing_yet and "上一次正确的内容" not in nothing_yet


def test_content_text_cannot_become_markup() -> None:
    """Angle brackets and quotes typed in YAML reach the page escaped, never as tags."""
    _, html = PAGES["case.html"]
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;b&gt;不是标签&lt;/b&gt;" in html


def test_wrapped_lines_join_without_spaces() -> None:
    """A Chinese paragraph wrapped over two YAML lines reads as one unbroken paragraph."""
    _, html = PAGES["case.html"]
    assert "这样的文字，换行后继续。</p>" in html


class _Headings(HTMLParser):
    """The h2 and h3 elements of a page body: level, id and text (tags dropped)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str | None, str]] = []
        self._open: list[object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3"):
            self._open = [int(tag[1]), dict(attrs).get("id"), ""]

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[2] += data  # type: ignore[operator]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3") and self._open is not None:
            level, anchor, text = self._open
            self.found.append((level, anchor, text))  # type: ignore[arg-type]
            self._open = None


def test_every_page_renders_exactly_its_outline() -> None:
    """The headings a page shows are its outline's, in order, so its contents list is right."""
    index = build_index(load_project(REPO / "content", root=REPO))
    renderer = Renderer(REPO / "theme" / "kb", index, site_name=site_name(REPO / "mkdocs.yml"))
    for page in plan_pages(index):
        rendered = renderer.render(page)
        parser = _Headings()
        parser.feed(rendered.html)
        expected = [
            (
                h.level,
                h.id,
                h.title
                + ("（续）" if h.id is None else "")
                + (f"（{h.count}）" if h.count is not None else ""),
            )
            for h in rendered.headings
        ]
        assert parser.found == expected, page.src_uri
