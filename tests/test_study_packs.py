"""学习专题 (study packs): declared in the content model, checked against the entries they list,
shown on the home page, their index and their own pages, compiled into one printable
document, and kept current by the preview."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import cli
from generator.check import load_project
from generator.fields import field_specs
from generator.index import build_index
from generator.model import StudyPack
from generator.preview import Preview
from generator.render import Renderer, Routes, plan_pages
from generator.rules import PLACEHOLDER
from tests.conftest import REPO, build_with_mkdocs, site_name
from tests.test_incremental import _tree, _yaml_edit

PROJECT = load_project(REPO / "content", root=REPO)


def _text(html: str) -> str:
    """Page text without tags, for checking what a reader sees."""
    return re.sub(r"<[^>]+>", "", html)


def test_bundled_packs_list_existing_entries_and_have_questions() -> None:
    """The bundled content has study packs; every entry they list exists, none twice."""
    assert len(PROJECT.packs) >= 2
    for pack in PROJECT.packs.values():
        listed = [item.entry for item in pack.entries]
        assert listed and len(set(listed)) == len(listed)
        assert all(entry_id in PROJECT.entries for entry_id in listed)
        assert pack.questions and pack.introduction


def test_kb_new_pack_writes_every_field_and_needs_no_taxonomy(tmp_path: Path, monkeypatch) -> None:
    """`kb new pack` writes the model's fields with Chinese comments; check refuses the
    placeholders and passes once they are filled with entries that exist."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli.main, ["new", "pack", "--title", "新的专题", "--id", "new-pack"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "content/packs/new-pack.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(data) == [spec.name for spec in field_specs(StudyPack)]
    assert "# 讨论题：" in path.read_text(encoding="utf-8")
    check = runner.invoke(cli.main, ["check"])
    assert check.exit_code == 1 and "这里还是模板中的占位文字" in check.output
    text = path.read_text(encoding="utf-8")
    text = text.replace(f"{PLACEHOLDER}条目", "wangcun-community").replace(PLACEHOLDER, "实际内容")
    path.write_text(text, encoding="utf-8")
    check = runner.invoke(cli.main, ["check"])
    assert check.exit_code == 0, check.output
    refused = runner.invoke(cli.main, ["new", "pack", "--title", "又一个", "--org-type", "school"])
    assert refused.exit_code == 2 and "学习专题没有组织类型和主题" in refused.output


def test_a_pack_naming_a_missing_entry_is_refused_with_its_position(write_project) -> None:
    """A pack listing an entry id that does not exist is an error at that line and field."""
    root = write_project(
        {
            "content/packs/broken.yml": (
                "id: broken\nkind: pack\ntitle: 专题\nsummary: 摘要\nintroduction: 导语。\n"
                "entries:\n  - entry: hill-school\n  - entry: no-such-entry\n"
                "questions:\n  - 问题？\n"
            )
        }
    )
    from generator.errors import ContentErrors

    with pytest.raises(ContentErrors) as caught:
        load_project(root / "content", root=root)
    [error] = caught.value.errors
    assert (error.path, error.line, error.key) == (
        "content/packs/broken.yml",
        8,
        "entries[1].entry",
    )
    assert "不存在编号为“no-such-entry”的条目" in error.message


def test_pack_pages_show_their_entries_in_order_with_notes_and_questions(real_site: Path) -> None:
    """The pack page lists its entries in the pack's order, each with its summary and why it
    was chosen, then the questions; its print version holds each entry in full."""
    for pack in PROJECT.packs.values():
        page = (real_site / "packs" / pack.id / "index.html").read_text(encoding="utf-8")
        body = page[page.index('class="kb-page kb-page--pack"') :]
        positions = [body.index(PROJECT.entries[i.entry].title) for i in pack.entries]
        assert positions == sorted(positions)
        for item in pack.entries:
            assert PROJECT.entries[item.entry].summary in body
            if item.note:
                assert f"选编理由：{item.note}" in body
        assert all(question in body for question in pack.questions)
        assert f'href="../print/{pack.id}/#kb-print"' in body and "打印本专题" in body

        compiled = (real_site / "packs/print" / pack.id / "index.html").read_text(encoding="utf-8")
        articles = compiled.split('<article class="kb-compiled__entry"')[1:]
        assert len(articles) == len(pack.entries)
        for item, article in zip(pack.entries, articles, strict=True):
            entry = PROJECT.entries[item.entry]
            assert f'data-kb-entry="{entry.id}"' in article
            assert "来源" in article and f"《{entry.sources[0].title}》" in article
            assert entry.sources[0].document not in _text(article)
            assert "相关条目" not in article  # lists for browsing stay on the entry's page
        questions = compiled.index('<section class="kb-compiled__questions">')
        assert (
            questions > compiled.rindex("kb-compiled__entry") and "讨论题" in compiled[questions:]
        )


def test_packs_are_found_from_home_navigation_and_entry_pages(real_site: Path) -> None:
    """Home and the 学习专题 index list every pack; the navigation leads there; an entry's
    page says which packs include it."""
    home = (real_site / "index.html").read_text(encoding="utf-8")
    listing = (real_site / "packs/index.html").read_text(encoding="utf-8")
    assert 'href="packs/"' in home
    for pack in PROJECT.packs.values():
        assert f'href="packs/{pack.id}/"' in home
        assert f'href="{pack.id}/"' in listing and pack.summary in listing
        for item in pack.entries:
            entry = PROJECT.entries[item.entry]
            folder = Routes.entry(entry).removesuffix(".md")
            entry_page = (real_site / folder / "index.html").read_text(encoding="utf-8")
            assert "收入的学习专题" in entry_page and pack.title in entry_page


