"""Messages that send an editor the right way: what is accepted with a note, what is
refused, and where each message points. The exact wording of each lives in the golden
fixtures under tests/fixtures/errors/; these tests pin the behaviour around it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator import cli
from generator.errors import ContentError, ContentErrors
from generator.validate import load_project
from tests.conftest import REPO

SAMPLE_CASE = (REPO / "tests/fixtures/sample/content/cases/river-community.yml").read_text(
    encoding="utf-8"
)
CASE_PATH = "content/cases/river-community.yml"
SUMMARY = "summary: 社区党委以中心组学习带动全体党员学习 <b>不是标签</b>"


def _case(old: str, new: str) -> str:
    """The sample case with one piece of text replaced (which must be there)."""
    assert old in SAMPLE_CASE
    return SAMPLE_CASE.replace(old, new, 1)


def _problems(root: Path) -> list[ContentError]:
    """Errors and warnings `kb check` reports for the project at ``root``."""
    try:
        project = load_project(root / "content", root=root)
    except ContentErrors as problems:
        return problems.errors
    return project.warnings


def test_a_byte_order_mark_is_ignored_with_a_note(write_project) -> None:
    """A file saved by Notepad as "UTF-8 with BOM" is read as usual, with a warning saying so."""
    root = write_project({CASE_PATH: b"\xef\xbb\xbf" + SAMPLE_CASE.encode()})
    project = load_project(root / "content", root=root)
    assert project.entries["river-community"].title == "河畔社区：每月两次中心组学习"
    [warning] = project.warnings
    assert (warning.path, warning.line, warning.severity) == (CASE_PATH, 1, "warning")
    assert "已忽略" in warning.message


def test_text_cut_by_a_comment_is_refused(write_project, monkeypatch) -> None:
    """A summary cut short by " #" fails `kb check`, instead of passing and being published cut."""
    root = write_project({CASE_PATH: _case(SUMMARY, "summary: 评比第 #1名的社区党委")})
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli.main, ["check"])
    assert result.exit_code == 1
    assert "检查通过" not in result.output
    assert f"{CASE_PATH}:4:14: summary:" in result.output
    assert "网站上只会显示“评比第”" in result.output


def test_a_hash_without_a_space_before_it_is_text(write_project) -> None:
    """ "第#1名" is text as YAML reads it, so it passes whole."""
    root = write_project({CASE_PATH: _case(SUMMARY, "summary: 评比第#1名的社区党委")})
    project = load_project(root / "content", root=root)
    assert project.entries["river-community"].summary == "评比第#1名的社区党委"
    assert project.warnings == []


def test_a_comment_after_an_empty_optional_field_is_fine(write_project) -> None:
    """A note after an optional field left empty is a comment, as the editor meant."""
    root = write_project({CASE_PATH: _case("    note: 作者：样例", "    published:  # 待核实")})
    assert _problems(root) == []


def test_three_thousand_levels_of_nesting_are_refused_where_they_go_too_deep(write_project) -> None:
    """A mapping nested 3,000 levels deep is refused at the line of its 51st level, in Chinese."""
    deep = "".join(" " * i + f"k{i}:\n" for i in range(1, 3000)) + " " * 3000 + "底层\n"
    text = _case("region: 样例省\n", "region: 样例省\nextra:\n" + deep)
    root = write_project({CASE_PATH: text})
    [problem] = _problems(root)
    # The file's mapping is the first level, extra's (holding k1) the second: k50 is in the 51st.
    assert (problem.line, problem.key) == (text.splitlines().index(" " * 50 + "k50:") + 1, "extra")
    assert "超过了 50 层" in problem.message


def test_a_deeply_nested_flow_list_is_refused_at_its_51st_bracket(write_project) -> None:
    """ "[[[[…" 3,000 deep is refused at the bracket that opens its 51st level."""
    root = write_project(
        {CASE_PATH: _case("keywords: [中心组]", "keywords: " + "[" * 3000 + "]" * 3000)}
    )
    [problem] = _problems(root)
    assert (problem.line, problem.column, problem.key) == (7, len("keywords: ") + 50, "keywords")
