"""The overview (概览): build-time SVG bar charts of how entries spread over kinds,
organization types, themes and regions, each with a text alternative, each bar a link."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from generator.check import load_project
from generator.index import UNKNOWN_REGION, build_index, province
from generator.model import KINDS
from generator.preview import Preview
from tests.conftest import REPO, build_with_mkdocs
from tests.test_incremental import _tree, _yaml_edit

INDEX = build_index(load_project(REPO / "content", root=REPO))


class _Charts(HTMLParser):
    """Each chart's title, description and bars: (label, count, link or None)."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[dict[str, object]] = []
        self._link: str | None = None
        self._in: str | None = None
        self._label = ""
        self._done = True
        """Outside a chart (Material's icons are SVG too)."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "svg":
            self._done = "kb-chart__svg" not in (found.get("class") or "")
        if tag == "svg" and "kb-chart__svg" in (found.get("class") or ""):
            self.charts.append({"title": "", "desc": "", "bars": [], "labelled": found})
        elif self._done:
            return
        elif tag in ("title", "desc") and self.charts:
            self._in = tag
        elif tag == "a" and self.charts and self._in is None and "href" in found:
            self._link = found["href"]
        elif tag == "text" and self.charts:
            self._in = (found.get("class") or "").replace("kb-chart__", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._done = True
        if tag == "a":
            self._link = None
        if tag in ("title", "desc", "text"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if not self.charts or self._in is None or self._done:
            return
        chart = self.charts[-1]
        if self._in in ("title", "desc"):
            chart[self._in] = str(chart[self._in]) + data
        elif self._in == "label":
            self._label = data
        elif self._in == "count":
            chart["bars"].append((self._label, int(data), self._link))  # type: ignore[union-attr]


def _charts(html: str) -> list[dict[str, object]]:
    parser = _Charts()
    parser.feed(html)
    return parser.charts


@pytest.fixture(scope="module")
def overview(real_site: Path) -> str:
    return (real_site / "overview/index.html").read_text(encoding="utf-8")


def test_four_charts_with_text_alternatives_and_counts_that_match_the_listings(
    overview: str,
) -> None:
    """Kinds, organization types, themes and regions: each chart is labelled by its title and
    a description naming every bar's figure, and the figures are the listings' counts."""
    kinds, orgs, themes, regions = _charts(overview)
    expected = [
        (kinds, [(KINDS[k].label, len(v)) for k, v in INDEX.by_kind.items()]),
        (orgs, [(o.name, len(INDEX.by_org_type[o.id])) for o in INDEX.org_types]),
        (themes, [(t.name, len(INDEX.by_theme[t.id])) for t in INDEX.themes]),
        (regions, [(r, len(v)) for r, v in INDEX.by_region.items()]),
    ]
    for chart, rows in expected:
        assert [(label, count) for label, count, _ in chart["bars"]] == rows  # type: ignore[attr-defined]
        labelled = chart["labelled"]["aria-labelledby"].split()  # type: ignore[index]
        assert len(labelled) == 2 and all(f'id="{i}"' in overview for i in labelled)
        for label, count in rows:
            assert f"{label} {count} 个" in chart["desc"]  # type: ignore[operator]
    assert sum(count for _, count, _ in regions["bars"]) == len(INDEX.by_kind["case"])  # type: ignore[attr-defined]


def test_every_bar_leads_to_its_listing(overview: str, real_site: Path) -> None:
    """A bar with entries links to the page listing them (regions: the explorer, filtered);
    a bar with none is not a link, so no chart leads to an empty page."""
    here = real_site / "overview"
    for chart in _charts(overview):
        for label, count, link in chart["bars"]:  # type: ignore[attr-defined]
            if count == 0:
                assert link is None, label
                continue
            assert link is not None, label
            target, _, fragment = link.partition("#")
            page = (here / target / "index.html").resolve()
            assert page.is_file(), link
            if fragment:
                assert target == "../explorer/"
                assert unquote(fragment) == f"kind=case&region={label}"
            else:
                text = page.read_text(encoding="utf-8")
                assert re.search(
                    rf"<h1[^>]*>{re.escape(label)}</h1>", text.replace("&#34;", '"')
                ), link


def test_regions_are_counted_by_province_as_the_explorer_filters() -> None:
    """A case's region counts under its province, the value the explorer's region filter uses."""
    assert province("安徽省（据原文荣誉名称推断）") == "安徽省"
    assert province("原文未写明") == UNKNOWN_REGION
    from generator.search.documents import NO_VALUE, search_documents

    regions = {
        doc.region for doc in search_documents(INDEX, directory_urls=True) if doc.kind == "case"
    }
    assert regions == set(INDEX.by_region)
    assert UNKNOWN_REGION == NO_VALUE


def test_the_preview_redraws_the_overview_after_an_edit(
    sample_project: Path, tmp_path: Path
) -> None:
    """Moving a case to another organization type changes the bars in the preview as in a
    clean build."""
    preview = Preview(sample_project / "mkdocs.yml", tmp_path / "preview")
    preview.build()
    page = preview.site_dir / "overview/index.html"
    before = {c["title"]: c["bars"] for c in _charts(page.read_text(encoding="utf-8"))}
    preview.update(
        _yaml_edit("content/cases/river-community.yml", lambda d: d.update(org_type="school"))(
            sample_project
        )
    )
    after = {c["title"]: c["bars"] for c in _charts(page.read_text(encoding="utf-8"))}
    assert before["各组织类型的条目数"] != after["各组织类型的条目数"]
    clean = build_with_mkdocs(sample_project / "mkdocs.yml", tmp_path / "clean")
    assert _tree(preview.site_dir) == _tree(clean)
    shutil.rmtree(clean)


def test_overview_bars_are_links_a_reader_can_follow(page, site_url: str) -> None:
    """In the browser, the charts draw (no script, no request outside the site) and a bar
    opens its listing."""
    page.goto(site_url + "overview/")
    bars = page.locator(".kb-chart__svg a")
    assert bars.count() >= len(INDEX.by_kind)
    box = page.locator(".kb-chart__svg").first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 50
    page.locator(".kb-chart__svg a").first.click()
    page.wait_for_load_state("load")
    assert page.url == site_url + "cases/"
    assert all(url.startswith(site_url) for url in page.requests)