def test_sources_are_cited_and_file_names_stay_out_of_sight(real_site: Path) -> None:
    """Entry pages cite title, publisher and date; the file name is only a data attribute."""
    page = (real_site / "cases/anhui-broadcast-network/index.html").read_text(encoding="utf-8")
    assert (
        "《建设学习型政党工作计划》，范文网站（网友上传，网站名称未写明），2022年7月20日。"
        in _text(page)
    )
    assert "003_423ab4b469f58249.txt" not in _text(page)
    assert 'data-document="003_423ab4b469f58249.txt"' in page
    for path in real_site.rglob("*.html"):
        assert "原始资料：" not in path.read_text(encoding="utf-8"), path


def test_listings_show_the_short_unit_and_the_entry_page_its_note() -> None:
    """Lists show a case's short unit; the note on how it was inferred is on its page only."""
    index = build_index(PROJECT)
    renderer = Renderer(REPO / "theme" / "kb", index, site_name=site_name(REPO / "mkdocs.yml"))
    pages = {page.src_uri: page for page in plan_pages(index)}
    case = PROJECT.entries["anhui-broadcast-network"]
    assert case.unit_note and "推断" in case.unit_note and "推断" not in case.unit
    listing = renderer.render(pages[Routes.kind("case")]).html
    assert f'<span class="kb-entry__unit">{case.unit}</span>' in listing.replace("&#34;", '"')
    assert case.unit_note not in listing.replace("&#34;", '"')
    entry = renderer.render(pages[Routes.entry(case)]).html.replace("&#34;", '"')
    assert f"说明：{case.unit_note}" in entry


@pytest.fixture
def preview(sample_project: Path, tmp_path: Path) -> Preview:
    """A preview of the sample project (which has one study pack), built once."""
    built = Preview(sample_project / "mkdocs.yml", tmp_path / "preview")
    built.build()
    return built


PACK_EDITS = {
    "a listed entry's title": _yaml_edit(
        "content/materials/hill-school.yml", lambda d: d.update(title="改名的山区学校资料")
    ),
    "a listed entry's text": _yaml_edit(
        "content/cases/river-community.yml",
        lambda d: d.update(background="改写的背景，打印稿可见。"),
    ),
    "the pack's order and questions": _yaml_edit(
        "content/packs/study-session.yml",
        lambda d: d.update(entries=list(reversed(d["entries"])), questions=["换了的讨论题？"]),
    ),
    "an entry added to the pack": _yaml_edit(
        "content/packs/study-session.yml",
        lambda d: d["entries"].append({"entry": "twice-monthly-study"}),
    ),
}


def test_the_preview_keeps_pack_pages_current(
    preview: Preview, sample_project: Path, tmp_path: Path
) -> None:
    """After each edit a pack page shows, the preview's pages equal a clean build's, and the
    pack page and its print version show the change."""
    pack_page = preview.site_dir / "packs/study-session/index.html"
    print_page = preview.site_dir / "packs/print/study-session/index.html"
    expected = {
        "a listed entry's title": "改名的山区学校资料",
        "a listed entry's text": "改写的背景，打印稿可见。",
        "the pack's order and questions": "换了的讨论题？",
        "an entry added to the pack": "定下时间",
    }
    for number, (name, edit) in enumerate(PACK_EDITS.items()):
        outcome = preview.update(edit(sample_project))
        assert not outcome.full and not outcome.problems, name
        shown = print_page.read_text(encoding="utf-8")
        assert expected[name] in shown, name
        if name == "a listed entry's title":
            assert expected[name] in pack_page.read_text(encoding="utf-8")
        clean = build_with_mkdocs(sample_project / "mkdocs.yml", tmp_path / f"clean-{number}")
        assert _tree(preview.site_dir) == _tree(clean), name
        shutil.rmtree(clean)


def test_removing_an_entry_a_pack_lists_is_reported_in_the_preview(
    preview: Preview, sample_project: Path
) -> None:
    """Deleting an entry that a pack lists shows the pack's error; pages stay as they were."""
    before = _tree(preview.site_dir)
    gone = sample_project / "content/materials/hill-school.yml"
    gone.unlink()
    outcome = preview.update({gone.resolve()})
    errors = [(p.path, p.key) for p in outcome.problems if p.severity == "error"]
    assert ("content/packs/study-session.yml", "entries[1].entry") in errors
    assert "不存在编号为“hill-school”的条目" in preview.banner()
    assert _tree(preview.site_dir).keys() <= before.keys()


@pytest.mark.parametrize("template", ["pack.html", "pack_print.html"])
def test_ignoring_what_pack_pages_read_leaves_them_stale(
    template: str, sample_project: Path, tmp_path: Path, monkeypatch
) -> None:
    """If the preview ignored what pack pages read, an edit to a listed entry would leave
    them stale: the pages depend on the reads they record."""
    from generator.incremental import Dependencies

    record = Dependencies.record

    def forgetful(self, page, reads, values):  # type: ignore[no-untyped-def]
        record(self, page, frozenset() if page.template == template else reads, values)

    monkeypatch.setattr(Dependencies, "record", forgetful)
    preview = Preview(sample_project / "mkdocs.yml", tmp_path / "preview")
    preview.build()
    preview.update(PACK_EDITS["a listed entry's title"](sample_project))
    clean = build_with_mkdocs(sample_project / "mkdocs.yml", tmp_path / "clean")
    assert _tree(preview.site_dir) != _tree(clean)
