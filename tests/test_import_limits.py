"""`kb import` on documents far larger or deeper than a case study: each is refused early with
a Chinese message saying what was too large (the other documents are still imported), or
read whole. The limits are lowered here so that small generated inputs reach them; the
figures at full size come from ``bench/import_limits.py``."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests import import_inputs
from tests.importing import (
    FIXTURES,
    body,
    drafts,
    import_with_limits,
    make_project,
    only_draft,
    run_import,
)

if TYPE_CHECKING:
    from generator.importer.limits import Limits

OTHER = FIXTURES / "gb18030-file.txt"
"""An ordinary document imported beside each oversized one."""


@pytest.fixture
def project(write_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample project, as the current folder."""
    return make_project(write_project, monkeypatch)


def _limits(**lowered: float) -> Limits:
    from generator.importer.limits import DEFAULT_LIMITS

    return dataclasses.replace(DEFAULT_LIMITS, **lowered)


def _refused(project: Path, source: Path, said: str, status: int) -> None:
    """``source`` got no draft and a Chinese reason naming it; the other document got its draft."""
    assert status == 1
    assert f"{source}：" in said and "Traceback" not in said
    assert "共导入 1 个文档，1 个无法导入" in said
    assert len(drafts(project)) == 1 and "刘䶮" in only_draft(project)


