"""What text fields refuse, in `kb check` and in the editors' schemas alike: invisible
characters, blank text, spaces around ids; and the cross-file advice about names and copies."""

from __future__ import annotations

import json
import re
import subprocess
import typing
from pathlib import Path
from typing import Annotated, Any
from unicodedata import category

import jsonschema
import pytest
from click.testing import CliRunner
from pydantic import BaseModel, TypeAdapter, ValidationError

from generator import cli
from generator.check import check_field, load_project
from generator.commands import new as new_command
from generator.errors import ContentError, ContentErrors
from generator.fields import nested_model
from generator.model import KINDS, Taxonomy
from generator.quoting import spelled_as_code, spelled_as_codes, visible
from generator.rules import INVISIBLE, VARIATION_SELECTORS
from generator.schema import SCHEMA_DIR
from tests.conftest import REPO

SAMPLE = REPO / "tests/fixtures/sample/content"
_CASE = (SAMPLE / "cases/river-community.yml").read_text(encoding="utf-8")
_PACK = (SAMPLE / "packs/study-session.yml").read_text(encoding="utf-8")
_TAXONOMY = (SAMPLE / "taxonomy.yml").read_text(encoding="utf-8")
_TITLE = "title: 河畔社区：每月两次中心组学习"
_SUMMARY = "summary: 社区党委以中心组学习带动全体党员学习 <b>不是标签</b>"


def _problems(root: Path) -> list[ContentError]:
    """Errors and warnings `kb check` reports for the project at ``root``."""
    try:
        project = load_project(root / "content", root=root)
    except ContentErrors as problems:
        return problems.errors
    return project.warnings


def _errors(root: Path) -> list[ContentError]:
    return [p for p in _problems(root) if p.severity == "error"]


