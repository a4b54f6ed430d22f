"""The preview's incremental updates give exactly the site a clean build gives."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator.preview import Preview
from generator.publish import STAMP_FILE
from generator.search import SEARCH_DIR
from tests.conftest import build_with_mkdocs
from tests.projects import copy_sample

Edit = Callable[[Path], set[Path]]


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file of a site but its stamp (a preview is not published, so it has none) and
    its search index: the preview's keeps entry numbers and holds edits in an overlay, so
    its files differ from a fresh build's while answering every query the same (see
    tests/test_search.py for that comparison, in the browser)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != STAMP_FILE and p.relative_to(folder).parts[0] != SEARCH_DIR
    }


def _yaml_edit(relative: str, change: Callable[[dict], None]) -> Edit:
    def edit(project: Path) -> set[Path]:
        path = project / relative
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return {path.resolve()}

    return edit


def _add_case(project: Path) -> set[Path]:
    source = project / "content/cases/river-community.yml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data.update(
        id="hill-village",
        title="山村党支部：农家书屋里的学习日",
        summary="村党支部把每月的学习日放在农家书屋，党员轮流领学。",
        org_type="school",
        themes=["learning-philosophy", "learning-forms"],
        background="村里党员居住分散，集中学习难以坚持。",
    )
    path = project / "content/cases/hill-village.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return {path.resolve()}


def _remove_case(project: Path) -> set[Path]:
    path = project / "content/cases/hill-village.yml"
    path.unlink()
    return {path.resolve()}


EDITS: dict[str, Edit] = {
    "summary": _yaml_edit(
        "content/cases/river-community.yml",
        lambda d: d.update(summary="改写后的摘要，列表中可见。"),
    ),
    "title reorders lists": _yaml_edit(
        "content/materials/hill-school.yml", lambda d: d.update(title="阿山学校：学习型党支部")
    ),
    "themes move entries": _yaml_edit(
        "content/cases/river-community.yml",
        lambda d: d.update(themes=["learning-philosophy", "results"]),
    ),
    "citations change": _yaml_edit(
        "content/practices/twice-monthly-study.yml", lambda d: d.update(cases=["river-community"])
    ),
    "organization type changes": _yaml_edit(
        "content/cases/river-community.yml", lambda d: d.update(org_type="school")
    ),
    "theme renamed": _yaml_edit(
        "content/taxonomy.yml", lambda d: d["themes"][0].update(name="学习的形式与阵地")
    ),
    "organization type renamed": _yaml_edit(
        "content/taxonomy.yml", lambda d: d["org_types"][0].update(name="城市社区党组织")
    ),
    "entry added": _add_case,
    "entry removed": _remove_case,
}


@pytest.fixture
def preview(sample_project: Path, tmp_path: Path):
    """A preview of a copy of the sample project, built once."""
    built = Preview(sample_project / "mkdocs.yml", tmp_path / "preview")
    built.build()
    return built


@pytest.fixture(scope="module")
def clean_builds(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, bytes]]:
    """The files a clean build gives after each edit of :data:`EDITS`, made in turn on a
    copy of the sample project: what a preview given the same edits must equal."""
    project = copy_sample(tmp_path_factory.mktemp("clean-builds"))
    trees = []
    for number, edit in enumerate(EDITS.values()):
        edit(project)
        clean = build_with_mkdocs(project / "mkdocs.yml", project.parent / f"clean-{number}")
        trees.append(_tree(clean))
        shutil.rmtree(clean)
    return trees


def test_each_edit_updates_only_what_it_touches_and_equals_a_clean_build(
    preview: Preview, sample_project: Path, clean_builds: list[dict[str, bytes]]
) -> None:
    """After each kind of edit, the preview's files equal a fresh build's, byte for byte."""
    for number, (name, edit) in enumerate(EDITS.items()):
        outcome = preview.update(edit(sample_project))
        assert not outcome.full, name
        assert not [p for p in outcome.problems if p.severity == "error"], name
        assert _tree(preview.site_dir) == clean_builds[number], name


def _break_case(project: Path) -> tuple[Path, str]:
    """Give the sample case an unknown organization type; return its path and good text."""
    entry = project / "content/cases/river-community.yml"
    good = entry.read_text(encoding="utf-8")
    entry.write_text(good.replace("org_type: urban-community", "org_type: town"), "utf-8")
    return entry, good


def test_a_bad_edit_keeps_the_last_good_site_and_recovers(
    preview: Preview, sample_project: Path
) -> None:
    """Invalid content leaves the pages alone and lists the errors; fixing it updates again."""
    before = _tree(preview.site_dir)
    entry, good = _break_case(sample_project)
    outcome = preview.update({entry.resolve()})
    assert [p.key for p in outcome.problems] == ["org_type"]
    assert "不存在编号为“town”的组织类型" in preview.banner()
    assert _tree(preview.site_dir) == before
    entry.write_text(good.replace("每月两次集中学习。", "每月两次集中学习，改过了。"), "utf-8")
    outcome = preview.update({entry.resolve()})
    assert outcome.problems == [] and preview.banner() == ""
    page = preview.site_dir / "cases/river-community/index.html"
    assert "改过了" in page.read_text(encoding="utf-8")


def test_only_pages_showing_the_edited_entry_are_rewritten(
    preview: Preview, sample_project: Path
) -> None:
    """A change to one entry's text rewrites its page and lists, not unrelated pages."""
    untouched = preview.site_dir / "themes/learning-philosophy/index.html"
    stamp = untouched.stat().st_mtime_ns
    outcome = preview.update(
        _yaml_edit(
            "content/cases/river-community.yml",
            lambda d: d.update(background="只改背景，不改列表里显示的内容。"),
        )(sample_project)
    )
    assert 0 < outcome.pages < 10
    assert untouched.stat().st_mtime_ns == stamp


