"""Messages that send an editor the right way: what is accepted with a note, what is
refused, and where each message points. The exact wording of each lives in the golden
fixtures under tests/fixtures/errors/; these tests pin the behaviour around it."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import cli
from generator.check import load_project
from generator.commands import new as new_command
from generator.errors import ContentError, ContentErrors
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


# --- kb new ------------------------------------------------------------------------------


def _new(root: Path, monkeypatch, args: list[str], *, answers: str = "", tty: bool = False):
    """Run `kb new ARGS` in the project at ``root``, as if at a terminal when ``tty``."""
    monkeypatch.chdir(root)
    monkeypatch.setattr(new_command, "_interactive", lambda: tty)
    return CliRunner().invoke(cli.main, ["new", *args], input=answers)


def test_kb_new_refuses_a_bad_title_as_soon_as_it_is_typed(write_project, monkeypatch) -> None:
    """A title the model refuses is refused before any other question, with the model's reason."""
    root = write_project({})
    answers = "<河畔>\n河谷村：夜校学习\n1\n1\n"
    result = _new(root, monkeypatch, ["case"], answers=answers, tty=True)
    assert result.exit_code == 0, result.output
    reason = result.output.index("不能包含尖括号")
    assert reason < result.output.index("1. 城市社区（urban-community）")
    assert (root / "content/cases/he-gu-cun.yml").is_file()


def test_kb_new_takes_organization_types_and_themes_by_name(write_project, monkeypatch) -> None:
    """An organization type or theme typed by its Chinese name is taken, as by number or id."""
    root = write_project({})
    answers = "河谷村：夜校学习\n院校（学校）\n学习理念，results\n"
    result = _new(root, monkeypatch, ["case"], answers=answers, tty=True)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((root / "content/cases/he-gu-cun.yml").read_text(encoding="utf-8"))
    assert (data["org_type"], data["themes"]) == ("school", ["learning-philosophy", "results"])


def test_kb_new_options_take_names_too(write_project, monkeypatch) -> None:
    """`--org-type 城市社区 --theme 创建成效` writes the ids those names stand for."""
    root = write_project({})
    args = ["case", "--title", "河谷村：夜校学习", "--org-type", "城市社区", "--theme", "创建成效"]
    result = _new(root, monkeypatch, args)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((root / "content/cases/he-gu-cun.yml").read_text(encoding="utf-8"))
    assert (data["org_type"], data["themes"]) == ("urban-community", ["results"])


def test_kb_new_takes_a_name_typed_without_its_brackets(write_project, monkeypatch) -> None:
    """“院校” names 院校（学校）: a name is found without its part in brackets or its quotes."""
    root = write_project({})
    args = ["case", "--title", "河谷村：夜校学习", "--org-type", "院校", "--theme", "创建成效"]
    result = _new(root, monkeypatch, args)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((root / "content/cases/he-gu-cun.yml").read_text(encoding="utf-8"))
    assert data["org_type"] == "school"


def test_kb_new_asks_again_for_an_unknown_organization_type(write_project, monkeypatch) -> None:
    """An answer naming no organization type is asked again, saying what was not found."""
    root = write_project({})
    answers = "河谷村：夜校学习\n农村\n城市社区\n1, 2, 3\n"
    result = _new(root, monkeypatch, ["case"], answers=answers, tty=True)
    assert result.exit_code == 0, result.output
    assert "没有名称或编号为“农村”的组织类型" in result.output
    assert result.output.count("组织类型（填序号、名称或编号）") == 2


def test_kb_new_asks_for_an_id_when_the_title_gives_none(write_project, monkeypatch) -> None:
    """A title with nothing to spell as an id leads to a question for the id, checked too."""
    root = write_project({})
    answers = "！！！\n1\n1\nBad ID\nriver-community\nnight-school\n"
    result = _new(root, monkeypatch, ["case"], answers=answers, tty=True)
    assert result.exit_code == 0, result.output
    assert "实际是“Bad ID”" in result.output and "已经存在，不会覆盖" in result.output
    assert (root / "content/cases/night-school.yml").is_file()