def test_a_long_line_without_a_full_stop_is_imported(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 150 KB text on one line with no full stop goes through every stage well within its
    time (a boilerplate rule that re-scanned the sentence from each position took 20 s here
    and 99 s at 270 KB; now each stage takes a fraction of a second)."""
    source = tmp_path / "one-line.txt"
    text = import_inputs.one_line_text(150_000)
    source.write_text("某社区党委学习制度\n" + text + "。详细请访问本站\n", encoding="utf-8")
    status, said = import_with_limits(source, limits=_limits(seconds_per_step=5), capsys=capsys)
    assert status == 0, said
    assert text.replace("，", "")[:5000] in body(only_draft(project)).replace("，", "")
    assert "［网站的推广文字］“详细请访问本站”" in said


def test_each_stage_has_a_time_limit(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A stage over its time stops that document with the stage's name; the others go on."""
    status, said = import_with_limits(
        FIXTURES / "big5-text.txt", limits=_limits(seconds_per_step=0), capsys=capsys
    )
    assert status == 1
    assert "“读取文件”这一步用时超过 0 秒，已停止导入这个文件" in said
    assert not drafts(project)


def test_a_stage_stuck_inside_a_regular_expression_is_stopped(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stage that never returns (a pattern backtracking without end) is interrupted at its
    time limit, from inside the pattern, and named; the next document is imported."""
    import generator.importer.suspicious as suspicious

    finished = []

    def stuck(text: str) -> list[tuple[int, int]]:
        re.match(r"(a+)+$", "a" * 30 + "b")  # about 2^30 steps
        finished.append(text)
        return []

    monkeypatch.setattr(suspicious, "_damaged_runs", stuck)
    status, said = import_with_limits(
        FIXTURES / "big5-text.txt", limits=_limits(seconds_per_step=0.5), capsys=capsys
    )
    assert status == 1 and not finished
    assert "“标出可疑之处”这一步用时超过 0.5 秒，已停止导入这个文件" in said


def test_a_web_page_too_large_is_refused_unread(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A web page beyond the size limit is refused before it is parsed, saying its size."""
    source = tmp_path / "large.html"
    source.write_text(import_inputs.large_html(300_000), encoding="utf-8")
    status, said = import_with_limits(
        source, OTHER, limits=_limits(text_file_bytes=100_000), capsys=capsys
    )
    _refused(project, source, said, status)
    assert "文件太大（296 KB），网页文件最多读取 98 KB" in said


def test_too_much_text_is_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A document whose text is beyond the character limit is refused, saying how much it holds."""
    source = tmp_path / "long.txt"
    source.write_text(import_inputs.one_line_text(30_000), encoding="utf-8")
    status, said = import_with_limits(
        source, OTHER, limits=_limits(characters=5_000), capsys=capsys
    )
    _refused(project, source, said, status)
    assert "文字太多（约 9,989 字），一次最多导入 5,000 字" in said


def test_a_text_of_blank_lines_is_refused_by_its_length(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Line breaks count as characters: megabytes of blank lines cannot become millions of lines."""
    source = tmp_path / "blank-lines.txt"
    source.write_text("标题\n" + "\n" * 20_000 + "正文。\n", encoding="utf-8")
    status, said = import_with_limits(
        source, OTHER, limits=_limits(characters=5_000), capsys=capsys
    )
    _refused(project, source, said, status)
    assert "文字太多（约 20,007 字）" in said


def test_a_web_page_of_too_many_tags_is_refused_unparsed(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Telling a page's article from its navigation takes time for every tag: a page of too many
    is refused before it is parsed, saying how many it has."""
    source = tmp_path / "tags.html"
    source.write_text(import_inputs.many_tags_html(600), encoding="utf-8")
    status, said = import_with_limits(
        source, OTHER, limits=_limits(web_page_tags=1_000), capsys=capsys
    )
    _refused(project, source, said, status)
    assert "网页的标签太多（1,204 个），一次最多读取 1,000 个" in said


def test_a_word_file_of_tiny_paragraphs_is_refused_before_its_draft(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Thousands of one-word paragraphs would each become a draft item: refused, no draft written."""
    source = tmp_path / "tiny-paragraphs.docx"
    source.write_bytes(import_inputs.tiny_paragraphs_docx(300))
    status, said = import_with_limits(source, OTHER, limits=_limits(paragraphs=100), capsys=capsys)
    _refused(project, source, said, status)
    assert "段落太多（已超过 100 段）" in said


def test_a_word_file_of_empty_paragraphs_is_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Empty paragraphs count too, up to four times the limit: a file of nothing else is refused."""
    source = tmp_path / "empty-paragraphs.docx"
    source.write_bytes(import_inputs.docx_bytes(["正文。"] + [""] * 500))
    status, said = import_with_limits(source, OTHER, limits=_limits(paragraphs=100), capsys=capsys)
    _refused(project, source, said, status)
    assert "段落太多（连同空段已超过 400 段）" in said


def test_too_many_paragraphs_after_cleaning_are_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The paragraph limit counts what is left after cleaning, whatever the format."""
    source = tmp_path / "many.txt"
    source.write_text("\n".join(f"第{i}条学习记录。" for i in range(150)), encoding="utf-8")
    status, said = import_with_limits(source, OTHER, limits=_limits(paragraphs=100), capsys=capsys)
    _refused(project, source, said, status)
    assert "段落太多（150 段）" in said or "段落太多（149 段）" in said


def test_a_word_file_that_unpacks_too_large_is_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A .docx whose text part unpacks beyond the limit is refused before it is parsed."""
    source = tmp_path / "bomb.docx"
    source.write_bytes(import_inputs.docx_bytes(["学习" * 50_000]))
    status, said = import_with_limits(
        source, OTHER, limits=_limits(unpacked_bytes=100_000), capsys=capsys
    )
    _refused(project, source, said, status)
    assert "正文解压后有" in said


def test_a_pdf_with_too_many_pages_is_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PDF beyond the page limit is refused before its pages are read."""
    source = tmp_path / "long.pdf"
    source.write_bytes(import_inputs.long_pdf(5))
    status, said = import_with_limits(source, OTHER, limits=_limits(pdf_pages=3), capsys=capsys)
    _refused(project, source, said, status)
    assert "这个 PDF 共 5 页，一次最多导入 3 页" in said


def test_a_draft_too_large_is_not_written(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A draft beyond the size limit is not written, and the report says how large it was."""
    source = FIXTURES / "headings-mapped-to-case-fields.txt"
    status, said = import_with_limits(
        source, OTHER, limits=_limits(draft_bytes=4_500), capsys=capsys
    )
    _refused(project, source, said, status)
    assert "生成的草稿有 5 KB，超过了上限 4 KB，没有写入" in said


def test_the_report_counts_what_it_does_not_list_one_by_one(project: Path, tmp_path: Path) -> None:
    """A reason met hundreds of times (a prompt on every line) is listed 100 times, then counted."""
    source = tmp_path / "prompts.txt"
    lines = [f"第{i}条：党员每月参加一次集中学习，学习后交流体会。下载本文档" for i in range(150)]
    source.write_text("某社区党委学习制度\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = run_import(source, "--kind", "material")
    assert result.exit_code == 0, result.output
    assert result.output.count("［下载提示］") == 100
    assert "……另有 50 处“下载提示”，未逐一列出" in result.output
    assert "删去的内容（151 处" in result.output


def test_a_long_pdf_paragraph_is_read_whole(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A paragraph running over many PDF pages is joined into one, every line kept."""
    source = tmp_path / "long.pdf"
    source.write_bytes(import_inputs.long_pdf(20))
    status, said = import_with_limits(source, limits=_limits(seconds_per_step=20), capsys=capsys)
    assert status == 0, said
    line = import_inputs.FILLER[:30]
    assert body(only_draft(project)).count(line) == 20 * 40


def test_a_page_nested_too_deep_keeps_every_paragraph(project: Path, tmp_path: Path) -> None:
    """An old page whose unclosed <font> tags nest 400 levels deep (the parser stops at 255)
    loses no paragraph, and the report says it was read as plain paragraphs."""
    source = tmp_path / "unclosed-font.html"
    source.write_text(import_inputs.nested_font_html(400), encoding="utf-8")
    result = run_import(source, "--kind", "material")
    assert result.exit_code == 0, result.output
    draft = body(only_draft(project))
    missing = [i for i in range(1, 401) if f"第{i}段：" not in draft]
    assert not missing, f"{len(missing)} paragraphs lost, from 第{missing[0]}段"
    assert "网页的标签从第 1 行起嵌套太深" in result.output and "文字都保留了" in result.output


def test_the_editor_guide_states_the_limits_the_code_has() -> None:
    """The editor guide's numbers are the limits kb import applies."""
    from generator.importer.limits import DEFAULT_LIMITS, MB

    guide = (FIXTURES.parents[2] / "CONTRIBUTING.md").read_text(encoding="utf-8")
    limits = DEFAULT_LIMITS
    stated = (
        f"不超过 {limits.characters // 10_000} 万字、{limits.paragraphs:,} 段、{limits.pdf_pages:,} 页；"
        f"网页不超过 {limits.text_file_bytes // MB} MB"
    )
    assert stated in guide