def test_a_theme_change_rebuilds_everything(preview: Preview, sample_project: Path) -> None:
    """Changing the configuration is not an incremental update: the whole site is rebuilt."""
    config = sample_project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("样例知识库", "改名的知识库"), "utf-8"
    )
    outcome = preview.update({config.resolve()})
    assert outcome.full
    assert "改名的知识库" in (preview.site_dir / "index.html").read_text(encoding="utf-8")


def test_a_full_rebuild_on_broken_content_keeps_the_last_good_site(
    preview: Preview, sample_project: Path
) -> None:
    """A configuration edit while content is broken keeps every page; the fix brings both in."""
    before = _tree(preview.site_dir)
    entry, good = _break_case(sample_project)
    preview.update({entry.resolve()})
    config = sample_project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("样例知识库", "改名的知识库"), "utf-8"
    )
    outcome = preview.update({config.resolve()})
    assert [p.key for p in outcome.problems] == ["org_type"]
    assert _tree(preview.site_dir) == before
    assert "不存在编号为“town”的组织类型" in preview.banner()

    entry.write_text(good, "utf-8")
    outcome = preview.update({entry.resolve()})
    assert outcome.full and outcome.problems == []
    assert "改名的知识库" in (preview.site_dir / "index.html").read_text(encoding="utf-8")
    clean = build_with_mkdocs(config, sample_project / "clean-site", strict=False)
    assert _tree(preview.site_dir) == _tree(clean)


def test_search_index_requests_wait_while_it_is_rewritten(
    preview: Preview, sample_project: Path, monkeypatch
) -> None:
    """Pages show first; the search index is marked unready until it is whole again."""
    seen: list[tuple[int, bool]] = []
    write = Preview._write_search_index

    def observed(self: Preview, site: object) -> None:
        seen.append((self.version, self.search_ready.is_set()))
        write(self, site)  # type: ignore[arg-type]

    monkeypatch.setattr(Preview, "_write_search_index", observed)
    version = preview.version
    EDITS["summary"](sample_project)
    preview.update({(sample_project / "content/cases/river-community.yml").resolve()})
    assert seen == [(version + 1, False)]
    assert preview.search_ready.is_set()


def test_a_misnamed_or_stray_file_shows_up_in_the_preview(
    preview: Preview, sample_project: Path
) -> None:
    """Saving `x.YML` or a note in content/ is reported at once, without a full rebuild."""
    source = sample_project / "content/cases/river-community.yml"
    misnamed = sample_project / "content/cases/hill-village.YML"
    misnamed.write_bytes(source.read_bytes())
    assert preview.relevant(misnamed.resolve())
    outcome = preview.update({misnamed.resolve()})
    assert not outcome.full
    assert [p.message for p in outcome.problems if p.path.endswith(".YML")] == [
        "文件名“hill-village.YML”看起来是一个条目文件，但扩展名不对，这个文件不会被读取。"
    ]
    misnamed.unlink()
    note = sample_project / "content/notes.md"
    note.write_text("# 笔记\n", encoding="utf-8")
    outcome = preview.update({misnamed.resolve(), note.resolve()})
    assert [(p.path, p.severity) for p in outcome.problems] == [("content/notes.md", "warning")]
    assert not (preview.site_dir / "notes.md").exists()