def _schema(name: str) -> dict[str, Any]:
    return json.loads((REPO / SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


# --- every text field ------------------------------------------------------------------


def _models() -> list[type[BaseModel]]:
    """Every model of content files, and every model nested in them."""
    found: list[type[BaseModel]] = []
    waiting: list[type[BaseModel]] = [*(k.model for k in KINDS.values()), Taxonomy]
    while waiting:
        model = waiting.pop()
        if model in found:
            continue
        found.append(model)
        for info in model.model_fields.values():
            inner = nested_model(info.annotation)
            if inner is not None:
                waiting.append(inner)
    return found


def _text_fields() -> list[tuple[type[BaseModel], str, bool]]:
    """(model, field, is a list) for every field holding text, whatever its rules."""
    fields = []
    for model in _models():
        for name, info in model.model_fields.items():
            annotation = info.annotation
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if typing.get_origin(annotation) is typing.Literal:
                continue
            is_list = typing.get_origin(annotation) is list
            base = (
                args[0]
                if args and (is_list or type(None) in typing.get_args(annotation))
                else annotation
            )
            while typing.get_origin(base) is Annotated:
                base = typing.get_args(base)[0]
            if base is str:
                fields.append((model, name, is_list))
    return fields


TEXT_FIELDS = _text_fields()


def _field_rule(model: type[BaseModel], name: str) -> Any:
    info = model.model_fields[name]
    return Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation


@pytest.mark.parametrize(
    ("model", "name", "is_list"),
    TEXT_FIELDS,
    ids=[f"{model.__name__}.{name}" for model, name, _ in TEXT_FIELDS],
)
def test_every_text_field_refuses_a_direction_override(
    model: type[BaseModel], name: str, is_list: bool
) -> None:
    """No text field of any model (entries, packs, sources, steps, figures, taxa) takes U+202E."""
    value = "河畔\u202e社区"
    with pytest.raises(ValidationError):
        TypeAdapter(_field_rule(model, name)).validate_python([value] if is_list else value)


def test_text_fields_are_found() -> None:
    """The walk above sees the fields the audit named, so the test above covers them."""
    names = {f"{model.__name__}.{name}" for model, name, _ in TEXT_FIELDS}
    assert {
        "CaseStudy.summary",
        "StudyPack.summary",
        "Figure.value",
        "Step.text",
        "Source.title",
        "PackItem.note",
        "StudyPack.questions",
        "Taxon.name",
        "Taxon.description",
    } <= names


def _string_nodes(node: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every schema node of type string (nested models' too), with where it is."""
    found = []
    if isinstance(node, dict):
        if node.get("type") == "string" and "enum" not in node and "const" not in node:
            found.append((path, node))
        for key, value in node.items():
            found += _string_nodes(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _string_nodes(value, f"{path}/{i}")
    return found


@pytest.mark.parametrize("name", ["case", "practice", "material", "pack", "taxonomy"])
def test_every_schema_text_refuses_a_direction_override(name: str) -> None:
    """Every free-text node of every editors' schema flags U+202E, as `kb check` does."""
    nodes = _string_nodes(_schema(name))
    assert nodes
    for where, node in nodes:
        if node.get("pattern", "").startswith("^[a-z0-9]"):
            continue  # ids: their pattern allows nothing but letters, digits and hyphens
        assert not jsonschema.Draft202012Validator(node).is_valid("河畔\u202e社区"), where


# --- summaries -----------------------------------------------------------------------------


def test_entry_summary_with_invisible_characters_is_refused(write_project) -> None:
    """An entry's summary with U+202E, U+200B and U+2029 is refused at its line, naming U+202E."""
    text = _CASE.replace(_SUMMARY, 'summary: "\\u202e矿区社区党委\\u200b\\u2029第二段"')
    errors = _errors(write_project({"content/cases/river-community.yml": text}))
    assert [(e.path, e.line, e.key) for e in errors] == [
        ("content/cases/river-community.yml", 4, "summary")
    ]
    assert "“摘要”含有看不见的字符" in errors[0].message and "U+202E" in errors[0].message


def test_pack_summary_of_zero_width_spaces_is_empty(write_project) -> None:
    """A study pack's summary of two U+200B is refused as empty, naming U+200B."""
    text = _PACK.replace(
        "summary: 一个案例和一篇资料，供样例学习会使用", 'summary: "\\u200b\\u200b"'
    )
    errors = _errors(write_project({"content/packs/study-session.yml": text}))
    assert [(e.path, e.line, e.key) for e in errors] == [
        ("content/packs/study-session.yml", 4, "summary")
    ]
    assert errors[0].message == "“摘要”只有看不见的字符零宽空格（U+200B），等于没有填写。"


# --- which characters ----------------------------------------------------------------------

REFUSED = [
    "\u3164",
    "\u2800",
    "\u115f",
    "\u1160",
    "\uffa0",
    "\u00ad",
    "\u180e",
    "\u034f",
    "\u061c",
    *(chr(code) for code in range(0x206A, 0x2070)),
    "\ufff9",
    "\ufffa",
    "\ufffb",
    "\U000e0000",
    "\U000e0041",
    "\U000e007f",
]


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_invisible_character_in_a_title_is_named(write_project, char: str) -> None:
    """Fillers, format characters and tags in a title are refused by both, named as U+XXXX."""
    text = _CASE.replace(_TITLE, f'title: "河畔\\U{ord(char):08X}社区"')
    errors = _errors(write_project({"content/cases/river-community.yml": text}))
    assert [(e.line, e.key) for e in errors] == [(3, "title")]
    assert f"U+{ord(char):04X}" in errors[0].message
    node = _schema("case")["properties"]["title"]
    assert not jsonschema.Draft202012Validator(node).is_valid(f"河畔{char}社区")


def test_messages_spell_exactly_the_unseen_characters_as_codes() -> None:
    """A message quoting an editor's text spells as <U+XXXX> each control, format, surrogate,
    separator and space character but the plain space, and each character the model refuses
    as invisible; every other character stands as it is."""
    coded = {"Cc", "Cf", "Cs", "Zl", "Zp", "Zs"}
    refused = re.compile(f"[{INVISIBLE}{VARIATION_SELECTORS}]")
    text = "".join(map(chr, [*range(0x20000), *range(0xE0000, 0xF0000)]))
    expected = {c for c in text if (category(c) in coded and c != " ") or refused.match(c)}
    assert spelled_as_codes(text) == expected
    assert {c for c in text[:0x3100] if spelled_as_code(c)} == {c for c in expected if c < "\u3100"}
    assert visible("甲\u200b乙 丙\u3000丁") == "甲<U+200B>乙 丙<U+3000>丁"


def test_title_of_fillers_is_empty(write_project) -> None:
    """A title of three Hangul fillers (U+3164) looks blank, and is refused as empty."""
    text = _CASE.replace(_TITLE, 'title: "\\u3164\\u3164\\u3164"')
    errors = _errors(write_project({"content/cases/river-community.yml": text}))
    assert [e.message for e in errors] == [
        "“标题”只有看不见的字符韩文填充符（U+3164），等于没有填写。"
    ]


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("热线☎\ufe0f", True),  # an emoji's presentation selector
        ("1\ufe0f\u20e3号", True),  # a keycap
        ("葛\U000e0100氏", True),  # an ideographic variation sequence
        ("社\ufe0f区", False),  # U+FE0F draws no Chinese character differently
        ("\ufe0f社区", False),
        ("社区 \ufe0f", False),
        ("☎\ufe0f\ufe0f", False),
        ("a\U000e0100", False),
        ("\ufe0f", False),
    ],
)
def test_variation_selectors_only_after_what_they_change(text: str, valid: bool) -> None:
    """Variation selectors pass right after a character they can change, in both checks."""
    from generator.model import CaseStudy

    _, problem = check_field(CaseStudy, "unit", text)
    node = _schema("case")["properties"]["unit"]
    assert (problem == "", jsonschema.Draft202012Validator(node).is_valid(text)) == (valid, valid)


def _schema_patterns() -> list[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    found.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for name in ("case", "practice", "material", "pack", "taxonomy"):
        walk(_schema(name))
    return sorted(found)


_TRICKY = [
    "河畔社区",
    " 河畔 ",
    "\u3000",
    "   ",
    "a\nb",
    "标题\n",
    "标题\n\n",
    "\u3164",
    "☎\ufe0f",
    "社\ufe0f",
    "葛\U000e0100",
    "a\U000e0100",
    "\U000e0041x",
    "\U00020000字",
    "𠀀\ufe0f",
    "<b>",
    "字" * 80 + "  ",
    "字" * 81,
    "字" * 60 + "\n",
    "字" * 61,
    " 2024-02-29 ",
    "2023-02-29",
    "0000-01-01",
    "river-community",
    " river-community",
    "\ud800",
    "a\u2029b",
    "\U0001d173",
    "【待填写】单位",
]


def test_schema_patterns_read_the_same_in_python_and_javascript() -> None:
    """The YAML language server's regular expressions (JavaScript, ``u`` flag) match what
    Python's do, so the agreement tests, run in Python, speak for the editor too."""
    patterns = _schema_patterns()
    script = (
        "const [patterns, samples] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(patterns.map("
        "p => samples.map(s => new RegExp(p, 'u').test(s)))));"
    )
    ran = subprocess.run(
        ["node", "-e", script],
        input=json.dumps([patterns, _TRICKY]),
        capture_output=True,
        text=True,
        check=True,
    )
    in_javascript = json.loads(ran.stdout)
    in_python = [[re.search(p, s) is not None for s in _TRICKY] for p in patterns]
    assert in_javascript == in_python


# --- the taxonomy --------------------------------------------------------------------------


def test_two_themes_with_one_name_are_refused(write_project) -> None:
    """A theme named like another theme is an error naming both lines."""
    text = _TAXONOMY.replace("    name: 学习形式与载体", "    name: 学习理念")
    errors = _errors(write_project({"content/taxonomy.yml": text}))
    assert [(e.path, e.line, e.key) for e in errors] == [
        ("content/taxonomy.yml", 7, "themes[1].name")
    ]
    assert errors[0].message == "主题名称“学习理念”与第 3 行的主题重复。"


def test_theme_named_like_an_organization_type_is_a_warning(write_project) -> None:
    """A theme called 城市社区, as an organization type is, is told but does not fail the check."""
    text = _TAXONOMY.replace("    name: 学习理念", "    name: 城市社区")
    problems = _problems(write_project({"content/taxonomy.yml": text}))
    assert [(p.severity, p.line, p.key) for p in problems] == [("warning", 7, "themes[1].name")]
    assert problems[0].message == "主题名称“城市社区”与第 16 行的组织类型同名。"


# --- copies --------------------------------------------------------------------------------


def test_copy_named_by_the_file_manager_gets_an_id_it_can_use(write_project) -> None:
    """A copy saved as `… (1).yml` is told a valid unused id and to rename the file to it."""
    original = (SAMPLE / "practices/twice-monthly-study.yml").read_text(encoding="utf-8")
    errors = _errors(write_project({"content/practices/twice-monthly-study (1).yml": original}))
    assert [(e.path, e.key) for e in errors] == [
        ("content/practices/twice-monthly-study (1).yml", "id")
    ]
    assert "请把 id 改为 twice-monthly-study-2，并把文件改名为 twice-monthly-study-2.yml。" in (
        errors[0].hint
    )
    assert "(1)" not in errors[0].hint.partition("请把 id 改为")[2]


def test_file_named_unlike_any_id_is_only_told_to_rename(write_project) -> None:
    """A file whose name cannot be an id is not told to use its name as the id."""
    original = (SAMPLE / "practices/twice-monthly-study.yml").read_text(encoding="utf-8")
    text = original.replace("id: twice-monthly-study", "id: weekly-study")
    errors = _errors(write_project({"content/practices/Weekly Study.yml": text}))
    assert [e.hint for e in errors] == [
        "请把文件改名为 weekly-study.yml（文件名“Weekly Study”不能用作编号）。"
    ]


def test_practice_copied_into_cases_reports_the_copy(write_project) -> None:
    """A practice copied into cases/ is not told to move onto the file it was copied from,
    and its duplicate id is reported."""
    original = (SAMPLE / "practices/twice-monthly-study.yml").read_text(encoding="utf-8")
    errors = _errors(write_project({"content/cases/twice-monthly-study.yml": original}))
    assert [(e.path, e.key) for e in errors] == [
        ("content/cases/twice-monthly-study.yml", "id"),
        ("content/cases/twice-monthly-study.yml", "kind"),
    ]
    duplicate, misplaced = errors
    assert duplicate.message == (
        "编号“twice-monthly-study”已被 content/practices/twice-monthly-study.yml 使用。"
    )
    assert "content/practices/twice-monthly-study.yml，不能直接移过去" in misplaced.message
    assert "请把文件移到 practices/" not in misplaced.hint
    assert "twice-monthly-study-2" in misplaced.hint


# --- kb new ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "told"),
    [
        ("title", "\u202e标题", "从右到左覆盖符（U+202E）"),
        ("title", "\u3164", "只有看不见的字符韩文填充符（U+3164）"),
        ("id", "index", "“编号”不能用“index”：这个名字是网站目录页的文件名"),
        ("id", "con", "“编号”不能用“con”"),
    ],
)
def test_values_from_the_command_line_are_told_the_real_reason(
    name: str, value: str, told: str
) -> None:
    """`check_field`, for `kb new`, words a refusal as `kb check` words it for the file."""
    from generator.model import CaseStudy

    cleaned, problem = check_field(CaseStudy, name, value)
    assert cleaned is None and told in problem


@pytest.mark.parametrize(
    ("options", "told"),
    [
        (["--title", "\u202e标题"], "U+202E"),
        (["--title", "某社区", "--id", "index"], "“编号”不能用“index”"),
        (["--title", "某社区", "--id", "con"], "“编号”不能用“con”"),
    ],
)
def test_kb_new_tells_the_real_reason(
    write_project, monkeypatch: pytest.MonkeyPatch, options: list[str], told: str
) -> None:
    """`kb new` names the invisible character or the reserved id it refuses."""
    monkeypatch.chdir(write_project({}))
    monkeypatch.setattr(new_command, "_interactive", lambda: False)
    result = CliRunner().invoke(
        cli.main, ["new", "case", *options, "--org-type", "school", "--theme", "results"]
    )
    assert result.exit_code == 2
    assert told in result.output