def test_the_scaffold_and_kb_new_name_the_check_command_that_works(
    write_project, monkeypatch
) -> None:
    """`kb new` and the file it writes say to run `bash scripts/site.sh check`, not bare `kb`."""
    root = write_project({"scripts/site.sh": 'exec .venv/bin/kb "$@"\n'})
    args = ["case", "--title", "河谷村：夜校学习", "--org-type", "school", "--theme", "results"]
    result = _new(root, monkeypatch, args)
    assert result.exit_code == 0, result.output
    assert "然后运行 bash scripts/site.sh check 检查" in result.output
    text = (root / "content/cases/he-gu-cun.yml").read_text(encoding="utf-8")
    assert "运行 bash scripts/site.sh check 检查" in text and "kb check" not in text


@pytest.mark.parametrize(
    ("failure", "said"),
    [(errno.ENOSPC, "磁盘空间不足"), (errno.EROFS, "磁盘是只读的"), (errno.EACCES, "没有权限")],
)
def test_kb_new_leaves_nothing_behind_when_it_cannot_write(
    write_project, monkeypatch, failure: int, said: str
) -> None:
    """A full disk or read-only folder is told in Chinese, and no file or folder is left."""
    root = write_project({})
    shutil.rmtree(root / "content/cases")
    before = sorted(root.rglob("*"))
    write_text = Path.write_text

    def fail_halfway(self: Path, data: str, *args, **kwargs) -> int:
        write_text(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(failure, os.strerror(failure))

    monkeypatch.setattr(Path, "write_text", fail_halfway)
    args = ["case", "--title", "河谷村：夜校学习", "--org-type", "school", "--theme", "results"]
    result = _new(root, monkeypatch, args)
    assert result.exit_code == 1
    assert said in result.output and "没有新建任何文件" in result.output
    assert "Traceback" not in result.output
    assert sorted(root.rglob("*")) == before


# --- Traditional characters ----------------------------------------------------------------


def test_a_traditional_copy_of_a_case_is_found_like_a_simplified_one(write_project) -> None:
    """A case resubmitted in Traditional characters is reported as a near-duplicate."""
    import opencc

    copy = opencc.OpenCC("s2t").convert(SAMPLE_CASE)
    copy = copy.replace("id: river-community", "id: river-community-copy")
    root = write_project({"content/cases/river-community-copy.yml": copy})
    similar = [p for p in _problems(root) if "高度相似" in p.message]
    pair = {CASE_PATH, "content/cases/river-community-copy.yml"}
    [warning] = similar
    assert warning.path in pair and (pair - {warning.path}).pop() in warning.message
    assert "约 100% 相同" in warning.message


def test_traditional_characters_left_in_an_entry_are_named_with_their_simplified_forms(
    write_project,
) -> None:
    """Traditional characters are a warning at their field's line, each with its Simplified form."""
    root = write_project({CASE_PATH: _case("unit: 河畔社区党委", "unit: 河畔社區黨委")})
    [warning] = _problems(root)
    assert (warning.path, warning.line, warning.key, warning.severity) == (
        CASE_PATH,
        14,
        "unit",
        "warning",
    )
    assert warning.message == "“单位”里有繁体字或异体字：區→区、黨→党。"


def test_characters_simplified_text_keeps_are_not_taken_for_traditional(write_project) -> None:
    """Characters Simplified text also uses (著作, 乾隆, 瞭望, 於 as a surname) give no warning."""
    text = "著作、乾隆年间、瞭望塔、於姓人家、皇后、面条、只有、余下、干部、后来"
    root = write_project({CASE_PATH: _case("unit: 河畔社区党委", f"unit: {text}")})
    assert _problems(root) == []


def test_the_bundled_content_has_no_traditional_text() -> None:
    """The content shipped with the project passes the Traditional-character check as it is."""
    project = load_project(REPO / "content", root=REPO)
    assert [w for w in project.warnings if "繁体字" in w.message] == []
