"""`kb import`: what a draft must not keep and a report must not misname, one fixture per kind
of leftover (see tests/fixtures/import/README.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.rules import PLACEHOLDER
from tests.importing import FIXTURES, body, make_project, only_draft, run_import


@pytest.fixture
def project(write_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample project with a search-terms dictionary, as the current folder."""
    terms = "# 检索词典\n集中学习\n送学\n三会一课\n"
    return make_project(write_project, monkeypatch, {"content/search-terms.txt": terms})


def _removed(report: str) -> list[tuple[int, str, str]]:
    """The report's removed spans: (line, reason, text)."""
    return [
        (int(line), reason, text)
        for line, reason, text in re.findall(r"第 (\d+) 行［([^］]*)］“(.*?)”", report)
    ]


def test_reading_progress_and_page_of_pages_are_removed_and_listed(project: Path) -> None:
    """剩余10页未读 and 第2页 共3页 (either order) leave the draft and are listed with their line."""
    result = run_import(FIXTURES / "reading-progress-and-page-of-pages.txt", "--kind", "case")
    assert result.exit_code == 0, result.output
    draft = body(only_draft(project))
    for leftover in ("剩余10页未读", "继续阅读", "第2页", "共3页", "第3页"):
        assert leftover not in draft, leftover
    removed = _removed(result.output)
    assert (3, "下载站的阅读进度提示", "剩余10页未读，继续阅读") in removed
    assert (4, "下载站的页码标记", "第2页 共3页") in removed
    assert (6, "下载站的页码标记", "共3页 第3页") in removed
    assert "年底作为评议党员的依据之一" in draft and "督促大家按时参加学习" in draft


def test_count_placeholders_are_flagged(project: Path) -> None:
    """Blanks standing for a count (**名, xx名, ××位) stay in the text and are flagged like **年."""
    result = run_import(FIXTURES / "count-placeholders.txt", "--kind", "case")
    assert result.exit_code == 0, result.output
    flagged = re.findall(r"第 (\d+) 行：模板占位符", result.output)
    assert flagged == ["2", "3", "3"]
    assert "**名党员报名参加" in only_draft(project)


def test_cue_words_count_only_as_words(project: Path) -> None:
    """中学 inside 集中学习 does not suggest a school, 送学 inside 推送学习 is no keyword;
    the dictionary's 集中学习 still is one, and 街道 still suggests a type (a title word counts three times)."""
    result = run_import(FIXTURES / "cue-words-inside-other-words.txt", "--kind", "case")
    assert result.exit_code == 0, result.output
    draft = only_draft(project)
    suggested = [line for line in result.output.splitlines() if "依据" in line]
    assert suggested and not any("中学" in line or "school" in line for line in suggested)
    assert "school" not in draft
    assert f"keywords: [{PLACEHOLDER}集中学习]" in draft  # not 送学
    assert "建议的组织类型：城市社区（urban-community），依据：“街道”4 次" in result.output


def test_segmented_cues_count_whole_parts_of_words(project: Path, tmp_path: Path) -> None:
    """A cue that begins or ends a longer word counts (第二中学, 中心组学习, 送学上门)."""
    source = tmp_path / "school.txt"
    source.write_text(
        "青禾县第二中学党支部开展送学上门活动\n"
        "青禾县第二中学党支部组织中心组学习，把送学上门作为联系群众的办法，学校教师轮流参加。\n",
        encoding="utf-8",
    )
    result = run_import(source, "--kind", "case")
    assert result.exit_code == 0, result.output
    assert "院校（学校）（school），依据：“中学”4 次" in result.output
    assert f"{PLACEHOLDER}送学" in only_draft(project)


def test_traditional_name_in_a_simplified_text_is_not_mojibake(project: Path) -> None:
    """「三會一課」 in an ordinary Simplified sentence is kept and named as Traditional, not as damage."""
    result = run_import(FIXTURES / "traditional-name-in-simplified-text.txt", "--kind", "case")
    assert result.exit_code == 0, result.output
    assert "乱码" not in result.output
    assert "第 2 行：引号中的名称是繁体字，保持原样" in result.output
    assert "「三會一課」制度" in only_draft(project)


def test_a_traditional_character_is_named_as_such(project: Path, tmp_path: Path) -> None:
    """Unquoted Traditional characters in a Simplified text are flagged as Traditional, not as damaged."""
    source = tmp_path / "stray.txt"
    source.write_text(
        "青山镇党委落实组织生活制度的做法\n"
        "青山镇党委要求各支部坚持三會一課制度，每月按时召开支部党员大会和支部委员会，"
        "镇党委每季度检查一次各支部的会议记录，发现问题及时督促整改。\n",
        encoding="utf-8",
    )
    result = run_import(source, "--kind", "case")
    assert "乱码" not in result.output
    assert "“會”是繁体字（简体为“会”）" in result.output
    assert "“課”是繁体字（简体为“课”）" in result.output


def test_a_quote_cut_at_its_start_says_so(project: Path) -> None:
    """The report's quote of a cut-off last sentence starts with … when it does not start the paragraph."""
    result = run_import(FIXTURES / "cut-off-last-paragraph.txt", "--kind", "case")
    quote = re.search(r"文档在句子中间结束[^“]*“(.*?)”", result.output)
    assert quote is not None, result.output
    assert quote.group(1) == "…" + "支部将承诺内容分为学习、服务和遵纪三类，由党员"[-20:]


def test_a_numbered_item_loses_its_number_and_does_not_repeat_its_title(project: Path) -> None:
    """A lone 1、 item becomes a step titled without its number, its text without the title."""
    result = run_import(FIXTURES / "numbered-item-without-headings.txt", "--kind", "case")
    assert result.exit_code == 0, result.output
    actions = only_draft(project).split("\nactions:")[1].split("\nresults:")[0]
    assert "- title: 建立积分台账\n" in actions
    item = actions.split("- title: 建立积分台账")[1].split("- title:")[0]
    text = [line.strip() for line in item.splitlines() if line.strip() and "#" not in line]
    assert text == [
        "text: |",
        f"{PLACEHOLDER}请用自己的话改写下面的原文，写成“做法与经过”中的一条（原文“1、建立积分台账”）。",
        "支部为每名党员建立积分台账，参加集中学习记二分，交流发言再加一分。",
    ]


def test_subheadings_without_text_are_not_repeated_as_text(project: Path) -> None:
    """A subheading with nothing under it gets a marked note, not its own heading as its text."""
    result = run_import(FIXTURES / "subheadings-without-text.txt", "--kind", "case")
    assert result.exit_code == 0, result.output
    actions = only_draft(project).split("\nactions:")[1].split("\nresults:")[0]
    assert "（一）" not in actions and "（二）" not in actions
    assert actions.count("只有小标题，没有具体内容") == 2


@pytest.mark.parametrize(
    "text",
    [
        "正文第一句。欢迎访问本站下载频道，更多范文请直接下载！正文第二句。",
        "没有句号的长句子里写着详细请访问某某网站还有后面的文字",
        "第一段。\n欢迎访问\n第三段详细请访问。",
        "句一。欢迎访问。欢迎访问！句四",
        "",
    ],
)
def test_promotion_rule_removes_what_the_old_pattern_did(text: str) -> None:
    """The linear promotion rule finds the same sentences as the pattern it replaced."""
    from generator.importer.boilerplate import _promoting_sentences

    old = re.compile(r"[^。！？\n]*(?:下载频道|直接下载|详细请访问|欢迎访问)[^。！？\n]*[。！？]?")
    assert list(_promoting_sentences(text)) == [m.span() for m in old.finditer(text)]