TEMPLATES = [
    "home.html",
    "theme_index.html",
    "org_type_index.html",
    "matrix.html",
    "kind.html",
    "org_type.html",
    "case.html",
    "practice.html",
    "material.html",
]
"""Every kind of page whose template reads the site index. A theme's pages show only
their own plan (its entries, by organization type), and the explorer shows nothing of
the content: they read nothing else."""


@pytest.mark.parametrize("template", TEMPLATES)
def test_ignoring_what_any_kind_of_page_read_leaves_it_stale(
    template: str,
    sample_project: Path,
    tmp_path: Path,
    clean_builds: list[dict[str, bytes]],
    monkeypatch,
) -> None:
    """If the preview ignored what one kind of page read, some edit would leave it stale."""
    from generator.incremental import Dependencies

    record = Dependencies.record

    def forgetful(self, page, reads, values):  # type: ignore[no-untyped-def]
        record(self, page, frozenset() if page.template == template else reads, values)

    monkeypatch.setattr(Dependencies, "record", forgetful)
    preview = Preview(sample_project / "mkdocs.yml", tmp_path / "preview")
    preview.build()
    for number, edit in enumerate(EDITS.values()):
        preview.update(edit(sample_project))
        if _tree(preview.site_dir) != clean_builds[number]:
            return  # one edit left a page stale: the reads are what keeps it fresh
    pytest.fail(f"no edit notices when what {template} pages read is ignored")


def test_saving_or_deleting_an_entry_file_does_not_walk_the_content_folder(
    preview: Preview, sample_project: Path, monkeypatch
) -> None:
    """A new or deleted entry file is the only file looked at; the folder is walked again
    only for what a walk alone can judge (a new folder, a link), and reports the same."""
    import generator.load

    walks: list[Path] = []
    walk = generator.load.find_content_files

    def counted(content_dir: Path, *, root: Path):
        walks.append(content_dir)
        return walk(content_dir, root=root)

    monkeypatch.setattr(generator.load, "find_content_files", counted)
    outcome = preview.update(_add_case(sample_project))
    assert not outcome.full and not outcome.problems and walks == []
    assert (preview.site_dir / "cases/hill-village/index.html").is_file()
    twin = sample_project / "content/cases/Hill-Village.yml"
    twin.write_bytes((sample_project / "content/cases/hill-village.yml").read_bytes())
    problems = [(p.path, p.message) for p in preview.update({twin.resolve()}).problems]
    assert walks == []
    walked = [
        (p.path, p.message) for p in walk(sample_project / "content", root=sample_project).problems
    ]
    assert [p for p in problems if "大小写" in p[1]] == walked and walked
    twin.unlink()
    outcome = preview.update({twin.resolve()} | _remove_case(sample_project))
    assert not outcome.problems and walks == []
    assert not (preview.site_dir / "cases/hill-village/index.html").exists()
    folder = sample_project / "content/cases/more"
    folder.mkdir()
    (folder / "hill-village.yml").write_bytes(
        twin.parent.joinpath("river-community.yml").read_bytes()
    )
    preview.update({(folder / "hill-village.yml").resolve()})
    assert walks == [sample_project / "content"]


def test_narrowing_to_what_an_edit_changed_finds_every_stale_page(
    preview: Preview, sample_project: Path, monkeypatch
) -> None:
    """After each kind of edit, valuing only the reads the edit can have changed finds
    exactly the pages valuing every read finds."""
    from generator.incremental import Dependencies

    stale = Dependencies.stale
    found: list[int] = []

    def both(self, pages, values, previous=None):
        pages = list(pages)
        narrowed = stale(self, pages, values, previous)
        assert previous is not None
        assert [p.src_uri for p in narrowed] == [p.src_uri for p in stale(self, pages, values)]
        found.append(len(narrowed))
        return narrowed

    monkeypatch.setattr(Dependencies, "stale", both)
    for name, edit in EDITS.items():
        assert not preview.update(edit(sample_project)).full, name
    assert len(found) == len(EDITS) and all(found)
